package dev.lanes.nn;

import dev.lanes.kernel.Kernels;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * A feed-forward network of {@link Layer}s trained by mini-batch backpropagation, with every
 * operation done by one {@link Kernels} call over the whole batch.
 *
 * <h2>Layout</h2>
 * As in §6 of the notes: dense layer ℓ = 1…L (index {@code ℓ−1} in this API when the network has
 * dense layers only) has W_ℓ of m_ℓ×m_{ℓ−1} (row-major) and b_ℓ of m_ℓ. Inputs and targets are
 * row-major B×m₀ and B×m_L matrices, one example per row.
 *
 * <h2>Flat parameters</h2>
 * All parameters live in one contiguous array, {@link #parameters()}: the layers in order, each
 * at {@link #parameterOffset(int)}; a dense layer's slice holds W (row-major) then b; a layer
 * without parameters (dropout) has an empty slice. {@link Gradients#flat()} has the same layout,
 * so an optimizer updates the whole network in one pass, and copying, summing or shipping all the
 * weights is one array operation.
 *
 * <h2>Gradients</h2>
 * {@link #lossAndGradients} returns the exact derivative of the batch cost C as defined by
 * {@link Loss}: for MSE that is eq. (57), C = (1/B) Σ_b ‖a_b − y_b‖², whose output error carries a
 * factor 2 that the notes' eq. (58) omits (see {@link Loss#MSE}).
 *
 * <h2>Threads</h2>
 * A network holds its own {@link Workspace} and is not thread-safe, but each training step,
 * evaluation and prediction runs on up to {@link Kernels#threads()} threads of its kernels: the
 * batch in row shards, then the parameter gradients in pieces of units (see the package
 * documentation). Every output, gradient and loss is bit-identical for every thread count.
 */
public final class Network {

    private final NetworkSpec spec;
    private final int[] sizes;
    private final Layer[] layers;
    private final int[] offsets;
    private final float[] parameters;
    private final Kernels kernels;
    private final Workspace workspace;
    private final boolean softmaxOutput;
    private final BatchPass pass;

    /** Chunk size for forward-only passes over large inputs, so memory stays bounded. */
    private static final int FORWARD_CHUNK = 1024;

    private Network(NetworkSpec spec, Kernels kernels) {
        this.spec = spec;
        this.sizes = spec.sizes();
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        int depth = spec.depth();
        this.layers = new Layer[depth];
        this.offsets = new int[depth];
        long total = spec.parameterCount();
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the network has " + total + " parameters, more than one array holds");
        }
        this.parameters = new float[(int) total];
        int offset = 0;
        for (int l = 0; l < depth; l++) {
            Layer layer = spec.layers().get(l).create(sizes[l]);
            layer.bind(parameters, offset);
            layers[l] = layer;
            offsets[l] = offset;
            offset += layer.parameterCount();
        }
        this.softmaxOutput = spec.outputLayer().activation() == Activation.SOFTMAX;
        this.workspace = new Workspace(sizes, layers);
        this.pass = new BatchPass(layers, sizes, offsets, workspace, kernels, spec.loss(), softmaxOutput);
    }

    /** A freshly initialised network on {@link Kernels#best()}; see {@link #create(NetworkSpec, long, Kernels)}. */
    public static Network create(NetworkSpec spec, long seed) {
        return create(spec, seed, Kernels.best());
    }

    /**
     * A freshly initialised network: dense weights drawn uniformly from ±√(6/(n+m))
     * (Xavier/Glorot) for sigmoid, tanh, identity and softmax layers, and from ±√(6/n) (He) for
     * ReLU, GELU and SiLU layers, where n and m are the layer's input and output widths; biases 0.
     * The draws come from {@link Random}{@code (seed)} layer by layer in row-major order (a
     * dropout layer takes its mask seed as one {@code nextLong} at its place), so a seed always
     * gives the same network.
     */
    public static Network create(NetworkSpec spec, long seed, Kernels kernels) {
        Network n = new Network(spec, kernels);
        Random rng = new Random(seed);
        for (Layer layer : n.layers) {
            layer.initialize(rng);
        }
        return n;
    }

    /** A builder of a network with {@code inputs} features; see {@link NetworkSpec.Builder}. */
    public static NetworkSpec.Builder builder(int inputs) {
        return NetworkSpec.builder(inputs);
    }

    /** A deep copy of this network's parameters and random state running on {@code kernels}. */
    public Network copy(Kernels kernels) {
        Network n = new Network(spec, kernels);
        n.copyParametersFrom(parameters);
        n.restoreRandomState(randomState());
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

    /** The number of layers of every kind (L for a network of dense layers only). */
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

    /** Layer {@code layer} (0-based). */
    public Layer layer(int layer) {
        return layers[layer];
    }

    // ------------------------------------------------------------------------------------------
    // Flat parameters
    // ------------------------------------------------------------------------------------------

    /**
     * The live flat parameter array (a view, not a copy): layer after layer, each at
     * {@link #parameterOffset(int)}; a dense layer's slice is W (m_ℓ×m_{ℓ−1} row-major) then b
     * (m_ℓ). Writes change the model; optimizers update it in place.
     */
    public float[] parameters() {
        return parameters;
    }

    /** The number of parameters, {@code parameters().length}. */
    public int parameterCount() {
        return parameters.length;
    }

    /** Offset of layer {@code layer}'s parameters in {@link #parameters()}. */
    public int parameterOffset(int layer) {
        return offsets[layer];
    }

    /** Copies every parameter into {@code dst[0, parameterCount())}. */
    public void copyParametersTo(float[] dst) {
        checkFlat(dst, "dst");
        System.arraycopy(parameters, 0, dst, 0, parameters.length);
    }

    /** Replaces every parameter by {@code src[0, parameterCount())}. */
    public void copyParametersFrom(float[] src) {
        checkFlat(src, "src");
        System.arraycopy(src, 0, parameters, 0, parameters.length);
    }

    private void checkFlat(float[] a, String name) {
        Objects.requireNonNull(a, name);
        if (a.length != parameters.length) {
            throw new IllegalArgumentException(name + " holds " + a.length + " values but the network has "
                    + parameters.length + " parameters");
        }
    }

    /**
     * The random state of every layer that has one (dropout: seed and step), concatenated in layer
     * order; empty for a deterministic network.
     */
    public long[] randomState() {
        int n = 0;
        for (Layer l : layers) {
            n += l.randomState().length;
        }
        long[] out = new long[n];
        int i = 0;
        for (Layer l : layers) {
            long[] s = l.randomState();
            System.arraycopy(s, 0, out, i, s.length);
            i += s.length;
        }
        return out;
    }

    /** Restores what {@link #randomState()} returned. */
    public void restoreRandomState(long[] state) {
        int i = 0;
        for (Layer l : layers) {
            int n = l.randomState().length;
            if (i + n > state.length) {
                throw new IllegalArgumentException("the random state holds " + state.length
                        + " values; the network's layers need " + randomState().length);
            }
            l.restoreRandomState(Arrays.copyOfRange(state, i, i + n));
            i += n;
        }
        if (i != state.length) {
            throw new IllegalArgumentException("the random state holds " + state.length
                    + " values; the network's layers need " + i);
        }
    }

    private Dense dense(int layer) {
        if (!(layers[layer] instanceof Dense d)) {
            throw new IllegalArgumentException("layer " + layer + " is a " + layers[layer].spec().kind()
                    + " layer, which has no weights");
        }
        return d;
    }

    /** A copy of W of dense layer {@code layer} (0-based), m_ℓ×m_{ℓ−1} row-major. */
    public float[] weights(int layer) {
        Dense d = dense(layer);
        return Arrays.copyOfRange(parameters, d.weightOffset(), d.biasOffset());
    }

    /** A copy of b of dense layer {@code layer} (0-based), length m_ℓ. */
    public float[] biases(int layer) {
        Dense d = dense(layer);
        return Arrays.copyOfRange(parameters, d.biasOffset(), d.biasOffset() + d.units());
    }

    /** Copies {@code w} (m_ℓ×m_{ℓ−1} row-major) into W of dense layer {@code layer}. */
    public void setWeights(int layer, float[] w) {
        Dense d = dense(layer);
        int n = d.units() * d.inputs();
        if (w.length != n) {
            throw new IllegalArgumentException("layer " + layer + ": weights need " + n + " = "
                    + d.units() + "x" + d.inputs() + " values but got " + w.length);
        }
        System.arraycopy(w, 0, parameters, d.weightOffset(), n);
    }

    /** Copies {@code b} (length m_ℓ) into b of dense layer {@code layer}. */
    public void setBiases(int layer, float[] b) {
        Dense d = dense(layer);
        if (b.length != d.units()) {
            throw new IllegalArgumentException("layer " + layer + ": biases need " + d.units()
                    + " values but got " + b.length);
        }
        System.arraycopy(b, 0, parameters, d.biasOffset(), b.length);
    }

    /** New gradient buffers laid out like {@link #parameters()}. */
    public Gradients newGradients() {
        int[] wc = new int[layers.length];
        int[] bc = new int[layers.length];
        for (int l = 0; l < layers.length; l++) {
            if (layers[l] instanceof Dense d) {
                wc[l] = d.units() * d.inputs();
                bc[l] = d.units();
            }
        }
        return new Gradients(offsets, wc, bc, parameters.length);
    }

    /** The per-batch buffers; {@link Workspace#outputs()} holds the last batch's outputs. */
    public Workspace workspace() {
        return workspace;
    }

    // ------------------------------------------------------------------------------------------
    // Training step
    // ------------------------------------------------------------------------------------------

    /**
     * One forward (in training mode: dropout drops) and backward pass over a mini-batch: returns
     * the batch cost C and writes ∂C/∂θ of every parameter into {@code g}. After the call
     * {@link Workspace#outputs()} holds the batch's outputs (probabilities for softmax). Allocates
     * nothing once the workspace has seen a batch this large.
     *
     * @param x    inputs, rows×m₀ row-major from offset 0
     * @param y    targets, rows×m_L row-major from offset 0 (one-hot for cross-entropy)
     * @param rows B ≥ 1
     */
    public double lossAndGradients(float[] x, float[] y, int rows, Gradients g) {
        return lossAndGradients(x, y, rows, g, null);
    }

    /**
     * A whole training step: {@link #lossAndGradients(float[], float[], int, Gradients)} with the
     * optimizer's update fused in. Once the batch cost is known to be finite, {@code update} is
     * {@linkplain StepUpdate#begin begun}, and each piece of the parameters is updated as soon as
     * its gradients are written, on the thread that wrote them, rather than in a separate pass
     * over all parameters afterwards (which, on several threads, first has to move the gradients
     * other threads computed into one core's cache). The parameters, gradients and optimizer
     * state end up with exactly the bits of {@code lossAndGradients} followed by the optimizer's
     * {@code step}.
     *
     * <p>When the cost is NaN or infinite, the gradients are still written but nothing is updated
     * and {@code update.begin()} is not called. Gradient clipping by the global norm needs every
     * gradient before any update, so it cannot be fused: clip, then call the optimizer's step.
     *
     * @param update the optimizer's update for this network and {@code g}
     *               ({@code Optimizer.stepUpdate}); null computes the gradients only
     * @return the batch cost C
     * @throws IllegalArgumentException if {@code update} was made for another network or other
     *                                  gradients
     */
    public double lossAndGradients(float[] x, float[] y, int rows, Gradients g, StepUpdate update) {
        checkBatch(x, y, rows);
        Objects.requireNonNull(g, "g");
        if (g.depth() != layers.length || g.size() != parameters.length) {
            throw new IllegalArgumentException("gradients are for " + g.depth() + " layers and " + g.size()
                    + " parameters, the network has " + layers.length + " and " + parameters.length);
        }
        if (update != null && (update.network() != this || update.gradients() != g)) {
            throw new IllegalArgumentException("the step update was made for "
                    + (update.network() != this ? "another network" : "other gradients")
                    + ": make it with optimizer.stepUpdate(network, gradients) for the ones passed here");
        }
        workspace.ensureCapacity(rows);
        workspace.setRows(rows);
        return pass.train(x, y, rows, g.flat(), update);
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
            workspace.setRows(n);
            pass.forward(x, xOffset + r * inputs(), null, 0, n, true);
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
            workspace.setRows(n);
            pass.forward(x, r * m0, y, r * mL, n, false);
            float[] out = workspace.activations[last];
            double chunkLoss;
            if (spec.loss() == Loss.CROSS_ENTROPY) {
                // the row losses in row order, as one softmaxCrossEntropy call over the chunk sums them
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += workspace.rowLoss[i];
                }
                chunkLoss = sum / n;
            } else {
                chunkLoss = kernels.mseLoss(n, mL, out, 0, y, r * mL, null, 0);
            }
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
