package dev.lanes.nn;

import dev.lanes.kernel.Kernels;

import java.util.Objects;
import java.util.Random;

/**
 * A feed-forward network of {@link Dense} layers trained by mini-batch backpropagation, with every
 * operation done by one {@link Kernels} call over the whole batch.
 *
 * <h2>Layout</h2>
 * As in §6 of the notes: layer ℓ = 1…L (index {@code ℓ−1} in this API) has W_ℓ of m_ℓ×m_{ℓ−1}
 * (row-major) and b_ℓ of m_ℓ. Inputs and targets are row-major B×m₀ and B×m_L matrices, one
 * example per row.
 *
 * <h2>Gradients</h2>
 * {@link #lossAndGradients} returns the exact derivative of the batch cost C as defined by
 * {@link Loss}: for MSE that is eq. (57), C = (1/B) Σ_b ‖a_b − y_b‖², whose output error carries a
 * factor 2 that the notes' eq. (58) omits (see {@link Loss#MSE}).
 *
 * <h2>Threads</h2>
 * A network holds its own {@link Workspace} and is not thread-safe; the kernels may still use
 * several threads inside each call.
 */
public final class Network {

    private final NetworkSpec spec;
    private final int[] sizes;
    private final Dense[] layers;
    private final Kernels kernels;
    private final Workspace workspace;

    /** Chunk size for forward-only passes over large inputs, so memory stays bounded. */
    private static final int FORWARD_CHUNK = 1024;

    private Network(NetworkSpec spec, Dense[] layers, Kernels kernels) {
        this.spec = spec;
        this.sizes = spec.sizes();
        this.layers = layers;
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        this.workspace = new Workspace(sizes);
    }

    /** A freshly initialised network on {@link Kernels#best()}; see {@link #create(NetworkSpec, long, Kernels)}. */
    public static Network create(NetworkSpec spec, long seed) {
        return create(spec, seed, Kernels.best());
    }

    /**
     * A freshly initialised network: weights drawn uniformly from ±√(6/(n+m)) (Xavier/Glorot) for
     * sigmoid, tanh, identity and softmax layers, and from ±√(6/n) (He) for ReLU layers, where n
     * and m are the layer's input and output widths; biases 0. The draws come from
     * {@link Random}{@code (seed)} layer by layer in row-major order, so a seed always gives the
     * same network.
     */
    public static Network create(NetworkSpec spec, long seed, Kernels kernels) {
        Random rng = new Random(seed);
        Dense[] ls = new Dense[spec.depth()];
        int prev = spec.inputs();
        for (int l = 0; l < ls.length; l++) {
            LayerSpec s = spec.layers().get(l);
            ls[l] = new Dense(prev, s.units(), s.activation(), rng);
            prev = s.units();
        }
        return new Network(spec, ls, kernels);
    }

    /** A deep copy of this network's parameters running on {@code kernels}. */
    public Network copy(Kernels kernels) {
        Network n = create(spec, 0, kernels);
        for (int l = 0; l < layers.length; l++) {
            n.setWeights(l, layers[l].weightsView());
            n.setBiases(l, layers[l].biasesView());
        }
        return n;
    }

    /** The architecture. */
    public NetworkSpec spec() {
        return spec;
    }

    /** The kernels every operation runs on. */
    public Kernels kernels() {
        return kernels;
    }

    /** L, the number of layers. */
    public int depth() {
        return layers.length;
    }

    /** m₀, the input width. */
    public int inputs() {
        return sizes[0];
    }

    /** m_L, the output width. */
    public int outputs() {
        return sizes[sizes.length - 1];
    }

    /** Layer {@code layer} (0-based), whose weight and bias arrays are live views. */
    public Dense layer(int layer) {
        return layers[layer];
    }

    /** A copy of W of layer {@code layer} (0-based), m_ℓ×m_{ℓ−1} row-major. */
    public float[] weights(int layer) {
        return layers[layer].weightsView().clone();
    }

    /** A copy of b of layer {@code layer} (0-based), length m_ℓ. */
    public float[] biases(int layer) {
        return layers[layer].biasesView().clone();
    }

