package dev.lanes.optim;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Gradients;

/**
 * Clipping of the global gradient norm: when ‖g‖₂ over every parameter of the network exceeds
 * {@code maxNorm}, all gradients are scaled by maxNorm/‖g‖₂ (one direction, shorter step), as
 * PyTorch's {@code clip_grad_norm_} does.
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * Clips {@code g} in place.
     *
     * @param maxNorm the largest allowed L2 norm, &gt; 0
     * @return the norm before clipping
     */
    public static double clipGlobalNorm(Kernels k, Gradients g, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be finite and > 0 but was " + maxNorm);
        }
        float[] flat = g.flat();
        double norm = Math.sqrt(k.sumOfSquares(flat.length, flat, 0));
        if (norm > maxNorm) {
            k.scale(flat.length, (float) (maxNorm / norm), flat, 0);
        }
        return norm;
    }
}
