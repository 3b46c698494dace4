package dev.lanes.nn;

import dev.lanes.kernel.Kernels;

import java.util.Random;

/**
 * Inverted dropout ({@link DropoutSpec}): in a training forward each value is kept with
 * probability 1 − p and scaled by 1/(1 − p), else set to 0; outside training the layer copies its
 * input. Backward multiplies the error by the same mask.
 *
 * <h2>Randomness</h2>
 * The mask of a training forward is a pure function of (seed, step, index): SplitMix64 over a
 * stream that starts at {@code seed + step·γ}, one 64-bit draw per value, kept when its top 24 bits
 * are at least p·2²⁴. The step counts training forwards. Both are the layer's
 * {@linkplain #randomState() random state}, so a checkpoint restores the exact masks to come, and
 * the masks do not depend on kernels or thread count.
 */
public final class Dropout implements Layer {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final DropoutSpec spec;
    private final int width;
    private final long threshold;
    private final float keepScale;
    private long seed;
    private long step;
    private float[] mask = new float[0];
    private int maskRows;

    Dropout(DropoutSpec spec, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("inputs must be >= 1 but was " + width);
        }
        this.spec = spec;
        this.width = width;
        this.threshold = Math.round(spec.rate() * (1 << 24));
        this.keepScale = (float) (1.0 / (1.0 - spec.rate()));
    }

    @Override
    public DropoutSpec spec() {
        return spec;
    }

    @Override
    public int inputs() {
        return width;
    }

    @Override
    public int outputs() {
        return width;
    }

    @Override
    public int parameterCount() {
        return 0;
    }

    @Override
    public void bind(float[] parameters, int offset) {
    }

    /** Takes the mask seed from {@code rng} (one {@code nextLong}). */
    @Override
    public void initialize(Random rng) {
        seed = rng.nextLong();
        step = 0;
    }

    @Override
    public void ensureCapacity(int rows) {
        if (mask.length < rows * width) {
            mask = new float[rows * width];
        }
    }

    @Override
    public void forward(Kernels k, int rows, float[] in, int inOffset, float[] out, boolean training) {
        int n = rows * width;
        if (!training) {
            System.arraycopy(in, inOffset, out, 0, n);
            return;
        }
        fillMask(n);
        maskRows = rows;
        k.multiply(n, in, inOffset, mask, 0, out, 0);
    }

    private void fillMask(int n) {
        long s = mix(seed + step * GOLDEN);
        step++;
        float keep = keepScale;
        long t = threshold;
        for (int i = 0; i < n; i++) {
            s += GOLDEN;
            mask[i] = (mix(s) >>> 40) >= t ? keep : 0f;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void backward(Kernels k, int rows, float[] in, int inOffset, float[] out, float[] dOut,
                         float[] grad, float[] dIn) {
        if (dIn != null) {
            k.multiply(rows * width, dOut, 0, mask, 0, dIn, 0);
        }
    }

    /**
     * A copy of the mask of the last training forward (rows×width row-major; each value 0 or
     * 1/(1 − p)), for checks that recompute the layer independently.
     */
    public float[] lastMask() {
        return java.util.Arrays.copyOf(mask, maskRows * width);
    }

    /** {seed, step}. */
    @Override
    public long[] randomState() {
        return new long[] {seed, step};
    }

    @Override
    public void restoreRandomState(long[] state) {
        if (state.length != 2) {
            throw new IllegalArgumentException("a dropout layer's random state is {seed, step}, got "
                    + state.length + " values");
        }
        seed = state[0];
        step = state[1];
    }
}
