package dev.lanes.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Replaces files so that readers see either the whole old content or the whole new one, never a
 * mix, even if the process or the machine stops in the middle of a write.
 *
 * <p>The new content goes to a hidden temporary file in the target's own directory (a rename is
 * only atomic within one file system), is forced to the storage device with
 * {@link FileChannel#force(boolean)}, and then renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}. When anything fails before the rename, the temporary file
 * is deleted and the old target is left as it was.
 *
 * <p>A process killed while writing cannot delete its temporary file. The name carries the
 * writer's process id, {@code .<target name>.lanes-<pid>-<random hex>.tmp}, so that
 * {@link #removeStaleTemporaries} can later delete exactly the temporary files of the target whose
 * writer is no longer running, and nothing else.
 *
 * <p>Crash testing: with the system property {@code lanes.debug.fileEvents} set to {@code N}, every
 * step of a write (1 temporary file created, 2 content written, 3 content forced to the device,
 * 4 renamed over the target) is numbered across the process and reported on stderr as
 * {@code lanes-file-event <n> <step> <target>}; at event {@code N} the writing thread then stops
 * for good, so that a test can kill the process exactly there. Without the property, nothing of
 * this happens.
 */
public final class AtomicFiles {

    private static final long PAUSE_AT = Long.getLong("lanes.debug.fileEvents", 0);
    private static final java.util.concurrent.atomic.AtomicLong EVENTS = new java.util.concurrent.atomic.AtomicLong();

    private AtomicFiles() {
    }

    private static void event(String step, Path target) {
        if (PAUSE_AT == 0) {
            return;
        }
        long n = EVENTS.incrementAndGet();
        System.err.println("lanes-file-event " + n + " " + step + " " + target);
        System.err.flush();
        if (n == PAUSE_AT) {
            while (true) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    // Stay here: the test kills the process at this point.
                }
            }
        }
    }

    /** Writes the body of a file to a stream; may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface Body {
        /**
         * @param out where the content goes; it must not be closed by the body
         * @throws IOException when the content cannot be produced or written
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Atomically replaces (or creates) {@code target} with what {@code body} writes.
     *
     * @throws AtomicMoveNotSupportedException if the file system cannot rename atomically; the old
     *     file is then untouched and no temporary file remains
     * @throws IOException when writing fails; the old file is untouched and no temporary file remains
     */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = dir.resolve("." + abs.getFileName() + ".lanes-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                event("created", abs);
                OutputStream out = Channels.newOutputStream(ch);
                body.writeTo(out);
                out.flush();
                event("written", abs);
                ch.force(true);
            }
            event("forced", abs);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            event("renamed", abs);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
        syncDirectory(dir);
    }

    /**
     * Deletes the temporary files that earlier writes of {@code target} left behind when their
     * process was killed: files in the target's directory named
     * {@code .<target name>.lanes-<pid>-<hex>.tmp} whose process {@code pid} is no longer alive.
     * Files of a live process (a write in progress, here or in another program) and any other
     * file are left alone; a process id reused by an unrelated live process keeps its file too,
     * the safe side. Deletion failures are ignored: the files are only clutter.
     *
     * @return the files deleted
     */
    public static List<Path> removeStaleTemporaries(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        List<Path> removed = new ArrayList<>();
        if (dir == null || abs.getFileName() == null || !Files.isDirectory(dir)) {
            return removed;
        }
        Pattern own = Pattern.compile("\\." + Pattern.quote(abs.getFileName().toString())
                + "\\.lanes-(\\d{1,18})-[0-9a-f]{1,16}\\.tmp");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = own.matcher(f.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    try {
                        Files.deleteIfExists(f);
                        removed.add(f);
                    } catch (IOException e) {
                        // Left for a later run; it does not affect the target.
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // An unreadable directory: the write itself will report the real problem.
        }
        return removed;
    }

    /** Atomically replaces (or creates) {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    // The rename itself lives in the directory; without syncing it a power cut could bring back the
    // old name. Not every platform can open a directory (Windows cannot), so this is best effort.
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The data itself is already on disk; only the rename's durability is weaker here.
        }
    }
}
