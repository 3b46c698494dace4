package dev.lanes.optim;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.StepUpdate;

import java.util.ArrayList;
import java.util.List;

/**
 * Updates a network's parameters in place from the gradients of one mini-batch.
 *
 * <p>An optimizer keeps per-parameter state (velocities, moment estimates) for the one network it
 * steps; the state is allocated on the first step and can be exported and restored so that an
 * interrupted training run continues exactly ({@link #state()}, {@link #restore(State)}).
 */
public interface Optimizer {

    /** Short name, e.g. {@code "sgd"}, {@code "momentum"}, {@code "adam"}. */
    String name();

    /** Applies one update to every W and b of {@code network} using {@code gradients}. */
    void step(Network network, Gradients gradients);

    /**
     * This optimizer's step for {@code network} and {@code gradients} in pieces, to be fused into
     * the training step ({@link Network#lossAndGradients(float[], float[], int, Gradients, StepUpdate)}):
     * each {@link StepUpdate#begin()} takes one step, and the pieces together change the
     * parameters and this optimizer's state exactly as {@link #step} would, bit for bit. Create it
     * once and use it for every step of that network and those gradients; it follows
     * {@link #learningRateFactor}, {@link #reset()} and {@link #restore} made in between.
     *
     * <p>The default returns null: an optimizer that does not override it can only update all
     * parameters at once, and the caller then calls {@link #step}.
     *
     * @throws IllegalArgumentException if the gradients do not fit the network
     */
    default StepUpdate stepUpdate(Network network, Gradients gradients) {
        return null;
    }

    /**
     * Multiplies the learning rate given at construction by {@code factor} for the following
     * steps, until called again; 1 restores it. A {@link LearningRateSchedule} sets it before every
     * step. The factor is not part of {@link #state()}: the schedule sets it again on resumption.
     *
     * <p>The default implementation accepts only 1: an optimizer that does not override it cannot
     * be scheduled.
     *
     * @param factor in (0, 1]
     * @throws IllegalArgumentException if {@code factor} is outside (0, 1]
     * @throws UnsupportedOperationException from the default implementation for a factor other than 1
     */
    default void learningRateFactor(float factor) {
        Optimizers.checkFactor(factor);
        if (factor != 1f) {
            throw new UnsupportedOperationException("the optimizer " + name() + " has no adjustable learning rate");
        }
    }

    /** Forgets all state, as if no step had been taken. */
    void reset();

    /** A deep copy of the current state. */
    State state();

    /**
     * Replaces the current state by a copy of {@code state}.
     *
     * @throws IllegalArgumentException if the state belongs to another kind of optimizer
     */
    void restore(State state);

    /**
     * An optimizer's state as plain data.
     *
     * @param optimizer the {@link #name()} of the optimizer it belongs to
     * @param steps     the number of steps taken
     * @param buffers   per-parameter buffers in a fixed order documented by each optimizer
     *                  (empty for plain SGD and before the first step)
     */
    record State(String optimizer, long steps, List<float[]> buffers) {

        public State {
            List<float[]> copy = new ArrayList<>(buffers.size());
            for (float[] b : buffers) {
                copy.add(b.clone());
            }
            buffers = List.copyOf(copy);
        }

        /** Buffer i, as a copy. */
        public float[] buffer(int i) {
            return buffers.get(i).clone();
        }
    }
}
