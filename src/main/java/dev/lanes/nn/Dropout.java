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
    /** The SplitMix64 state before the first value of the current training batch's mask. */
    private long streamStart;

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

    /** A training batch takes the next mask stream: one step per batch, however its rows are split. */
    @Override
    public void beginBatch(int rows, boolean training) {
        if (training) {
            streamStart = mix(seed + step * GOLDEN);
            step++;
            maskRows = rows;
        }
    }

    @Override
    public void forward(Kernels k, int first, int count, float[] in, int inOffset, float[] out, boolean training) {
        int from = first * width;
        int n = count * width;
        if (!training) {
            System.arraycopy(in, inOffset + from, out, from, n);
            return;
        }
        fillMask(from, n);
        k.multiply(n, in, inOffset + from, mask, from, out, from);
    }

    /** Mask values [from, from + n) of the batch: value i is drawn from mix(start + (i + 1)·γ). */
    private void fillMask(int from, int n) {
        long s = streamStart + from * GOLDEN;
        float keep = keepScale;
        long t = threshold;
        for (int i = from; i < from + n; i++) {
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
    public void backwardRows(Kernels k, int first, int count, float[] out, float[] delta, float[] dIn) {
        if (dIn != null) {
            int from = first * width;
            k.multiply(count * width, delta, from, mask, from, dIn, from);
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
