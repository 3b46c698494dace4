package dev.lanes.kernel.spi;

import dev.lanes.kernel.PackedMatrix;

/**
 * The one implementation of {@link PackedMatrix}: the packed floats and the layout they are in.
 * Made by {@link CheckedKernels#packB}; the data array never leaves the kernels.
 */
public final class PackedOperand implements PackedMatrix {

    private final int k;
    private final int n;
    private final String layout;
    private final float[] data;

    PackedOperand(int k, int n, String layout, float[] data) {
        this.k = k;
        this.n = n;
        this.layout = layout;
        this.data = data;
    }

    @Override
    public int k() {
        return k;
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public String layout() {
        return layout;
    }

    @Override
    public long size() {
        return data.length;
    }

    /** The packed values, in {@link #layout()}; for the kernels only, never written after packing. */
    float[] data() {
        return data;
    }

    @Override
    public String toString() {
        return "PackedMatrix[" + k + "x" + n + ", " + layout + "]";
    }
}
