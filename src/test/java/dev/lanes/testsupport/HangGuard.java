package dev.lanes.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The only time limit in the test suite: a guard against a child process or a call that hangs
 * (a deadlock), never a judgement of speed. It is set so far above any healthy run — the slowest
 * child JVM here finishes in about half a minute on an idle machine — that no amount of load from
 * other processes reaches it; a run that does reach it is stuck, not slow.
 */
public final class HangGuard {

    /** How long a child process or a guarded call may take before it is considered hung. */
    public static final Duration LIMIT = Duration.ofMinutes(30);

    private HangGuard() {
    }

    /** The exit code and the merged stdout and stderr of a finished process. */
    public record Result(int exitCode, String output) {
    }

    /**
     * Starts the process with stdout and stderr merged into a temporary file (so a chatty child
     * never blocks on a full pipe), waits for it under the hang guard and returns what it wrote.
     */
    public static Result run(ProcessBuilder pb, String what) throws IOException, InterruptedException {
        Path out = Files.createTempFile("lanes-child", ".txt");
        try {
            pb.redirectErrorStream(true).redirectOutput(out.toFile());
            Process p = pb.start();
            int code = waitFor(p, what);
            return new Result(code, Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Waits for the process under the hang guard; a hung process is killed and the test fails. */
    public static int waitFor(Process p, String what) throws InterruptedException {
        if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(what + " still had not finished after " + LIMIT.toMinutes() + " minutes: it hangs");
        }
        return p.exitValue();
    }
}
