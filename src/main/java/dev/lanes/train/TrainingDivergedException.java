package dev.lanes.train;

/**
 * Thrown when a batch's loss becomes NaN or infinite: the weights have diverged (typically a
 * learning rate too large) and further steps would only spread NaN.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;
    private final double loss;

    TrainingDivergedException(int epoch, int batch, int batchCount, double loss) {
        super("training diverged at epoch " + epoch + ", batch " + batch + " of " + batchCount
                + ": the loss is " + loss + " (try a smaller learning rate or standardized inputs)");
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
    }

    /** The epoch number, 1 for the first. */
    public int epoch() {
        return epoch;
    }

    /** The batch number within the epoch, 1 for the first. */
    public int batch() {
        return batch;
    }

    /** The non-finite loss. */
    public double loss() {
        return loss;
    }
}
