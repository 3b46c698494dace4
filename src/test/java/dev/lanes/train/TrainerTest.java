package dev.lanes.train;

import dev.lanes.data.Dataset;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Adam;
import dev.lanes.optim.Momentum;
import dev.lanes.optim.Optimizer;
import dev.lanes.optim.Sgd;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    /** Three Gaussian blobs in 5 dimensions, centres 3 apart: separable but not trivially. */
    static Dataset blobs(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n * 5];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(3);
            for (int j = 0; j < 5; j++) {
                x[i * 5 + j] = (float) (rnd.nextGaussian() + (j == labels[i] ? 3 : 0));
            }
        }
        return Dataset.ofClasses("blobs", x, 5, labels, 3, null);
    }

    static Network net() {
        return Network.create(NetworkSpec.of(new int[] {5, 16, 3}, Activation.TANH, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY), 11, Kernels.reference());
    }

    @Test
    void learnsAndReportsPerEpochMetrics() {
        Dataset train = blobs(300, 1);
        Dataset val = blobs(100, 2);
        List<int[]> batches = new ArrayList<>();
        List<EpochResult> epochs = new ArrayList<>();
        Trainer t = Trainer.builder().epochs(5).batchSize(32).seed(3).optimizer(new Momentum(0.1f, 0.9f))
                .listener(new TrainingListener() {
                    @Override
                    public void batchEnd(int epoch, int batch, int batchCount, double loss) {
                        batches.add(new int[] {epoch, batch, batchCount});
                    }

                    @Override
                    public void epochEnd(EpochResult result) {
                        epochs.add(result);
                    }
                }).build();
        TrainingResult r = t.fit(net(), train, val);
        assertEquals(5, r.epochs().size());
        assertEquals(r.epochs(), epochs);
        assertEquals(5 * 10, batches.size(), "300 rows in batches of 32 is 10 batches per epoch");
        assertArrayEquals(new int[] {1, 1, 10}, batches.get(0));
        assertArrayEquals(new int[] {5, 10, 10}, batches.get(49));
        for (EpochResult e : r.epochs()) {
            assertTrue(e.hasValidation());
            assertTrue(e.trainAccuracy() >= 0 && e.trainAccuracy() <= 1);
        }
        assertTrue(r.epochs().get(4).trainLoss() < r.epochs().get(0).trainLoss(), "training loss falls");
        assertTrue(r.last().validationAccuracy() > 0.9, "validation accuracy " + r.last().validationAccuracy());
        assertEquals(5, r.finalState().epochsCompleted());
        System.out.println(r.last());
    }

    @Test
    void resumedRunIsBitIdenticalToUninterruptedRun() {
        Dataset train = blobs(203, 4);   // odd size: the last batch is short
        Dataset val = blobs(50, 5);
        for (Supplier<Optimizer> opt : List.<Supplier<Optimizer>>of(
                () -> new Adam(0.01f), () -> new Momentum(0.05f, 0.9f), () -> new Sgd(0.1f))) {
            Network whole = net();
            Trainer full = Trainer.builder().epochs(6).batchSize(16).seed(9).optimizer(opt.get())
                    .earlyStopping(100, 0).build();
            TrainingResult all = full.fit(whole, train, val);

            Network first = net();
            Trainer part = Trainer.builder().epochs(2).batchSize(16).seed(9).optimizer(opt.get())
                    .earlyStopping(100, 0).build();
            TrainingState saved = part.fit(first, train, val).finalState();
            assertEquals(2, saved.epochsCompleted());

            // A different network and a fresh optimizer: everything must come from the state.
            Network resumed = Network.create(first.spec(), 999, Kernels.reference());
            Trainer rest = Trainer.builder().epochs(6).batchSize(16).seed(9).optimizer(opt.get())
                    .earlyStopping(100, 0).build();
            TrainingResult tail = rest.resume(resumed, saved, train, val);
            assertEquals(4, tail.epochs().size());
            assertEquals(3, tail.epochs().get(0).epoch());
            for (int l = 0; l < whole.depth(); l++) {
                assertArrayEquals(whole.weights(l), resumed.weights(l), opt.get().name() + ": W of layer " + l);
                assertArrayEquals(whole.biases(l), resumed.biases(l), opt.get().name() + ": b of layer " + l);
            }
            assertEquals(all.last().trainLoss(), tail.last().trainLoss(), 0.0);
            assertEquals(all.last().validationLoss(), tail.last().validationLoss(), 0.0);
        }
    }

    @Test
    void cosineScheduleStepsTheRateOfEveryBatchAndResumesBitIdentically() {
        Dataset train = blobs(203, 4);   // 13 batches of 16, the last short
        Dataset val = blobs(50, 5);
        int epochs = 4;
        // Oracle: the same loop written out, a plain SGD step at ½(1 + cos(π t / T)) of the rate.
        Network manual = net();
        dev.lanes.data.MiniBatches batches = new dev.lanes.data.MiniBatches(train, 16, 9);
        float[] x = new float[16 * 5];
        float[] y = new float[16 * 3];
        dev.lanes.nn.Gradients g = manual.newGradients();
        long total = (long) epochs * batches.batchCount();
        for (int e = 0; e < epochs; e++) {
            batches.startEpoch(e);
            for (int b = 0; b < batches.batchCount(); b++) {
                int rows = batches.fill(b, x, y);
                manual.lossAndGradients(x, y, rows, g);
                long t = (long) e * batches.batchCount() + b;
                new Sgd(0.2f * (float) (0.5 * (1 + Math.cos(Math.PI * t / total)))).step(manual, g);
            }
        }
        Network whole = net();
        Trainer.builder().epochs(epochs).batchSize(16).seed(9).optimizer(new Sgd(0.2f))
                .learningRateSchedule(dev.lanes.optim.LearningRateSchedule.COSINE).build().fit(whole, train, val);
        assertArrayEquals(manual.parameters(), whole.parameters());

        Network constant = net();
        Trainer.builder().epochs(epochs).batchSize(16).seed(9).optimizer(new Sgd(0.2f)).build().fit(constant, train, val);
        assertFalse(java.util.Arrays.equals(constant.parameters(), whole.parameters()));

        for (Supplier<Optimizer> opt : List.<Supplier<Optimizer>>of(
                () -> new Adam(0.01f), () -> new Momentum(0.05f, 0.9f), () -> new Sgd(0.2f))) {
            Network full = net();
            Trainer.builder().epochs(epochs).batchSize(16).seed(9).optimizer(opt.get())
                    .learningRateSchedule(dev.lanes.optim.LearningRateSchedule.COSINE).build().fit(full, train, val);
            // Interrupted after epoch 1 of a 4-epoch run (the trainer is built for 4 epochs and
            // stopped by an exception, as a killed process would be): the resumed run must see the
            // schedule of the whole run, not of the remaining epochs.
            Network first = net();
            TrainingState[] saved = new TrainingState[1];
            Trainer[] holder = new Trainer[1];
            holder[0] = Trainer.builder().epochs(epochs).batchSize(16).seed(9).optimizer(opt.get())
                    .learningRateSchedule(dev.lanes.optim.LearningRateSchedule.COSINE)
                    .listener(new TrainingListener() {
                        @Override
                        public void epochEnd(EpochResult r) {
                            saved[0] = holder[0].checkpoint();
                            throw new IllegalStateException("stop");
                        }
                    }).build();
            assertThrows(IllegalStateException.class, () -> holder[0].fit(first, train, val));
            assertEquals(1, saved[0].epochsCompleted());
            Network resumed = Network.create(first.spec(), 999, Kernels.reference());
            Trainer.builder().epochs(epochs).batchSize(16).seed(9).optimizer(opt.get())
                    .learningRateSchedule(dev.lanes.optim.LearningRateSchedule.COSINE).build()
                    .resume(resumed, saved[0], train, val);
            assertArrayEquals(full.parameters(), resumed.parameters(), opt.get().name());
        }
    }

    @Test
    void earlyStoppingEndsARunWhoseValidationLossStopsImproving() {
        Dataset train = blobs(60, 6);
        // Validation labels are random: the validation loss soon stops improving.
        Dataset val = blobs(60, 7);
        Random rnd = new Random(8);
        int[] shuffled = new int[val.size()];
        for (int i = 0; i < shuffled.length; i++) {
            shuffled[i] = rnd.nextInt(3);
        }
        float[] vx = new float[val.size() * 5];
        for (int i = 0; i < val.size(); i++) {
            val.copyFeatures(i, vx, i * 5);
        }
        Dataset noisy = Dataset.ofClasses("noise", vx, 5, shuffled, 3, null);
        Trainer t = Trainer.builder().epochs(200).batchSize(8).seed(1).optimizer(new Adam(0.02f))
                .earlyStopping(3, 0).build();
        TrainingResult r = t.fit(net(), train, noisy);
        assertTrue(r.stoppedEarly(), "should stop before 200 epochs");
        assertEquals(r.bestEpoch() + 3, r.epochs().size(), "stops 3 epochs after the best one");
        double best = r.epochs().get(r.bestEpoch() - 1).validationLoss();
        for (EpochResult e : r.epochs()) {
            assertTrue(e.validationLoss() >= best);
        }
    }

    @Test
    void withoutValidationThereIsNoEarlyStop() {
        Trainer t = Trainer.builder().epochs(4).batchSize(50).optimizer(new Sgd(0.1f)).earlyStopping(1, 0).build();
        TrainingResult r = t.fit(net(), blobs(100, 1), null);
        assertFalse(r.stoppedEarly());
        assertEquals(4, r.epochs().size());
        assertFalse(r.last().hasValidation());
    }

    @Test
    void divergenceStopsWithEpochAndBatch() {
        Dataset train = blobs(64, 3);
        // Regression with an absurd learning rate blows the weights up within a few steps.
        float[] x = new float[64 * 5];
        float[] y = new float[64];
        for (int i = 0; i < 64; i++) {
            train.copyFeatures(i, x, i * 5);
            y[i] = 100f * train.label(i);
        }
        Dataset reg = Dataset.ofTargets("reg", x, 5, y, 1);
        Network n = Network.create(NetworkSpec.of(new int[] {5, 8, 1}, Activation.IDENTITY, Activation.IDENTITY,
                Loss.MSE), 1, Kernels.reference());
        Trainer t = Trainer.builder().epochs(50).batchSize(8).optimizer(new Sgd(10f)).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.fit(n, reg, null));
        assertTrue(e.epoch() >= 1 && e.batch() >= 1 && e.batch() <= 8);
        assertTrue(e.getMessage().contains("epoch " + e.epoch() + ", batch " + e.batch()), e.getMessage());
        assertFalse(Double.isFinite(e.loss()));
        System.out.println(e.getMessage());
    }

    @Test
    void shapeMismatchIsReported() {
        Trainer t = Trainer.builder().optimizer(new Sgd(0.1f)).build();
        Network wide = Network.create(NetworkSpec.of(new int[] {7, 3}, Activation.SOFTMAX, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY), 1, Kernels.reference());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.fit(wide, blobs(10, 1), null));
        assertTrue(e.getMessage().contains("5 features"), e.getMessage());
    }
}
