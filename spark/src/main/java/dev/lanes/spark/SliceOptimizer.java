package dev.lanes.spark;

import dev.lanes.kernel.Kernels;

import java.util.Locale;

/**
 * The estimators' optimizers ({@code sgd}: the library's {@code Sgd}; {@code adam}: its
 * {@code Adam} with the defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8) applied to one contiguous slice
 * of the flat parameter vector, with optimizer state for that slice only.
 *
 * <p>Both library updates are element-wise passes of one kernel ({@link Kernels#axpy},
 * {@link Kernels#adamUpdate}) whose every element is rounded the same way wherever it sits in the
 * vector (the SIMD tail is masked, not scalar), so updating the P slices separately gives the
 * same bits as the library's optimizer on the whole vector — what lets sliced synchronization
 * promise the driver mode's result. {@code SliceOptimizerTest} checks this against {@code Sgd} and
 * {@code Adam}.
 */
final class SliceOptimizer {

    // The library Adam's defaults, as floats: the bias corrections below promote them to double
    // exactly as Adam.step does.
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final boolean adam;
    private final float learningRate;
    private final float[] m;
    private final float[] v;
    private long steps;

    /**
     * @param solver       {@code sgd} or {@code adam}
     * @param learningRate η &gt; 0
     * @param length       parameters in the slice
     */
    SliceOptimizer(String solver, float learningRate, int length) {
        LanesClassifier.optimizer(solver, learningRate);   // validates both
        this.adam = solver.toLowerCase(Locale.ROOT).equals("adam");
        this.learningRate = learningRate;
        this.m = adam ? new float[length] : null;
        this.v = adam ? new float[length] : null;
    }

    /**
     * One update of {@code params} (the slice, {@code length} values from index 0) with the
     * slice's gradient {@code grad} (same length).
     */
    void step(Kernels k, float[] grad, float[] params) {
        int n = params.length;
        if (grad.length != n) {
            throw new IllegalArgumentException("slice gradient has " + grad.length + " values, the slice " + n);
        }
        steps++;
        if (adam) {
            float c1 = (float) (1.0 / (1.0 - Math.pow(BETA1, steps)));
            float c2 = (float) (1.0 / (1.0 - Math.pow(BETA2, steps)));
            k.adamUpdate(n, learningRate, BETA1, BETA2, c1, c2, EPSILON, 0f, grad, m, v, params, 0);
        } else {
            k.axpy(n, -learningRate, grad, 0, params, 0);
        }
    }
}
