package dev.lanes.cli;

import dev.lanes.testsupport.HangGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the {@code ./lanes} launcher as a real process, from a directory other than the project's,
 * on the jar the build just packaged (LANES_NO_BUILD=1: a test must not start a nested build).
 */
class LanesLauncherIT {

    @TempDir
    Path dir;

    record Proc(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private Proc lanes(String... args) throws IOException, InterruptedException {
        return lanesWithInput(null, args);
    }

    private Proc lanesWithInput(Path stdin, String... args) throws IOException, InterruptedException {
        return lanesWith(stdin, Map.of(), args);
    }

    private Proc lanesWith(Path stdin, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path launcher = Path.of(System.getProperty("user.dir")).resolve("lanes").toAbsolutePath();
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("LANES_NO_BUILD", "1");
        pb.environment().putAll(env);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        int code = HangGuard.waitFor(p, "./lanes " + String.join(" ", args));
        return new Proc(code, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void infoRunsFromAnyDirectory() throws Exception {
        Proc r = lanes("info");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("Lanes ") && r.out().contains("Backend:"), r::toString);
    }

    @Test
    void trainThenPredictKeepsStdoutToTheCsv() throws Exception {
        Files.writeString(dir.resolve("tiny.csv"), CliTest.blobCsv(45, 3));
        Proc t = lanes("train", "--data", "tiny.csv", "--epochs", "1", "--layers", "2,4,3", "--out", "tiny.lanes");
        assertEquals(0, t.code(), t::toString);
        assertTrue(t.out().contains("epoch   1/1") && Files.exists(dir.resolve("tiny.lanes"))
                && Files.exists(dir.resolve("tiny.lanes.ckpt")) && Files.exists(dir.resolve("tiny.lanes.png")), t::toString);
        Files.writeString(dir.resolve("in.csv"), "0,0\n8,0\n");
        Proc p = lanes("predict", "--model", "tiny.lanes", "--data", "in.csv");
        assertEquals(0, p.code(), p::toString);
        String[] lines = p.out().split("\n");
        assertEquals(3, lines.length, p::toString);
        assertEquals("class,p_a,p_b,p_c", lines[0]);
        for (int i = 1; i < lines.length; i++) {
            assertTrue(lines[i].matches("[abc](,[0-9.E-]+){3}"), p::toString);
        }
        // The same rows through a pipe: features on stdin, predictions on stdout.
        Proc piped = lanesWithInput(dir.resolve("in.csv"), "predict", "--model", "tiny.lanes", "--data", "-");
        assertEquals(0, piped.code(), piped::toString);
        assertEquals(p.out(), piped.out());
    }

    @Test
    void badInputAndBadUsageExitCodes() throws Exception {
        Files.writeString(dir.resolve("foreign.lanes"), "PK\u0003\u0004 not a model");
        Proc m = lanes("eval", "--model", "foreign.lanes", "--data", "digits");
        assertEquals(3, m.code(), m::toString);
        assertTrue(m.err().contains("foreign.lanes: is not a Lanes model file"), m::toString);
        assertEquals("", m.out());
        Files.writeString(dir.resolve("bad.csv"), "1,2,a\n1,oops,b\n");
        Proc d = lanes("train", "--data", "bad.csv", "--epochs", "1");
        assertEquals(3, d.code(), d::toString);
        assertTrue(d.err().contains("bad.csv:2:2"), d::toString);
        Proc u = lanes("train", "--data", "digits", "--epochs", "x");
        assertEquals(2, u.code(), u::toString);
    }

    @Test
    void aStdoutThatFailsIsAnErrorAndAReaderThatStopsIsNot() throws Exception {
        Files.writeString(dir.resolve("tiny.csv"), CliTest.blobCsv(45, 3));
        Proc t = lanes("train", "--data", "tiny.csv", "--epochs", "1", "--layers", "2,4,3", "--no-plot",
                "--out", "tiny.lanes");
        assertEquals(0, t.code(), t::toString);
        // enough rows that the predictions overflow a pipe's buffer
        Files.writeString(dir.resolve("rows.csv"), "0,0\n".repeat(40_000));
        java.io.File full = new java.io.File("/dev/full");
        if (full.exists()) {
            // A full disk: every write fails with ENOSPC.
            Process p = start(ProcessBuilder.Redirect.to(full), Map.of(), "predict", "--model", "tiny.lanes",
                    "--data", "rows.csv");
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = HangGuard.waitFor(p, "predict > /dev/full");
            assertEquals(1, code, err);
            assertTrue(err.contains("lanes: could not write to standard output"), err);
            assertFalse(err.contains("\tat "), err);
        }
        // `lanes predict ... | head -1`: the reader closes the pipe after one line.
        Process p = start(ProcessBuilder.Redirect.PIPE, Map.of(), "predict", "--model", "tiny.lanes", "--data",
                "rows.csv");
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("class,p_a,p_b,p_c", r.readLine());
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = HangGuard.waitFor(p, "predict | head -1");
        assertEquals(0, code, err);
        assertFalse(err.contains("could not write"), err);
    }

    @Test
    void aCsvLargerThanTheHeapCanHoldIsRefusedWithAMessage() throws Exception {
        // 16 MB of rows, 100 kB gzipped; at 64 MB of heap its values cannot be held twice.
        Path bomb = dir.resolve("big.csv.gz");
        try (var z = new java.util.zip.GZIPOutputStream(Files.newOutputStream(bomb))) {
            z.write("a,b,c,d,e,f,g,label\n".getBytes(StandardCharsets.US_ASCII));
            byte[] row = "1,2,3,4,5,6,7,0\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 1_000_000; i++) {
                z.write(row);
            }
        }
        Proc r = lanesWith(null, Map.of("LANES_JAVA_OPTS", "-Xmx64m"), "train", "--data", "big.csv.gz", "--epochs", "1",
                "--no-plot", "--out", "big.lanes");
        assertEquals(3, r.code(), r::toString);
        assertTrue(r.err().contains("big.csv.gz:") && r.err().contains("the data does not fit in memory"), r::toString);
        assertFalse(r.err().contains("OutOfMemoryError") || r.err().contains("\tat "), r::toString);
        assertFalse(Files.exists(dir.resolve("big.lanes")), r::toString);
    }

    /** The launcher with stderr to a pipe and stdout where {@code out} says. */
    private Process start(ProcessBuilder.Redirect out, Map<String, String> env, String... args) throws IOException {
        Path launcher = Path.of(System.getProperty("user.dir")).resolve("lanes").toAbsolutePath();
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out);
        pb.environment().put("LANES_NO_BUILD", "1");
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void globsReachTheJvmAndTheCommandAsWritten() throws Exception {
        // Files whose names the '*' patterns would match if the shell expanded them: the kernels'
        // CompileCommand in the start-up flags, a LANES_JAVA_OPTS value, a command argument.
        Files.writeString(dir.resolve("-XX:CompileCommand=CompileThresholdScaling,dev.lanes.kernel.x::y,0.05"), "");
        Files.writeString(dir.resolve("-Dlanes.glob=expanded"), "");
        Files.writeString(dir.resolve("a.lanes"), "not a model");
        Proc info = lanesWith(null, Map.of("LANES_JAVA_OPTS", "-Dlanes.glob=*"), "info");
        assertEquals(0, info.code(), info::toString);
        assertTrue(info.out().contains(" -Dlanes.glob=* ") || info.out().contains(" -Dlanes.glob=*\n"), info::toString);
        assertTrue(info.out().contains("-XX:CompileCommand=CompileThresholdScaling,dev.lanes.kernel.*::*,"), info::toString);
        assertTrue(info.out().contains("Start-up:      all of the recommended flags are in effect"), info::toString);
        Proc p = lanes("predict", "--model", "*.lanes", "--data", "in.csv");
        assertEquals(3, p.code(), p::toString);
        assertTrue(p.err().contains("lanes predict: *.lanes: no such file"), p::toString);
    }
}
