package dev.lanes.nn;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.optim.Adam;
import dev.lanes.optim.GradientClipping;
import dev.lanes.optim.Momentum;
import dev.lanes.optim.Optimizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training step, an evaluation and a prediction give the same bits on any number of threads,
 * including counts far above the processors (oversubscribed) and an executor of the embedding
 * program's; and the row shards and gradient pieces really are used.
 */
class ParallelStepTest {

    static final int[] THREADS = {1, 2, 3, 4, 8, 16};

    /** What a short run leaves behind, compared bit for bit. */
    record Outcome(float[] parameters, double[] losses, float[] predictions, double evalLoss, int correct) {
    }

    private static Outcome run(NetworkSpec spec, Kernels kernels, int batch, int steps, Optimizer opt, double clip) {
        Network net = Network.create(spec, 42, kernels);
        Gradients g = net.newGradients();
        SplittableRandom rnd = new SplittableRandom(7);
        int n = spec.inputs();
        int m = spec.outputs();
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            // odd batch sizes too, so shards are uneven
            int rows = batch - (s % 3) * 7;
            float[] x = new float[rows * n];
            float[] y = new float[rows * m];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            for (int r = 0; r < rows; r++) {
                if (spec.loss() == Loss.CROSS_ENTROPY) {
                    y[r * m + rnd.nextInt(m)] = 1f;
                } else {
                    for (int j = 0; j < m; j++) {
                        y[r * m + j] = (float) rnd.nextDouble();
                    }
                }
            }
            losses[s] = net.lossAndGradients(x, y, rows, g);
            if (clip > 0) {
                GradientClipping.clipGlobalNorm(kernels, g, clip);
            }
            opt.step(net, g);
        }
        int rows = 1500; // more than one forward chunk of 1024
        float[] x = new float[rows * n];
        float[] y = new float[rows * m];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int r = 0; r < rows; r++) {
            y[r * m + rnd.nextInt(m)] = 1f;
        }
        Evaluation ev = net.evaluate(x, y, rows);
        return new Outcome(net.parameters().clone(), losses, net.predict(x, rows), ev.loss(), ev.correct());
    }

    private static Kernels simd(int threads) {
        return Kernels.create(KernelConfig.defaults().withImplementation(KernelConfig.Implementation.SIMD)
                .withThreads(threads));
    }

    private static void assertSameBits(Outcome expected, Outcome got, String what) {
        assertArrayEquals(expected.parameters(), got.parameters(), what + ": parameters");
        assertArrayEquals(expected.losses(), got.losses(), what + ": losses");
        assertArrayEquals(expected.predictions(), got.predictions(), what + ": predictions");
        assertEquals(expected.evalLoss(), got.evalLoss(), 0.0, what + ": evaluation loss");
        assertEquals(expected.correct(), got.correct(), what + ": correct");
    }

    @Test
    void reluSoftmaxWithDropoutAndAdamWIsBitIdenticalForEveryThreadCount() {
        NetworkSpec spec = Network.builder(400).dense(256, Activation.RELU).dropout(0.2)
                .dense(256, Activation.GELU).dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        // 1100 rows: up to 16 shards of at least 64 rows, and 5 gradient runs
        Outcome one = run(spec, simd(1), 1100, 4, Adam.adamW(1e-3f, 0.01f), 1.0);
        for (int t : THREADS) {
            assertSameBits(one, run(spec, simd(t), 1100, 4, Adam.adamW(1e-3f, 0.01f), 1.0), t + " threads");
        }
    }

    @Test
    void sigmoidMseWithMomentumIsBitIdenticalForEveryThreadCount() {
        NetworkSpec spec = NetworkSpec.of(new int[] {150, 120, 80, 3}, Activation.SIGMOID, Activation.SIGMOID,
                Loss.MSE);
        Outcome one = run(spec, simd(1), 260, 5, new Momentum(0.1f, 0.9f), 0);
        for (int t : THREADS) {
            assertSameBits(one, run(spec, simd(t), 260, 5, new Momentum(0.1f, 0.9f), 0), t + " threads");
        }
    }

    @Test
    void anExecutorOfTheEmbeddingProgramGivesTheSameBits() throws Exception {
        NetworkSpec spec = NetworkSpec.of(new int[] {784, 256, 256, 10}, Activation.SILU, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY);
        Outcome one = run(spec, simd(1), 512, 3, new Adam(1e-3f), 0);
        for (int poolSize : new int[] {1, 2, 5}) {
            ExecutorService pool = Executors.newFixedThreadPool(poolSize);
            try {
                Kernels k = Kernels.create(KernelConfig.defaults().withImplementation(KernelConfig.Implementation.SIMD)
                        .withThreads(4).withExecutor(pool));
                assertSameBits(one, run(spec, k, 512, 3, new Adam(1e-3f), 0), "executor of " + poolSize);
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void largeBatchesAreCutIntoShardsAndPiecesSmallOnesAreNot() {
        NetworkSpec spec = NetworkSpec.of(new int[] {784, 512, 512, 10}, Activation.RELU, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY);
        Network four = Network.create(spec, 1, simd(4));
        BatchPass p = new BatchPass(layersOf(four), spec.sizes(), four.workspace(), four.kernels(), spec.loss(), true);
        assertEquals(4, p.shards(256, 3));
        assertEquals(2, p.shards(128, 3));
        assertEquals(1, p.shards(127, 3), "fewer than two shards' worth of rows");
        assertEquals(1, p.shards(64, 3));
        assertEquals(4, p.gradientRuns(p.gradientWork(256)), "171M multiply-adds of gradients");
        assertEquals(1, p.gradientRuns(p.gradientWork(32)));
        NetworkSpec wide = Network.builder(400).dense(256, Activation.RELU).dropout(0.2)
                .dense(256, Activation.GELU).dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        Network w = Network.create(wide, 1, simd(16));
        BatchPass pw = new BatchPass(layersOf(w), wide.sizes(), w.workspace(), w.kernels(), wide.loss(), true);
        assertEquals(16, pw.shards(1100, 3), "the determinism test above really runs 16 shards");
        assertTrue(pw.gradientRuns(pw.gradientWork(1093)) >= 3, "... and several gradient runs");
        NetworkSpec tiny = NetworkSpec.of(new int[] {64, 64, 10}, Activation.RELU, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY);
        Network small = Network.create(tiny, 1, simd(4));
        BatchPass q = new BatchPass(layersOf(small), tiny.sizes(), small.workspace(), small.kernels(), tiny.loss(),
                true);
        assertEquals(1, q.shards(32, 3), "a digits batch is too little work to hand off");
        assertTrue(q.shards(4096, 3) > 1);
    }

    private static Layer[] layersOf(Network net) {
        Layer[] layers = new Layer[net.depth()];
        Arrays.setAll(layers, net::layer);
        return layers;
    }
}
