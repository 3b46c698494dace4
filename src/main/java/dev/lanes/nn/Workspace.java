package dev.lanes.nn;

/**
 * The per-batch buffers of one {@link Network}: every layer's output (B×width) and two error
 * buffers that the backward pass uses in turn. They are sized for the largest batch seen so far
 * and reused, so training steps at a steady batch size allocate nothing.
 *
 * <p>Not thread-safe: a network and its workspace serve one thread at a time.
 */
public final class Workspace {

    private final int[] sizes;
    private final Layer[] layers;
    private final int maxWidth;
    private int capacity;
    private int rows;
    float[][] activations;   // [i] holds the output of layer i, capacity × width
    float[] deltaA;
    float[] deltaB;

    Workspace(int[] sizes, Layer[] layers) {
        this.sizes = sizes.clone();
        this.layers = layers;
        int mw = 0;
        for (int i = 1; i < sizes.length; i++) {
            mw = Math.max(mw, sizes[i]);
        }
        this.maxWidth = mw;
        this.activations = new float[sizes.length - 1][];
        this.deltaA = new float[0];
        this.deltaB = new float[0];
    }

    /** Grows the buffers so that a batch of {@code batch} rows fits; never shrinks them. */
    void ensureCapacity(int batch) {
        if (batch <= capacity) {
            return;
        }
        for (int l = 1; l < sizes.length; l++) {
            activations[l - 1] = new float[batch * sizes[l]];
        }
        deltaA = new float[batch * maxWidth];
        deltaB = new float[batch * maxWidth];
        for (Layer layer : layers) {
            layer.ensureCapacity(batch);
        }
        capacity = batch;
    }

    void setRows(int rows) {
        this.rows = rows;
    }

    /** The largest batch the buffers hold without growing. */
    public int capacity() {
        return capacity;
    }

    /** Rows of the last batch computed. */
    public int rows() {
        return rows;
    }

    /**
     * The network output of the last batch: a live view whose first {@link #rows()}·m_L elements
     * are the B×m_L row-major outputs (probabilities for a softmax output). Overwritten by the next
     * call on the network.
     */
    public float[] outputs() {
        return activations[activations.length - 1];
    }
}
