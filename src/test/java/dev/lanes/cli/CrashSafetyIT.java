package dev.lanes.cli;

import dev.lanes.io.Checkpoint;
import dev.lanes.io.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills a real {@code lanes train} process with SIGKILL at every file event of its saves
 * (temporary file created, written, forced, renamed; for every checkpoint, the model and the plot)
 * and checks what a user finds afterwards: the model and the checkpoint are each either the old
 * file of an earlier run or a complete new one, and the run can always be completed (with
 * {@code --resume} when a checkpoint of it exists, else from scratch) to a model with exactly the
 * bytes of an uninterrupted run, leaving no temporary file behind.
 *
 * <p>The process is stopped at an event by the {@code lanes.debug.fileEvents} property
 * ({@link dev.lanes.io.AtomicFiles}), which parks the writing thread there; the test then kills it.
 */
class CrashSafetyIT {

    @TempDir
    static Path root;

    static byte[] csv;
    static byte[] finalModel;
    static byte[] oldModel;
    static byte[] oldCheckpoint;
    static int events;

    private static final String[] RUN = {"train", "--data", "blobs.csv", "--epochs", "3", "--layers", "2,8,3",
        "--lr", "0.05", "--seed", "1", "--out", "m.lanes"};

    @BeforeAll
    static void uninterruptedRuns() throws Exception {
        csv = CliTest.blobCsv(90, 7).getBytes(StandardCharsets.UTF_8);
        // The files an earlier run (another seed) left in the directory.
        Path old = fresh("old");
        run(old, 0, with(RUN, "--seed", "2"));
        oldModel = Files.readAllBytes(old.resolve("m.lanes"));
        oldCheckpoint = Files.readAllBytes(old.resolve("m.lanes.ckpt"));
        // The uninterrupted run, counting its file events.
        Path ref = fresh("reference");
        Proc r = run(ref, Long.MAX_VALUE, RUN);
        events = (int) r.err.lines().filter(l -> l.startsWith("lanes-file-event ")).count();
        finalModel = Files.readAllBytes(ref.resolve("m.lanes"));
        // 3 checkpoints, the model and the plot, 4 events each.
        assertEquals(20, events, r.err);
    }

    @Test
    void killedAtEveryFileEventTheRunCompletesToTheSameModel() throws Exception {
        List<String> report = new ArrayList<>();
        for (int k = 1; k <= events; k++) {
            Path d = fresh("kill-" + k);
            Files.write(d.resolve("m.lanes"), oldModel);
            Files.write(d.resolve("m.lanes.ckpt"), oldCheckpoint);
            String at = killAt(d, k);

            byte[] model = Files.readAllBytes(d.resolve("m.lanes"));
            boolean modelIsOld = Arrays.equals(model, oldModel);
            if (!modelIsOld) {
                ModelFile.readModel(d.resolve("m.lanes"));   // complete, or this throws
            }
            byte[] ck = Files.readAllBytes(d.resolve("m.lanes.ckpt"));
            boolean checkpointIsOld = Arrays.equals(ck, oldCheckpoint);
            Checkpoint c = ModelFile.readCheckpoint(d.resolve("m.lanes.ckpt"));   // old or new, whole

            Proc done = checkpointIsOld
                    ? run(d, 0, RUN)
                    : run(d, 0, with(RUN, "--resume", "m.lanes.ckpt"));
            assertEquals(0, done.code, () -> "completing after a kill at " + at + ":\n" + done.err);
            assertArrayEquals(finalModel, Files.readAllBytes(d.resolve("m.lanes")),
                    "the completed run's model differs after a kill at " + at);
            try (Stream<Path> files = Files.list(d)) {
                List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
                assertEquals(List.of(), left, "temporary files left after completing a kill at " + at);
            }
            report.add(at + ": model " + (modelIsOld ? "old" : "new") + ", checkpoint "
                    + (checkpointIsOld ? "old" : "new after epoch " + c.epochs()) + " -> "
                    + (checkpointIsOld ? "rerun" : "resumed"));
        }
        assertTrue(report.size() >= 20, String.join("\n", report));
        System.out.println(String.join("\n", report));
    }

    /** Starts the run, waits until it reports file event {@code k}, kills it with SIGKILL. */
    private static String killAt(Path d, int k) throws IOException, InterruptedException {
        Process p = start(d, k, RUN);
        String at = null;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                if (line.startsWith("lanes-file-event " + k + " ")) {
                    at = line.substring("lanes-file-event ".length());
                    break;
                }
                seen.append(line).append('\n');
            }
            if (at == null) {
                fail("the run ended (exit " + p.waitFor() + ") before file event " + k + "; stderr:\n" + seen);
            }
            p.destroyForcibly();   // SIGKILL: no shutdown hook, no finally block runs
            p.waitFor();
        }
        return at;
    }

    record Proc(int code, String err) {
    }

    private static Process start(Path d, long pauseAt, String... args) throws IOException {
        Path launcher = Path.of(System.getProperty("user.dir")).resolve("lanes").toAbsolutePath();
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(d.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LANES_NO_BUILD", "1");
        if (pauseAt != 0) {
            pb.environment().put("LANES_JAVA_OPTS", "-Dlanes.debug.fileEvents=" + pauseAt);
        } else {
            pb.environment().remove("LANES_JAVA_OPTS");
        }
        return pb.start();
    }

    private static Proc run(Path d, long pauseAt, String... args) throws IOException, InterruptedException {
        Process p = start(d, pauseAt, args);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        assertEquals(0, code, err);
        return new Proc(code, err);
    }

    private static Path fresh(String name) throws IOException {
        Path d = Files.createDirectory(root.resolve(name));
        Files.write(d.resolve("blobs.csv"), csv);
        return d;
    }

    private static String[] with(String[] args, String... more) {
        List<String> out = new ArrayList<>(List.of(args));
        for (int i = 0; i < more.length; i += 2) {
            int at = out.indexOf(more[i]);
            if (at >= 0) {
                out.set(at + 1, more[i + 1]);
            } else {
                out.add(more[i]);
                out.add(more[i + 1]);
            }
        }
        return out.toArray(String[]::new);
    }
}
