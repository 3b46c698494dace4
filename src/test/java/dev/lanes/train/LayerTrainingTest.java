package dev.lanes.train;

import dev.lanes.data.Dataset;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Evaluation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.optim.Adam;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Early stopping that restores the best weights, and exact resumption through dropout masks. */
class LayerTrainingTest {

    private static Network dropoutNet(long seed) {
        return Network.builder(5).dense(16, Activation.GELU).dropout(0.3).dense(3, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).build(seed, Kernels.reference());
    }

    @Test
    void earlyStoppingRestoresTheBestEpochsWeights() {
        Dataset train = TrainerTest.blobs(60, 6);
        Dataset val = TrainerTest.blobs(60, 7);
        Random rnd = new Random(8);
        int[] noise = new int[val.size()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = rnd.nextInt(3);
        }
        float[] vx = new float[val.size() * 5];
        for (int i = 0; i < val.size(); i++) {
            val.copyFeatures(i, vx, i * 5);
        }
        Dataset noisy = Dataset.ofClasses("noise", vx, 5, noise, 3, null);
        Network net = TrainerTest.net();
        Trainer t = Trainer.builder().epochs(200).batchSize(8).seed(1).optimizer(new Adam(0.02f))
                .earlyStopping(3, 0).build();
        TrainingResult r = t.fit(net, train, noisy);
        assertTrue(r.stoppedEarly());
        assertEquals(r.bestEpoch(), r.restoredEpoch());
        EpochResult best = r.epochs().get(r.bestEpoch() - 1);
        Evaluation now = Trainer.evaluate(net, noisy);
        assertEquals(best.validationLoss(), now.loss(), 0.0, "the network holds the best epoch's weights");
        assertEquals(best.validationAccuracy(), now.accuracy(), 0.0);
        // The final state is still the last epoch's, to resume from.
        assertEquals(r.epochs().size(), r.finalState().epochsCompleted());
        assertTrue(!java.util.Arrays.equals(r.finalState().parameters(), net.parameters()));

        Network kept = TrainerTest.net();
        TrainingResult r2 = Trainer.builder().epochs(200).batchSize(8).seed(1).optimizer(new Adam(0.02f))
                .earlyStopping(3, 0).restoreBestWeights(false).build().fit(kept, train, noisy);
        assertEquals(0, r2.restoredEpoch());
        assertArrayEquals(r2.finalState().parameters(), kept.parameters());
    }

    @Test
    void resumingThroughDropoutIsBitIdentical() {
        Dataset train = TrainerTest.blobs(203, 4);
        Dataset val = TrainerTest.blobs(50, 5);
        Network whole = dropoutNet(11);
        Trainer full = Trainer.builder().epochs(5).batchSize(16).seed(9).optimizer(Adam.adamW(0.01f, 0.01f))
                .clipNorm(1.0).build();
        full.fit(whole, train, val);

        Network first = dropoutNet(11);
        TrainingState saved = Trainer.builder().epochs(2).batchSize(16).seed(9).optimizer(Adam.adamW(0.01f, 0.01f))
                .clipNorm(1.0).build().fit(first, train, val).finalState();
        assertEquals(2, saved.randomState().length);
        Network resumed = dropoutNet(999);
        Trainer.builder().epochs(5).batchSize(16).seed(9).optimizer(Adam.adamW(0.01f, 0.01f)).clipNorm(1.0).build()
                .resume(resumed, saved, train, val);
        assertArrayEquals(whole.parameters(), resumed.parameters());
        assertArrayEquals(whole.randomState(), resumed.randomState());
    }
}
