package dev.lanes.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit} or {@link Trainer#resume}.
 *
 * @param epochs        the metrics of every epoch run by this call, in order
 * @param stoppedEarly  whether early stopping ended the run before the configured epoch count
 * @param bestEpoch     the epoch number with the lowest validation loss (0 without validation)
 * @param finalState    the state after the last epoch, from which {@link Trainer#resume} continues
 *                      (the weights of the last epoch, even when the best ones were restored)
 * @param restoredEpoch the epoch whose weights the network holds after early stopping restored the
 *                      best ones; 0 when nothing was restored (the network holds the last epoch's)
 */
public record TrainingResult(List<EpochResult> epochs, boolean stoppedEarly, int bestEpoch,
                             TrainingState finalState, int restoredEpoch) {

    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * The metrics of the last epoch run.
     *
     * @throws IllegalStateException if no epoch ran (a resumed state had already reached the
     *     configured epoch count)
     */
    public EpochResult last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch ran");
        }
        return epochs.get(epochs.size() - 1);
    }

    /** Total wall-clock seconds of the epochs run. */
    public double seconds() {
        double s = 0;
        for (EpochResult e : epochs) {
            s += e.seconds();
        }
        return s;
    }
}
