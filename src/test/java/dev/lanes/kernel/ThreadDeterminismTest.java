package dev.lanes.kernel;

import dev.lanes.testsupport.HangGuard;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The contract promises results that do not depend on the thread count. The SIMD kernels with 1, 2,
 * 3 and 4 threads must give bit-identical arrays on problems big enough to be split between
 * threads (3 threads split unevenly; 4 is more than this machine has cores).
 */
class ThreadDeterminismTest {

    private static final int[] THREADS = {1, 2, 3, 4};

    @Test
    void gemmIsBitIdenticalForAnyThreadCount() {
        Kernels[] kernels = kernelsByThreads();
        int[][] shapes = {{300, 500, 200}, {1024, 64, 1024}};
        int count = 0;
        for (int[] s : shapes) {
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    // The 1024×64×1024 shape on the scalar fallback's slow transposed paths would
                    // dominate the run time; the deep-k, tall-m split is covered by (N, N) alone.
                    if (s[0] == 1024 && (ta != Transpose.NONE || tb != Transpose.NONE)) {
                        continue;
                    }
                    float beta = count++ % 2 == 0 ? 0f : 1.3f;
                    float[] first = null;
                    for (Kernels k : kernels) {
                        GemmProblem<float[]> p = GemmProblem.of(ta, tb, s[0], s[1], s[2], 0.7f, beta, 2, 1,
                                new SplittableRandom(41 + count));
                        p.run(k);
                        if (first == null) {
                            first = p.c;
                            p.verifySampled(k.describe() + " " + p, 200, new SplittableRandom(43));
                        } else {
                            assertArrayEquals(first, p.c, k.threads() + " threads differ from 1 thread on " + p);
                        }
                    }
                }
            }
        }
    }

    @Test
    void elementWiseKernelsAreBitIdenticalForAnyThreadCount() {
        Kernels[] kernels = kernelsByThreads();
        int rows = 1801;
        int cols = 67;
        int ld = 70;
        int n = (1 << 17) + 5;
        SplittableRandom seed = new SplittableRandom(47);
        float[] x = random(n, 4f, seed);
        float[] y = random(n, 1f, seed);
        float[] v = random(cols, 1f, seed);
        float[] probs = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            probs[i * cols + i % cols] = 1f;
        }
        float[][] first = null;
        double[] firstLoss = null;
        for (Kernels k : kernels) {
            float[][] out = new float[14][];
            double[] loss = new double[2];
            out[0] = x.clone();
            k.exp(n, out[0], 0);
            out[1] = x.clone();
            k.sigmoid(n, out[1], 0);
            out[2] = x.clone();
            k.tanh(n, out[2], 0);
            out[3] = x.clone();
            k.relu(n, out[3], 0);
            out[4] = y.clone();
            k.axpy(n, 0.3f, x, 0, out[4], 0);
            out[5] = x.clone();
            k.scale(n, 1.7f, out[5], 0);
            out[6] = y.clone();
            k.sigmoidBackward(n, out[1], 0, out[6], 0);
            out[7] = y.clone();
            k.tanhBackward(n, out[2], 0, out[7], 0);
            out[8] = y.clone();
            k.reluBackward(n, out[3], 0, out[8], 0);
            out[9] = Arrays.copyOf(x, rows * ld);
            k.addRowVector(rows, cols, v, 0, out[9], 0, ld);
            out[10] = new float[cols];
            k.columnSums(rows, cols, x, 0, ld, out[10], 0);
            out[11] = Arrays.copyOf(x, rows * ld);
            k.softmaxRows(rows, cols, out[11], 0, ld);
            out[12] = new float[rows * cols];
            loss[0] = k.mseLoss(rows, cols, x, 0, y, 0, out[12], 0);
            out[13] = new float[rows * cols];
            float[] z = Arrays.copyOf(x, rows * cols);
            loss[1] = k.softmaxCrossEntropy(rows, cols, z, 0, probs, 0, out[13], 0);
            if (first == null) {
                first = out;
                firstLoss = loss;
            } else {
                for (int i = 0; i < out.length; i++) {
                    assertArrayEquals(first[i], out[i], "result " + i + " with " + k.threads() + " threads");
                }
                assertEquals(firstLoss[0], loss[0], 0.0, "mseLoss with " + k.threads() + " threads");
                assertEquals(firstLoss[1], loss[1], 0.0, "softmaxCrossEntropy with " + k.threads() + " threads");
            }
        }
    }

    /**
     * An embedding program may hand in an executor with fewer threads than the kernels may use;
     * the calling thread does a share of the work itself, so the call must still finish, with the
     * same bits as one thread.
     */
    @Test
    void smallUserExecutorStillFinishesWithTheSameBits() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            Kernels four = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 4, pool));
            GemmProblem<float[]> one = GemmProblem.of(Transpose.NONE, Transpose.TRANSPOSE, 300, 500, 200, 1f, 0f, 0, 0,
                    new SplittableRandom(53));
            one.run(KernelVariants.simd(0, 1));
            GemmProblem<float[]> p = GemmProblem.of(Transpose.NONE, Transpose.TRANSPOSE, 300, 500, 200, 1f, 0f, 0, 0,
                    new SplittableRandom(53));
            // Guards against a deadlock only (HangGuard), not a speed limit.
            assertTimeoutPreemptively(HangGuard.LIMIT, () -> p.run(four), "sgemm on a 1-thread executor");
            assertArrayEquals(one.c, p.c, "4 threads on a 1-thread executor differ from 1 thread");
        } finally {
            pool.shutdownNow();
        }
    }

    private static Kernels[] kernelsByThreads() {
        Kernels[] kernels = new Kernels[THREADS.length];
        for (int i = 0; i < THREADS.length; i++) {
            kernels[i] = KernelVariants.simd(0, THREADS[i]);
            assertEquals(THREADS[i], kernels[i].threads(), kernels[i].describe());
        }
        return kernels;
    }

    private static float[] random(int n, float scale, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((2 * rnd.nextDouble() - 1) * scale);
        }
        return x;
    }
}
