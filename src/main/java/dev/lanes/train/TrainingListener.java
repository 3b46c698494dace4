package dev.lanes.train;

/**
 * Receives progress from a {@link Trainer}. Both methods run on the training thread between
 * steps; they should return quickly. Default methods do nothing.
 */
public interface TrainingListener {

    /**
     * After each mini-batch update.
     *
     * @param epoch      the epoch number, 1 for the first
     * @param batch      the batch number within the epoch, 1 for the first
     * @param batchCount batches per epoch
     * @param loss       the batch cost before the update
     */
    default void batchEnd(int epoch, int batch, int batchCount, double loss) {
    }

    /**
     * After each epoch (and its validation). {@link Trainer#checkpoint()} may be called here to
     * save a resumable state.
     */
    default void epochEnd(EpochResult result) {
    }
}
