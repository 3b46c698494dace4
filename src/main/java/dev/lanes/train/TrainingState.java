package dev.lanes.train;

import dev.lanes.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything needed to continue a training run exactly where it stopped: the parameters, the
 * optimizer's state, the number of completed epochs and the early-stopping bookkeeping. Plain data
 * (deep copies), so a model file can store it. Resuming with the same {@link Trainer} settings
 * (seed, batch size, optimizer hyper-parameters) gives bit-identical weights to a run that was
 * never interrupted, because the batch order of an epoch depends only on (seed, epoch).
 *
 * @param epochsCompleted          epochs finished; training resumes with epoch number
 *                                 {@code epochsCompleted + 1}
 * @param weights                  W of each layer (0-based), m_ℓ×m_{ℓ−1} row-major
 * @param biases                   b of each layer (0-based)
 * @param optimizer                the optimizer's state
 * @param bestValidationLoss       lowest validation loss so far (+∞ before any validation)
 * @param bestEpoch                epoch number of that loss (0 if none)
 * @param epochsWithoutImprovement consecutive epochs since it last improved
 */
public record TrainingState(int epochsCompleted, List<float[]> weights, List<float[]> biases,
                            Optimizer.State optimizer, double bestValidationLoss, int bestEpoch,
                            int epochsWithoutImprovement) {

    public TrainingState {
        if (epochsCompleted < 0) {
            throw new IllegalArgumentException("epochsCompleted must be >= 0 but was " + epochsCompleted);
        }
        if (weights.size() != biases.size()) {
            throw new IllegalArgumentException(weights.size() + " weight matrices but " + biases.size() + " bias vectors");
        }
        weights = deepCopy(weights);
        biases = deepCopy(biases);
    }

    private static List<float[]> deepCopy(List<float[]> list) {
        List<float[]> out = new ArrayList<>(list.size());
        for (float[] a : list) {
            out.add(a.clone());
        }
        return List.copyOf(out);
    }
}
