package dev.lanes.nn;

/**
 * One optimizer step applied piece by piece while a training step computes the gradients
 * ({@link Network#lossAndGradients(float[], float[], int, Gradients, StepUpdate)}): each piece of
 * the parameters is updated right after its gradients are written, by the thread that wrote them,
 * while they are still in that core's cache. An optimizer hands one out through
 * {@code Optimizer.stepUpdate}.
 *
 * <p>The result is the same as computing all gradients and then updating all parameters at once,
 * bit for bit, provided the update of each parameter depends only on that parameter's own values
 * (its gradient, its state), as every element-wise optimizer's does.
 */
public interface StepUpdate {

    /** The network whose parameters this update changes. */
    Network network();

    /** The gradients this update reads. */
    Gradients gradients();

    /**
     * Called once per training step, on the calling thread, after the batch cost is known to be
     * finite and before any {@link #apply}: the optimizer takes its step here (counts it, reads its
     * learning rate, allocates its state on the first step). Not called when the cost is NaN or
     * infinite; the parameters then stay as they were.
     */
    void begin();

    /**
     * Updates parameters {@code [from, to)} of {@link Network#parameters()} from the same range of
     * the gradients. Between one {@link #begin} and the next, the ranges are disjoint and cover
     * every parameter exactly once; several threads may call this at once for different ranges.
     */
    void apply(int from, int to);
}
