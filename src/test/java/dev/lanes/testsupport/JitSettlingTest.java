package dev.lanes.testsupport;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settling loop must end in both directions: at once when the window is good, and when it never is. */
class JitSettlingTest {

    private static volatile Object sink;

    @Test
    void stopsAtTheFirstGoodWindow() {
        int[] windows = {0};
        long best = JitSettling.smallest(() -> ++windows[0] == 3 ? 0 : 100, 0, 1_000);
        assertEquals(0, best);
        assertEquals(3, windows[0]);
    }

    @Test
    void aWindowThatAlwaysAllocatesEndsOnceTheJitIsIdle() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int[] windows = {0};
        long best = JitSettling.smallest(() -> {
            windows[0]++;
            long before = mx.getCurrentThreadAllocatedBytes();
            sink = new byte[4096];
            return mx.getCurrentThreadAllocatedBytes() - before;
        }, 1024, 50);
        assertTrue(best >= 4096, "allocated " + best);
        assertTrue(windows[0] >= 50, windows[0] + " windows");
    }
}
