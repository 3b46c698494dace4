package dev.lanes.nn;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.optim.Adam;
import dev.lanes.optim.GradientClipping;
import dev.lanes.optim.Momentum;
import dev.lanes.optim.Optimizer;
import dev.lanes.optim.Sgd;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        return run(spec, kernels, batch, steps, opt, clip, false);
    }

    /** With {@code fused}, the optimizer's update runs inside the training step ({@link StepUpdate}). */
    private static Outcome run(NetworkSpec spec, Kernels kernels, int batch, int steps, Optimizer opt, double clip,
                               boolean fused) {
        Network net = Network.create(spec, 42, kernels);
        Gradients g = net.newGradients();
        StepUpdate update = fused ? opt.stepUpdate(net, g) : null;
        assertEquals(fused, update != null, "the optimizer offers a fused update");
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
            losses[s] = net.lossAndGradients(x, y, rows, g, update);
            if (update == null) {
                if (clip > 0) {
                    GradientClipping.clipGlobalNorm(kernels, g, clip);
                }
                opt.step(net, g);
            }
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
    void aFusedUpdateHasTheBitsOfASeparateStepForEveryOptimizerAndThreadCount() {
        NetworkSpec spec = Network.builder(400).dense(256, Activation.RELU).dropout(0.2)
                .dense(256, Activation.TANH).dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        List<Supplier<Optimizer>> optimizers = List.of(() -> new Sgd(0.05f), () -> new Sgd(0.05f, 0.01f),
                () -> new Momentum(0.02f, 0.9f, 0.001f), () -> new Adam(1e-3f), () -> Adam.adamW(1e-3f, 0.01f));
        for (Supplier<Optimizer> o : optimizers) {
            // 1100 rows: several gradient runs, so pieces are updated on different threads
            Outcome separate = run(spec, simd(1), 1100, 3, o.get(), 0);
            for (int t : THREADS) {
                assertSameBits(separate, run(spec, simd(t), 1100, 3, o.get(), 0, true),
                        o.get() + ", fused, " + t + " threads");
            }
        }
    }

    @Test
    void aFusedUpdateWithAnExecutorOfTheEmbeddingProgramGivesTheSameBits() {
        NetworkSpec spec = NetworkSpec.of(new int[] {300, 256, 256, 10}, Activation.SIGMOID, Activation.SIGMOID,
                Loss.MSE);
        Outcome separate = run(spec, simd(1), 700, 3, new Momentum(0.05f, 0.9f), 0);
        for (int poolSize : new int[] {1, 3}) {
            ExecutorService pool = Executors.newFixedThreadPool(poolSize);
            try {
                Kernels k = Kernels.create(KernelConfig.defaults().withImplementation(KernelConfig.Implementation.SIMD)
                        .withThreads(4).withExecutor(pool));
                assertSameBits(separate, run(spec, k, 700, 3, new Momentum(0.05f, 0.9f), 0, true),
                        "fused, executor of " + poolSize);
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void aStepWhoseLossIsNotFiniteUpdatesNothing() {
        NetworkSpec spec = NetworkSpec.of(new int[] {20, 16, 3}, Activation.RELU, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY);
        Network net = Network.create(spec, 3, simd(2));
        Gradients g = net.newGradients();
        Adam adam = new Adam(1e-2f);
        StepUpdate update = adam.stepUpdate(net, g);
        float[] x = new float[4 * 20];
        float[] y = new float[4 * 3];
        for (int r = 0; r < 4; r++) {
            y[r * 3 + r % 3] = 1f;
            x[r * 20 + r] = 1f;
        }
        float[] before = net.parameters().clone();
        x[7] = Float.NaN;
        assertTrue(Double.isNaN(net.lossAndGradients(x, y, 4, g, update)));
        assertArrayEquals(before, net.parameters(), "parameters after a NaN loss");
        assertEquals(0, adam.state().steps(), "the optimizer took no step");
        x[7] = 0.5f;
        assertTrue(Double.isFinite(net.lossAndGradients(x, y, 4, g, update)));
        assertEquals(1, adam.state().steps());
        assertTrue(!Arrays.equals(before, net.parameters()), "a finite loss updates");
    }

    @Test
    void aStepUpdateMadeForOtherGradientsOrAnotherNetworkIsRefused() {
        NetworkSpec spec = NetworkSpec.of(new int[] {4, 3, 2}, Activation.TANH, Activation.SIGMOID, Loss.MSE);
        Network net = Network.create(spec, 1, simd(1));
        Network other = Network.create(spec, 1, simd(1));
        Gradients g = net.newGradients();
        Gradients h = net.newGradients();
        Sgd sgd = new Sgd(0.1f);
        float[] x = new float[2 * 4];
        float[] y = new float[2 * 2];
        float[] before = net.parameters().clone();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> net.lossAndGradients(x, y, 2, h, sgd.stepUpdate(net, g)));
        assertTrue(e.getMessage().contains("other gradients"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> net.lossAndGradients(x, y, 2, g, sgd.stepUpdate(other, g)));
        assertTrue(e.getMessage().contains("another network"), e.getMessage());
        assertArrayEquals(before, net.parameters());
    }

    /** A dense layer kind that keeps {@link Layer#updateUnits}'s default, as a new kind might. */
    private record PlainDenseSpec(DenseSpec dense) implements LayerSpec {
        @Override
        public String kind() {
            return "plain-dense";
        }

        @Override
        public int outputs(int inputs) {
            return dense.outputs(inputs);
        }

        @Override
        public long parameterCount(int inputs) {
            return dense.parameterCount(inputs);
        }

        @Override
        public java.util.Map<String, String> config() {
            return dense.config();
        }

        @Override
        public Layer create(int inputs) {
            Layer d = dense.create(inputs);
            return new Layer() {
                // every method but updateUnits goes to the dense layer
                public LayerSpec spec() {
                    return PlainDenseSpec.this;
                }

                public int inputs() {
                    return d.inputs();
                }

                public int outputs() {
                    return d.outputs();
                }

                public int parameterCount() {
                    return d.parameterCount();
                }

                public void bind(float[] parameters, int offset) {
                    d.bind(parameters, offset);
                }

                public void initialize(java.util.Random rng) {
                    d.initialize(rng);
                }

                public void ensureCapacity(int rows) {
                    d.ensureCapacity(rows);
                }

                public void forward(Kernels k, int first, int count, float[] in, int inOffset, float[] out,
                                    boolean training) {
                    d.forward(k, first, count, in, inOffset, out, training);
                }

                public void backwardRows(Kernels k, int first, int count, float[] out, float[] delta, float[] dIn) {
                    d.backwardRows(k, first, count, out, delta, dIn);
                }

                public int gradientUnits() {
                    return d.gradientUnits();
                }

                public long gradientWorkPerUnit(int rows) {
                    return d.gradientWorkPerUnit(rows);
                }

                public void parameterGradients(Kernels k, int rows, float[] in, int inOffset, float[] delta,
                                               float[] grad, int from, int to) {
                    d.parameterGradients(k, rows, in, inOffset, delta, grad, from, to);
                }
            };
        }
    }

    @Test
    void aLayerKindThatHandsOverNoRangesIsUpdatedWhole() {
        NetworkSpec spec = Network.builder(300).dense(256, Activation.RELU)
                .layer(new PlainDenseSpec(new DenseSpec(256, Activation.RELU)))
                .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        Outcome separate = run(spec, simd(1), 900, 3, new Sgd(0.05f), 0);
        for (int t : new int[] {1, 3}) {
            assertSameBits(separate, run(spec, simd(t), 900, 3, new Sgd(0.05f), 0, true), "fused, " + t + " threads");
        }
    }

    /**
     * A batch too small for two shards (96, 89 and 82 rows) runs as one shard whose products split
     * over the threads, reading W packed once per step: the bits of one thread, with dropout and
     * GELU, and with sigmoid/MSE on the digits-sized network.
     */
    @Test
    void aBatchOfOneShardSplitsItsProductsWithTheSameBits() {
        NetworkSpec dropout = Network.builder(400).dense(256, Activation.RELU).dropout(0.2)
                .dense(256, Activation.GELU).dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        NetworkSpec sigmoid = NetworkSpec.of(new int[] {784, 512, 512, 10}, Activation.SIGMOID, Activation.SIGMOID,
                Loss.MSE);
        for (NetworkSpec spec : List.of(dropout, sigmoid)) {
            Network four = Network.create(spec, 1, simd(4));
            BatchPass p = new BatchPass(layersOf(four), spec.sizes(), offsetsOf(four), four.workspace(),
                    four.kernels(), spec.loss(), true);
            assertEquals(1, p.shards(96, 3), "one shard");
            assertTrue(p.splitsProducts(82), "and its products split");
            Outcome one = run(spec, simd(1), 96, 3, new Momentum(0.1f, 0.9f), 0);
            for (int t : THREADS) {
                assertSameBits(one, run(spec, simd(t), 96, 3, new Momentum(0.1f, 0.9f), 0),
                        spec.sizes()[0] + " inputs, " + t + " threads");
            }
        }
    }

    @Test
    void largeBatchesAreCutIntoShardsAndPiecesSmallOnesAreNot() {
        NetworkSpec spec = NetworkSpec.of(new int[] {784, 512, 512, 10}, Activation.RELU, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY);
        Network four = Network.create(spec, 1, simd(4));
        BatchPass p = new BatchPass(layersOf(four), spec.sizes(), offsetsOf(four), four.workspace(), four.kernels(), spec.loss(), true);
        assertEquals(4, p.shards(256, 3));
        assertEquals(2, p.shards(128, 3));
        assertEquals(1, p.shards(127, 3), "fewer than two shards' worth of rows");
        assertEquals(1, p.shards(64, 3));
        assertEquals(4, p.gradientRuns(p.gradientWork(256)), "171M multiply-adds of gradients");
        assertEquals(1, p.gradientRuns(p.gradientWork(32)));
        NetworkSpec wide = Network.builder(400).dense(256, Activation.RELU).dropout(0.2)
                .dense(256, Activation.GELU).dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        Network w = Network.create(wide, 1, simd(16));
        BatchPass pw = new BatchPass(layersOf(w), wide.sizes(), offsetsOf(w), w.workspace(), w.kernels(), wide.loss(), true);
        assertEquals(16, pw.shards(1100, 3), "the determinism test above really runs 16 shards");
        assertTrue(pw.gradientRuns(pw.gradientWork(1093)) >= 3, "... and several gradient runs");
        NetworkSpec tiny = NetworkSpec.of(new int[] {64, 64, 10}, Activation.RELU, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY);
        Network small = Network.create(tiny, 1, simd(4));
        BatchPass q = new BatchPass(layersOf(small), tiny.sizes(), offsetsOf(small), small.workspace(), small.kernels(), tiny.loss(),
                true);
        assertEquals(1, q.shards(32, 3), "a digits batch is too little work to hand off");
        assertFalse(q.splitsProducts(100), "... or to split its products");
        assertTrue(p.splitsProducts(32), "784-512-512-10 splits the products of 32 rows");
        assertFalse(p.splitsProducts(31));
        Network one = Network.create(spec, 1, simd(1));
        assertFalse(new BatchPass(layersOf(one), spec.sizes(), offsetsOf(one), one.workspace(), one.kernels(),
                spec.loss(), true).splitsProducts(100), "not on one thread");
        assertTrue(q.shards(4096, 3) > 1);
    }

    private static int[] offsetsOf(Network net) {
        int[] offsets = new int[net.depth()];
        Arrays.setAll(offsets, net::parameterOffset);
        return offsets;
    }

    private static Layer[] layersOf(Network net) {
        Layer[] layers = new Layer[net.depth()];
        Arrays.setAll(layers, net::layer);
        return layers;
    }
}
