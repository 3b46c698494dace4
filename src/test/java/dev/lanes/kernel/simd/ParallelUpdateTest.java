package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Updates long enough to be split over threads (axpy, momentum, Adam) give the same bits as on
 * one thread, at every thread count and with a nonzero offset, and leave what lies outside the
 * window alone.
 */
class ParallelUpdateTest {

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        return a;
    }

    private static Kernels simd(int threads) {
        return Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, threads, null));
    }

    @Test
    void splitUpdatesAreBitIdenticalToOneThread() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = VectorKernels.PARALLEL_UPDATE + 77;
        int off = 13;
        float[] g = random(rnd, n + 2 * off);
        float[] p0 = random(rnd, n + 2 * off);
        float[] m0 = random(rnd, n + 2 * off);
        float[] v0 = random(rnd, n + 2 * off);
        for (int i = 0; i < v0.length; i++) {
            v0[i] = Math.abs(v0[i]);
        }
        float[][] want = null;
        for (int threads : new int[] {1, 2, 3, 4, 8, 16}) {
            Kernels k = simd(threads);
            float[] pa = p0.clone();
            k.axpy(n, -0.01f, g, off, pa, off);
            float[] pm = p0.clone();
            float[] vm = m0.clone();
            k.momentumUpdate(n, 0.01f, 0.9f, 1e-4f, g, vm, pm, off);
            float[] pd = p0.clone();
            float[] md = m0.clone();
            float[] vd = v0.clone();
            k.adamUpdate(n, 1e-3f, 0.9f, 0.999f, 0.1f, 0.001f, 1e-8f, 0.01f, g, md, vd, pd, off);
            float[][] got = {pa, pm, vm, pd, md, vd};
            for (float[] a : got) {
                for (int i = 0; i < off; i++) {
                    // only the momentum and Adam state arrays start away from p0; check p only
                    if (a == pa || a == pm || a == pd) {
                        assertEquals(p0[i], a[i], 0f, "before the window");
                        assertEquals(p0[off + n + i], a[off + n + i], 0f, "after the window");
                    }
                }
            }
            if (want == null) {
                want = got;
            } else {
                for (int a = 0; a < got.length; a++) {
                    assertArrayEquals(want[a], got[a], threads + " threads, array " + a);
                }
            }
        }
    }
}
