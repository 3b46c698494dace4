package dev.lanes.io;

import java.util.Map;
import java.util.Objects;

/**
 * Everything training needs to continue where it stopped: the model, the optimizer's state, how
 * many epochs are done, the seed and the trainer's configuration. Resuming from a checkpoint
 * written after epoch k and training to epoch n gives the same weights as an uninterrupted run to
 * n with the same seed, because the mini-batch order of an epoch depends only on (seed, epoch).
 *
 * @param model          the network after {@code epochs} epochs
 * @param epochs         the number of completed epochs (≥ 0)
 * @param seed           the training seed
 * @param config         the trainer's settings (optimizer, learning rate, batch size, …) as text
 * @param optimizerState named float tensors of the optimizer (velocities, moments, …); a step
 *                       counter or other scalars go into {@code config}
 */
public record Checkpoint(StoredModel model, int epochs, long seed, Map<String, String> config,
                         Map<String, float[]> optimizerState) {

    public Checkpoint {
        Objects.requireNonNull(model, "model");
        config = Map.copyOf(config);
        optimizerState = Map.copyOf(optimizerState);
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must not be negative but was " + epochs);
        }
    }
}
