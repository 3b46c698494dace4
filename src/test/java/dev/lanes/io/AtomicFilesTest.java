package dev.lanes.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void failingWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("model.lanes");
        ModelFile.write(f, ModelFileTest.model());
        byte[] before = Files.readAllBytes(f);
        // The disk fills up (or the process is interrupted) half way through the new content.
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[5000]);
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of(f), files());
        ModelFile.readModel(f);
    }

    @Test
    void failureOnTheFirstWriteCreatesNothing() throws IOException {
        Path f = dir.resolve("new.lanes");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IOException("boom");
        }));
        assertTrue(files().isEmpty(), files().toString());
    }

    @Test
    void successReplacesWholly() throws IOException {
        Path f = dir.resolve("a.bin");
        AtomicFiles.write(f, new byte[] {1, 2, 3, 4});
        AtomicFiles.write(f, new byte[] {9});
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
        assertEquals(List.of(f), files());
    }

    /** The id of a process that has exited. */
    static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        assertTrue(ProcessHandle.of(p.pid()).map(h -> !h.isAlive()).orElse(true));
        return p.pid();
    }

    @Test
    void temporaryNamesCarryTheWritersPid() throws IOException {
        Path f = dir.resolve("m.lanes");
        String[] seen = new String[1];
        AtomicFiles.write(f, out -> {
            try (Stream<Path> s = Files.list(dir)) {
                seen[0] = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).findFirst().orElse("");
            }
        });
        assertTrue(seen[0].matches("\\.m\\.lanes\\.lanes-" + ProcessHandle.current().pid() + "-[0-9a-f]+\\.tmp"), seen[0]);
    }

    @Test
    void staleTemporariesOfDeadWritersAreRemovedAndNothingElse() throws Exception {
        Path f = Files.writeString(dir.resolve("m.lanes"), "current");
        long dead = deadPid();
        long live = ProcessHandle.current().pid();
        Path stale = Files.writeString(dir.resolve(".m.lanes.lanes-" + dead + "-1f2e.tmp"), "half");
        Path ownLive = Files.writeString(dir.resolve(".m.lanes.lanes-" + live + "-abc.tmp"), "in progress");
        Path oldStyle = Files.writeString(dir.resolve(".m.lanes.7f3a9c.tmp"), "unknown owner");
        Path otherTarget = Files.writeString(dir.resolve(".m.lanes.ckpt.lanes-" + dead + "-1f2e.tmp"), "other");
        Path lookalike = Files.writeString(dir.resolve(".m.lanes.lanes-" + dead + "-xyz.tmp"), "not ours");
        Path subdir = Files.createDirectory(dir.resolve(".m.lanes.lanes-" + dead + "-abcd.tmp"));

        assertEquals(List.of(stale), AtomicFiles.removeStaleTemporaries(f));
        assertEquals(List.of(subdir, oldStyle, ownLive, lookalike, otherTarget, f).stream().sorted().toList(), files());
        assertEquals("current", Files.readString(f));
        assertEquals(List.of(), AtomicFiles.removeStaleTemporaries(dir.resolve("absent/m.lanes")));
    }
}