    /** Copies {@code w} (m_ℓ×m_{ℓ−1} row-major) into W of layer {@code layer}. */
    public void setWeights(int layer, float[] w) {
        float[] dst = layers[layer].weightsView();
        if (w.length != dst.length) {
            throw new IllegalArgumentException("layer " + layer + ": weights need " + dst.length + " = "
                    + sizes[layer + 1] + "x" + sizes[layer] + " values but got " + w.length);
        }
        System.arraycopy(w, 0, dst, 0, dst.length);
    }

    /** Copies {@code b} (length m_ℓ) into b of layer {@code layer}. */
    public void setBiases(int layer, float[] b) {
        float[] dst = layers[layer].biasesView();
        if (b.length != dst.length) {
            throw new IllegalArgumentException("layer " + layer + ": biases need " + dst.length
                    + " values but got " + b.length);
        }
        System.arraycopy(b, 0, dst, 0, dst.length);
    }

    /** New gradient buffers shaped like this network's parameters. */
    public Gradients newGradients() {
        return new Gradients(sizes);
    }

    /** The per-batch buffers; {@link Workspace#outputs()} holds the last batch's outputs. */
    public Workspace workspace() {
        return workspace;
    }

    // ------------------------------------------------------------------------------------------
    // Training step
    // ------------------------------------------------------------------------------------------

    /**
     * One forward and backward pass over a mini-batch: returns the batch cost C and writes
     * ∂C/∂W, ∂C/∂b of every layer into {@code g}. After the call {@link Workspace#outputs()} holds
     * the batch's outputs (probabilities for softmax). Allocates nothing once the workspace has
     * seen a batch this large.
     *
     * @param x    inputs, rows×m₀ row-major from offset 0
     * @param y    targets, rows×m_L row-major from offset 0 (one-hot for cross-entropy)
     * @param rows B ≥ 1
     */
    public double lossAndGradients(float[] x, float[] y, int rows, Gradients g) {
        checkBatch(x, y, rows);
        Objects.requireNonNull(g, "g");
        if (g.depth() != layers.length) {
            throw new IllegalArgumentException("gradients are for " + g.depth() + " layers, the network has " + layers.length);
        }
        workspace.ensureCapacity(rows);
        int last = layers.length - 1;
        forwardLayers(x, 0, rows, false);
        float[] out = workspace.activations[last];
        float[] delta = workspace.deltaA;
        int mL = sizes[last + 1];
        double loss;
        if (spec.loss() == Loss.CROSS_ENTROPY) {
            // P[B×m_L] = softmax(Z_L) in place; Δ_L[B×m_L] = (P − Y)/B
            loss = kernels.softmaxCrossEntropy(rows, mL, out, 0, y, 0, delta, 0);
        } else {
            // Δ_L[B×m_L] = (2/B)(A_L − Y) …
            loss = kernels.mseLoss(rows, mL, out, 0, y, 0, delta, 0);
            // … ∘ σ'(Z_L)
            layers[last].activation().backward(kernels, rows * mL, out, 0, delta, 0);
        }
        for (int l = last; l >= 0; l--) {
            float[] aPrev = l == 0 ? x : workspace.activations[l - 1];
            float[] deltaPrev = l == 0 ? null : (delta == workspace.deltaA ? workspace.deltaB : workspace.deltaA);
            Activation prevAct = l == 0 ? null : layers[l - 1].activation();
            layers[l].backward(kernels, rows, aPrev, 0, delta, g.weights(l), g.biases(l), deltaPrev, prevAct);
            delta = deltaPrev;
        }
        return loss;
    }

    // ------------------------------------------------------------------------------------------
    // Inference
    // ------------------------------------------------------------------------------------------

    /**
     * Forward pass only: the outputs for {@code rows} examples (any number; processed in chunks
     * of the workspace's size), row-major rows×m_L.
     */
    public float[] predict(float[] x, int rows) {
        float[] out = new float[rows * outputs()];
        predict(x, 0, rows, out, 0);
        return out;
    }

