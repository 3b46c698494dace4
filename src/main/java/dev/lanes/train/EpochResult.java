package dev.lanes.train;

/**
 * The metrics of one epoch.
 *
 * <p>Training loss and accuracy are averages over the epoch's batches, each measured on the
 * batch before its update (so they lag the weights by up to one epoch, as in most frameworks);
 * validation metrics are measured after the epoch's last update.
 *
 * @param epoch              the epoch number, 1 for the first
 * @param trainLoss          mean training cost per example over the epoch
 * @param trainAccuracy      fraction of training examples classified correctly, in [0, 1]
 * @param validationLoss     mean validation cost, or NaN without a validation set
 * @param validationAccuracy validation accuracy in [0, 1], or NaN without a validation set
 * @param seconds            wall-clock time of the epoch including validation
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy,
                          double validationLoss, double validationAccuracy, double seconds) {

    /** Whether a validation set was evaluated. */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }

    @Override
    public String toString() {
        String s = String.format(java.util.Locale.ROOT, "epoch %d: loss %.5f, accuracy %.4f",
                epoch, trainLoss, trainAccuracy);
        if (hasValidation()) {
            s += String.format(java.util.Locale.ROOT, "; validation loss %.5f, accuracy %.4f",
                    validationLoss, validationAccuracy);
        }
        return s + String.format(java.util.Locale.ROOT, " (%.3f s)", seconds);
    }
}
