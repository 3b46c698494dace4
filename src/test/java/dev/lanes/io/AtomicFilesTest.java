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
}
