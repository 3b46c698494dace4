package dev.lanes.cli;

import dev.lanes.io.ModelFile;
import dev.lanes.io.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs that stopped at a bad moment can be completed, and failures name files that exist. */
class RecoverableRunTest {

    @TempDir
    Path dir;

    private String[] run(Path data, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--layers", "2,8,3",
                "--out", out.toString(), "--no-plot"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void resumingAFinishedCheckpointWritesTheModelItHolds() throws IOException {
        Path data = Files.writeString(dir.resolve("blobs.csv"), CliTest.blobCsv(90, 7));
        Path out = dir.resolve("m.lanes");
        CliTest.Run first = CliTest.lanes(run(data, out, "--epochs", "3", "--lr", "0.05"));
        assertEquals(0, first.code(), first::toString);
        byte[] model = Files.readAllBytes(out);
        // As if the process died while writing the model, after the last checkpoint.
        Files.delete(out);
        CliTest.Run again = CliTest.lanes(run(data, out, "--epochs", "3", "--lr", "0.05", "--resume", out + ".ckpt"));
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().contains("holds the finished run (3 epochs); writing its model"), again::toString);
        assertArrayEquals(model, Files.readAllBytes(out));
        // Asking for fewer epochs than the checkpoint holds is still a usage error.
        CliTest.Run fewer = CliTest.lanes(run(data, out, "--epochs", "2", "--lr", "0.05", "--resume", out + ".ckpt"));
        assertEquals(2, fewer.code(), fewer::toString);
    }

    @Test
    void aDivergedRunNamesOnlyACheckpointThatExists() throws IOException {
        Path data = Files.writeString(dir.resolve("blobs.csv"), CliTest.blobCsv(90, 7));
        Path out = dir.resolve("d.lanes");
        CliTest.Run r = CliTest.lanes(run(data, out, "--epochs", "5", "--optimizer", "sgd", "--lr", "1e30",
                "--no-standardize"));
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("training diverged"), r::toString);
        Path ckpt = dir.resolve("d.lanes.ckpt");
        Matcher m = Pattern.compile("the last good checkpoint is (.+) \\(after epoch (\\d+)\\)").matcher(r.err());
        if (m.find()) {
            assertEquals(ckpt.toAbsolutePath().toString(), m.group(1));
            assertEquals(Integer.parseInt(m.group(2)), ModelFile.readCheckpoint(ckpt).epochs());
        } else {
            assertTrue(r.err().contains("no checkpoint was written: it diverged in the first epoch"), r::toString);
            assertFalse(Files.exists(ckpt), r::toString);
        }
        assertFalse(Files.exists(out), "a diverged run writes no model");
    }

    @Test
    void aCheckpointLeftByAnotherRunIsNotNamedAfterDivergingInTheFirstEpoch() throws IOException {
        Path data = Files.writeString(dir.resolve("blobs.csv"), CliTest.blobCsv(90, 7));
        Path out = dir.resolve("e.lanes");
        Path ckpt = Files.writeString(dir.resolve("e.lanes.ckpt"), "an unrelated file");
        CliTest.Run r = CliTest.lanes(run(data, out, "--epochs", "5", "--optimizer", "sgd", "--lr", "1e30",
                "--no-standardize", "--batch", "90"));
        assertEquals(1, r.code(), r::toString);
        if (r.err().contains("no checkpoint was written")) {
            assertEquals("an unrelated file", Files.readString(ckpt));
        } else {
            // It diverged later: the message names the checkpoint this run wrote.
            assertTrue(r.err().contains("(after epoch "), r::toString);
            try {
                ModelFile.readCheckpoint(ckpt);
            } catch (ModelFileException e) {
                throw new AssertionError("the named checkpoint is not this run's: " + r, e);
            }
        }
    }

    /** The id of a process that has exited. */
    private static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void trainRemovesTemporaryFilesOfKilledWritesOnly() throws Exception {
        Path data = Files.writeString(dir.resolve("blobs.csv"), CliTest.blobCsv(90, 7));
        Path out = dir.resolve("t.lanes");
        long dead = deadPid();
        Path stale = Files.writeString(dir.resolve(".t.lanes.ckpt.lanes-" + dead + "-9a.tmp"), "x");
        Path live = Files.writeString(dir.resolve(".t.lanes.lanes-" + ProcessHandle.current().pid() + "-9a.tmp"), "x");
        Path foreign = Files.writeString(dir.resolve(".t.lanes.9a.tmp"), "x");
        CliTest.Run r = CliTest.lanes(run(data, out, "--epochs", "1", "--lr", "0.05"));
        assertEquals(0, r.code(), r::toString);
        assertFalse(Files.exists(stale), r::toString);
        assertTrue(r.err().contains("removed " + stale.toAbsolutePath()), r::toString);
        assertTrue(Files.exists(live) && Files.exists(foreign), r::toString);
    }
}
