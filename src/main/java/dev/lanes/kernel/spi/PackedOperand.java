package dev.lanes.kernel.spi;

import dev.lanes.kernel.PackedMatrix;

/**
 * The one implementation of {@link PackedMatrix}: the packed floats and the layout they are in.
 * Made by {@link CheckedKernels#packB}; the data array never leaves the kernels.
 */
public final class PackedOperand implements PackedMatrix {

    private final int k;
    private final int n;
    private final String family;
    private final String layout;
    private final float[] data;

    PackedOperand(int k, int n, String family, String layout, float[] data) {
        this.k = k;
        this.n = n;
        this.family = family;
        this.layout = family + ": " + layout;
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

    /** What the layout depends on besides k and n; see {@link CheckedKernels#packedFamily()}. */
    String family() {
        return family;
    }

    /** The packed values, in {@link #layout()}; for the kernels only, written by packing and repacking alone. */
    float[] data() {
        return data;
    }

    @Override
    public String toString() {
        return "PackedMatrix[" + k + "x" + n + ", " + layout + "]";
    }
}
