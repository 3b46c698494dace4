package dev.lanes.train;

import dev.lanes.optim.Optimizer;

/**
 * Everything needed to continue a training run exactly where it stopped: the parameters, the
 * layers' random state (dropout masks), the optimizer's state, the number of completed epochs and
 * the early-stopping bookkeeping. Plain data (deep copies), so a model file can store it. Resuming
 * with the same {@link Trainer} settings (seed, batch size, optimizer hyper-parameters) gives
 * bit-identical weights to a run that was never interrupted, because the batch order of an epoch
 * depends only on (seed, epoch) and the dropout masks only on the restored random state.
 *
 * @param epochsCompleted          epochs finished; training resumes with epoch number
 *                                 {@code epochsCompleted + 1}
 * @param parameters               the flat parameters, laid out like
 *                                 {@link dev.lanes.nn.Network#parameters()}
 * @param randomState              {@link dev.lanes.nn.Network#randomState()}
 * @param optimizer                the optimizer's state
 * @param bestValidationLoss       lowest validation loss so far (+∞ before any validation)
 * @param bestEpoch                epoch number of that loss (0 if none)
 * @param epochsWithoutImprovement consecutive epochs since it last improved
 * @param bestParameters           the parameters after epoch {@code bestEpoch}, kept for early
 *                                 stopping to restore; null when not kept
 */
public record TrainingState(int epochsCompleted, float[] parameters, long[] randomState,
                            Optimizer.State optimizer, double bestValidationLoss, int bestEpoch,
                            int epochsWithoutImprovement, float[] bestParameters) {

    public TrainingState {
        if (epochsCompleted < 0) {
            throw new IllegalArgumentException("epochsCompleted must be >= 0 but was " + epochsCompleted);
        }
        parameters = parameters.clone();
        randomState = randomState.clone();
        bestParameters = bestParameters == null ? null : bestParameters.clone();
        if (bestParameters != null && bestParameters.length != parameters.length) {
            throw new IllegalArgumentException("the best parameters hold " + bestParameters.length
                    + " values but the parameters " + parameters.length);
        }
    }

    @Override
    public float[] parameters() {
        return parameters.clone();
    }

    @Override
    public long[] randomState() {
        return randomState.clone();
    }

    @Override
    public float[] bestParameters() {
        return bestParameters == null ? null : bestParameters.clone();
    }
}
