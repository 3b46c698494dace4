package dev.lanes.bench;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libtorch peer computes the step it is compared with: from the same weights and batch, its
 * loss and every gradient match Lanes' scalar reference to float rounding. Runs only with
 * {@code -Ptorch}.
 */
class TorchStepTest {

    @ParameterizedTest
    @ValueSource(strings = {"sigmoidMse", "reluSoftmaxCe"})
    void torchStepMatchesLanesReference(String model) {
        double[] e = TorchTrainingStep.compare(model, Kernels.reference());
        assertTrue(e[0] < 1e-5, model + ": loss Lanes " + e[2] + ", libtorch " + e[3]);
        assertTrue(e[1] < 1e-4, model + ": largest gradient difference " + e[1] + " of the largest gradient");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigmoidMse", "reluSoftmaxCe"})
    void aStepLowersTheLossOnTheSameBatch(String model) {
        float[][] batch = TorchTrainingStep.batch();
        Network network = Network.create(TorchTrainingStep.spec(model), 1, Kernels.reference());
        try (TorchStep peer = TorchTrainingStep.torchPeer(model, network, batch)) {
            double first = peer.step();
            for (int i = 0; i < 20; i++) {
                peer.step();
            }
            double later = peer.step();
            assertTrue(later < first, model + ": loss " + first + " then " + later + " after 21 SGD steps");
        }
    }
}
