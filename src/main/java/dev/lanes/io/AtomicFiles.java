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
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces files so that readers see either the whole old content or the whole new one, never a
 * mix, even if the process or the machine stops in the middle of a write.
 *
 * <p>The new content goes to a hidden temporary file in the target's own directory (a rename is
 * only atomic within one file system), is forced to the storage device with
 * {@link FileChannel#force(boolean)}, and then renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}. When anything fails before the rename, the temporary file
 * is deleted and the old target is left as it was.
 */
public final class AtomicFiles {

    private AtomicFiles() {
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
        Path tmp = dir.resolve("." + abs.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(ch);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
        syncDirectory(dir);
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
