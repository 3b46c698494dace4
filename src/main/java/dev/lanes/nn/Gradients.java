package dev.lanes.nn;

/**
 * ∂C/∂W and ∂C/∂b for every layer of a network, with the shapes of the parameters (W_ℓ m_ℓ×m_{ℓ−1}
 * row-major, b_ℓ of length m_ℓ). Filled by {@link Network#lossAndGradients}; each call overwrites
 * the previous values.
 */
public final class Gradients {

    private final float[][] dW;
    private final float[][] db;

    Gradients(int[] sizes) {
        int depth = sizes.length - 1;
        dW = new float[depth][];
        db = new float[depth][];
        for (int l = 0; l < depth; l++) {
            dW[l] = new float[sizes[l + 1] * sizes[l]];
            db[l] = new float[sizes[l + 1]];
        }
    }

    /** Number of layers L. */
    public int depth() {
        return dW.length;
    }

    /**
     * ∂C/∂W of layer {@code layer} (0-based: layer 0 is the notes' ℓ = 1), m×n row-major: a live
     * view, not a copy.
     */
    public float[] weights(int layer) {
        return dW[layer];
    }

    /** ∂C/∂b of layer {@code layer} (0-based), length m: a live view, not a copy. */
    public float[] biases(int layer) {
        return db[layer];
    }
}
