package dev.lanes.nn;

/**
 * The per-batch buffers of one {@link Network}: every layer's output and error (B×width each), and
 * the per-row losses. A layer's error must outlive the row-wise backward of the layers below it,
 * because the parameter gradients are computed afterwards over the whole batch, so there is one
 * error buffer per layer. They are sized for the largest batch seen so far and reused, so
 * training steps at a steady batch size allocate nothing.
 *
 * <p>Not thread-safe: a network and its workspace serve one thread at a time.
 */
public final class Workspace {

    private final int[] sizes;
    private final Layer[] layers;
    private int capacity;
    private int rows;
    float[][] activations;   // [i] holds the output of layer i, capacity × width
    float[][] deltas;        // [i] holds ∂C/∂(output of layer i), then layer i's own error
    double[] rowLoss;        // loss of each row of the last batch, summed in row order

    Workspace(int[] sizes, Layer[] layers) {
        this.sizes = sizes.clone();
        this.layers = layers;
        this.activations = new float[sizes.length - 1][];
        this.deltas = new float[sizes.length - 1][];
        this.rowLoss = new double[0];
    }

    /** Grows the buffers so that a batch of {@code batch} rows fits; never shrinks them. */
    void ensureCapacity(int batch) {
        if (batch <= capacity) {
            return;
        }
        for (int l = 1; l < sizes.length; l++) {
            activations[l - 1] = new float[batch * sizes[l]];
            deltas[l - 1] = new float[batch * sizes[l]];
        }
        rowLoss = new double[batch];
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
