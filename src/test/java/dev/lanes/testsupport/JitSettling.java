package dev.lanes.testsupport;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Repeats a measured window of work until its result is good enough, or until the JIT has
 * settled, judged by the compiler's own state rather than by a clock.
 *
 * <p>Allocation tests have to wait for C2: until it has compiled a kernel, C1 code boxes vectors
 * and allocates. A deadline in seconds made them fail on a loaded machine, where the compiler
 * threads get less CPU and finish later. Here the loop gives up only after a minimum number of
 * windows (enough invocations for every tier threshold) and a run of consecutive windows during
 * which no compilation was queued or running (the JVM's {@code Compiler.queue} diagnostic
 * command): then nothing more will change, however slow the machine is.
 */
public final class JitSettling {

    /** Consecutive windows with an idle compiler after which the JIT counts as settled. */
    static final int IDLE_WINDOWS = 20;

    private JitSettling() {
    }

    /**
     * Runs {@code window} (which returns a measurement, e.g. bytes allocated) until it returns at
     * most {@code enough}, or until at least {@code minWindows} windows have run and the JIT has
     * been idle for {@link #IDLE_WINDOWS} windows in a row. Returns the smallest measurement seen.
     */
    public static long smallest(LongSupplier window, long enough, int minWindows) {
        long best = Long.MAX_VALUE;
        int idle = 0;
        for (int w = 1; ; w++) {
            best = Math.min(best, window.getAsLong());
            if (best <= enough) {
                return best;
            }
            idle = compilerIdle() ? idle + 1 : 0;
            if (w >= minWindows && idle >= IDLE_WINDOWS) {
                return best;
            }
        }
    }

    /** True when no method is being compiled and both compile queues are empty. */
    public static boolean compilerIdle() {
        // Headers ("Current compiles:", "C1 compile queue:", ...) and "Empty" aside, every
        // non-blank line is a compile task, running or queued.
        for (String line : compilerQueue().lines().toList()) {
            String l = line.strip();
            if (!l.isEmpty() && !l.equals("Empty") && !l.endsWith(":")) {
                return false;
            }
        }
        return true;
    }

    private static String compilerQueue() {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return String.valueOf(text);
        } catch (JMException e) {
            throw new AssertionError("cannot read the JIT compile queue (Compiler.queue)", e);
        }
    }
}
