package dev.lanes.nn;

/**
 * The cost C of a batch of B examples, averaged over the batch.
 *
 * <p>Gradients are always the exact derivatives of C as written here — including, for
 * {@link #MSE}, the factor 2 that the square produces (see {@link #MSE}).
 */
public enum Loss {
    /**
     * Mean squared error, the notes' eq. (57): C = (1/B) Σ_b ‖a_b − y_b‖², the mean over the batch
     * of the squared L2 norm of each example's error (summed, not averaged, over the outputs).
     *
     * <p>Its output error is Δ_L = ∂C/∂Z_L = (2/B)(A − Y) ∘ σ'(Z_L). The notes' per-example
     * eq. (58) prints δ = (a − y) ∘ σ'(z) without the factor 2, although its own eq. (51) and the
     * cost (57) give 2(a − y) ∘ σ'(z); this library follows the cost, so its gradients are exactly
     * twice what (58) as printed would give (a gradient-check test pins this down).
     */
    MSE,
    /**
     * Cross-entropy of a softmax output against one-hot (or probability) targets:
     * C = −(1/B) Σ_b Σ_j y_bj·log p_bj. Only valid with a {@link Activation#SOFTMAX} output, where
     * Δ_L = ∂C/∂Z_L = (P − Y)/B.
     */
    CROSS_ENTROPY
}