    /**
     * Forward pass only, into a caller's array: {@code out[outOffset + r·m_L + j]} receives output
     * j of example r.
     *
     * @param x inputs, rows×m₀ row-major at {@code xOffset}
     */
    public void predict(float[] x, int xOffset, int rows, float[] out, int outOffset) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(out, "out");
        checkRange("x", x, xOffset, rows, inputs());
        checkRange("out", out, outOffset, rows, outputs());
        int chunk = Math.max(workspace.capacity(), Math.min(rows, FORWARD_CHUNK));
        workspace.ensureCapacity(chunk);
        int mL = outputs();
        for (int r = 0; r < rows; r += chunk) {
            int n = Math.min(chunk, rows - r);
            forwardLayers(x, xOffset + r * inputs(), n, true);
            System.arraycopy(workspace.outputs(), 0, out, outOffset + r * mL, n * mL);
        }
    }

    /**
     * Loss and accuracy over {@code rows} examples (forward only, in chunks). An example counts as
     * correct when the index of its largest output equals the index of its largest target (ties
     * go to the lower index); with a single output, when output and target fall on the same side
     * of 0.5.
     */
    public Evaluation evaluate(float[] x, float[] y, int rows) {
        checkBatch(x, y, rows);
        int chunk = Math.max(workspace.capacity(), Math.min(rows, FORWARD_CHUNK));
        workspace.ensureCapacity(chunk);
        int m0 = inputs();
        int mL = outputs();
        int last = layers.length - 1;
        double total = 0;
        int correct = 0;
        for (int r = 0; r < rows; r += chunk) {
            int n = Math.min(chunk, rows - r);
            forwardLayers(x, r * m0, n, false);
            float[] out = workspace.activations[last];
            double chunkLoss = spec.loss() == Loss.CROSS_ENTROPY
                    ? kernels.softmaxCrossEntropy(n, mL, out, 0, y, r * mL, null, 0)
                    : kernels.mseLoss(n, mL, out, 0, y, r * mL, null, 0);
            total += chunkLoss * n;
            correct += countCorrect(out, 0, y, r * mL, n, mL);
        }
        return new Evaluation(total / rows, correct, rows);
    }

    /**
     * How many of {@code rows} examples are classified correctly, by the rule of
     * {@link #evaluate}: arg-max of output vs arg-max of target, or for one output the side of 0.5.
     */
    public static int countCorrect(float[] out, int outOffset, float[] y, int yOffset, int rows, int cols) {
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            int o = outOffset + r * cols;
            int t = yOffset + r * cols;
            if (cols == 1) {
                if ((out[o] >= 0.5f) == (y[t] >= 0.5f)) {
                    correct++;
                }
            } else if (argMax(out, o, cols) == argMax(y, t, cols)) {
                correct++;
            }
        }
        return correct;
    }

    private static int argMax(float[] v, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[off + j] > v[off + best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * Runs the layers over {@code rows} examples into the workspace. With {@code applyOutputSoftmax}
     * false, a softmax output layer is left as logits for the fused cross-entropy kernel.
     */
    private void forwardLayers(float[] x, int xOffset, int rows, boolean applyOutputSoftmax) {
        workspace.setRows(rows);
        int last = layers.length - 1;
        for (int l = 0; l <= last; l++) {
            float[] aPrev = l == 0 ? x : workspace.activations[l - 1];
            int off = l == 0 ? xOffset : 0;
            boolean act = l != last || layers[l].activation() != Activation.SOFTMAX || applyOutputSoftmax;
            layers[l].forward(kernels, rows, aPrev, off, workspace.activations[l], act);
        }
    }

    private void checkBatch(float[] x, float[] y, int rows) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1 but was " + rows);
        }
        checkRange("x", x, 0, rows, inputs());
        checkRange("y", y, 0, rows, outputs());
    }

    private static void checkRange(String name, float[] a, int offset, int rows, int cols) {
        if (offset < 0 || rows < 0 || (long) offset + (long) rows * cols > a.length) {
            throw new IllegalArgumentException(name + " holds " + a.length + " values; " + rows + " rows of "
                    + cols + " from offset " + offset + " do not fit");
        }
    }

    @Override
    public String toString() {
        return "Network[" + spec + "]";
    }
}
