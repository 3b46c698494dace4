package dev.lanes.predict;

import dev.lanes.data.Standardizer;
import dev.lanes.io.Model;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.PackedMatrix;
import dev.lanes.kernel.Transpose;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Dense;
import dev.lanes.nn.Dropout;
import dev.lanes.nn.Layer;
import dev.lanes.nn.Network;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The forward pass of a trained model, for a program that serves predictions: built once from a
 * {@link Model} (network, preprocessing and class names travel together), then called from any
 * number of threads.
 *
 * <p><b>Immutable and thread-safe.</b> A predictor copies the weights, biases and preprocessing
 * statistics it is built from; later changes to the model do not reach it. Any number of threads
 * may call it at once without locking: each thread works in scratch buffers of its own (a
 * {@link ThreadLocal} per predictor, at most {@value #CHUNK_ROWS} rows × the widest layer × 2
 * floats, plus the preprocessed input), made on its first call and grown only by a larger batch.
 * The packed weights are shared, read-only; they cost about as much memory as the weights.
 *
 * <p><b>No allocation once warm.</b> After a thread's first call with a given batch size (and
 * once the JIT has compiled the kernels), {@link #predict(float[], int, float[], int)},
 * {@link #predictClass(float[])} and the batch method
 * {@link #predict(float[], int, int, float[], int)} allocate nothing. The convenience methods
 * that return a new array allocate only that array.
 *
 * <p><b>One row, and batches.</b> The one-row methods ({@link #predict(float[])},
 * {@link #predict(float[], int, float[], int)}, {@link #predictClass}) run each dense layer as one
 * matrix-vector product ({@link Kernels#sgemv}: weights read once, nothing packed); a large layer's
 * rows are split over up to {@link Kernels#threads()} threads, with the same bits for any count.
 * The batch method runs each layer as one matrix product against weights packed once when
 * the predictor was built ({@link Kernels#packB}), per chunk of at most {@value #CHUNK_ROWS} rows;
 * on several threads, a chunk of at least 2·{@value #SHARD_ROWS} rows is cut into shards of at
 * least {@value #SHARD_ROWS} and fewer than 2·{@value #SHARD_ROWS} consecutive rows (eight for 256
 * rows, whatever the thread count), which up to {@link Kernels#threads()} threads claim one at a
 * time and take through every layer (a smaller chunk splits each product instead). A row's
 * outputs from the batch method do not depend on the batch it came in, nor on the thread count
 * (tested bit for bit); they equal the one-row methods' and {@link Model#predict}'s within float
 * rounding (the summation order of a matrix-vector product differs from that of a matrix
 * product). Outputs are softmax probabilities for a softmax classifier, raw outputs otherwise.
 *
 * <p>Rows are raw features as the training data held them: {@link #inputs()} floats, row-major
 * in a batch. Dropout layers are the identity at prediction and are left out.
 */
public final class Predictor {

    /** Rows per matrix product in a batch; bounds each thread's scratch. */
    public static final int CHUNK_ROWS = 256;

    /**
     * Rows per shard when a batch is split over threads (a chunk of n rows is cut into
     * n / SHARD_ROWS shards, whatever the thread count). Shards are claimed one at a time, so a
     * thread that starts late or that the system deschedules holds back only the shard it is in,
     * and the others take the rest: with two shards per chunk (of 128 rows each at batch 256) two
     * threads waited for the slower one at every chunk. Measured on 2 vCPUs, 784-512-512-10,
     * against at least 64 rows per shard and at most one shard per thread, builds in turns: batch
     * 256 took 0.874–0.981× the time (six runs) and 0.912× with another process keeping one CPU
     * busy; batch 64 0.959× and 0.992× (two shards against one product split over the threads),
     * batch 128 0.986× (four shards against two). Each shard streams every packed weight matrix
     * again, which 32 rows (8 four-row slivers per B panel) still amortize.
     */
    static final int SHARD_ROWS = 32;

    /**
     * One dense layer: W (units×inputs, row-major), b (units) and σ, with Wᵀ also packed once for
     * the matrix products of batches.
     */
    private record Stage(int inputs, int units, float[] weights, float[] biases, Activation activation,
                         PackedMatrix packedWeights) {
    }

    /** A thread's buffers: the preprocessed input and two activation buffers used in turn. */
    private static final class Scratch {
        float[] input = new float[0];
        float[] ping = new float[0];
        float[] pong = new float[0];
        int rows;
        /** The calling thread's reusable task for a batch split over threads (made on first use). */
        Shards shards;
    }

    private final Kernels kernels;
    private final int inputs;
    private final int outputs;
    private final int widest;
    private final float[] offset;
    private final float[] divisor;
    private final String preprocessingName;
    private final Stage[] stages;
    private final boolean softmax;
    private final List<String> classNames;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private Predictor(Kernels kernels, Network network, Standardizer preprocessing, List<String> classNames) {
        this.kernels = kernels;
        this.inputs = network.inputs();
        this.outputs = network.outputs();
        this.classNames = List.copyOf(classNames);
        this.offset = preprocessing == null ? null : preprocessing.mean();
        this.divisor = preprocessing == null ? null : preprocessing.std();
        this.preprocessingName = preprocessing == null ? "none" : preprocessing.kind().label();
        List<Stage> list = new java.util.ArrayList<>();
        int widest = 1;
        for (int l = 0; l < network.depth(); l++) {
            Layer layer = network.layer(l);
            if (layer instanceof Dense d) {
                float[] w = network.weights(l);
                list.add(new Stage(d.inputs(), d.units(), w, network.biases(l), d.activation(),
                        kernels.packB(Transpose.TRANSPOSE, d.inputs(), d.units(), w, 0, d.inputs())));
                widest = Math.max(widest, d.units());
            } else if (!(layer instanceof Dropout)) {
                throw new IllegalArgumentException("layer " + l + " is a " + layer.spec().kind()
                        + " layer; the predictor runs dense and dropout layers only");
            }
        }
        this.stages = list.toArray(new Stage[0]);
        this.widest = widest;
        this.softmax = network.spec().outputLayer().activation() == Activation.SOFTMAX;
    }

    /** A predictor of {@code model} on the kernels its network runs on. */
    public static Predictor of(Model model) {
        Objects.requireNonNull(model, "model");
        return of(model, model.network().kernels());
    }

    /**
     * A predictor of {@code model} on the given kernels; their {@link Kernels#threads()} bounds the
     * threads one batch call uses.
     *
     * @throws IllegalArgumentException if the network has a layer kind other than dense and dropout
     */
    public static Predictor of(Model model, Kernels kernels) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kernels, "kernels");
        synchronized (model) {
            return new Predictor(kernels, model.network(), model.preprocessing(), model.classNames());
        }
    }

    /**
     * Reads a model file ({@link Model#load(Path)}) and builds its predictor on
     * {@link Kernels#best()}.
     *
     * @throws dev.lanes.io.ModelFileException naming the file and what is wrong with it
     * @throws IOException                     if the file cannot be read
     */
    public static Predictor load(Path file) throws IOException {
        return of(Model.load(file));
    }

    /** The number of raw features a row must have. */
    public int inputs() {
        return inputs;
    }

    /** The number of outputs per row: classes for a classifier, targets for regression. */
    public int outputs() {
        return outputs;
    }

    /** The class names, one per output; empty for regression. */
    public List<String> classNames() {
        return classNames;
    }

    /** The kernels this predictor runs on. */
    public Kernels kernels() {
        return kernels;
    }

    // ------------------------------------------------------------------------------------------
    // One row
    // ------------------------------------------------------------------------------------------

    /**
     * The outputs of one raw feature row, written to {@code out[outOffset, outOffset + outputs())}.
     * Allocates nothing once warm.
     *
     * @param x {@link #inputs()} raw features at {@code xOffset}
     * @throws IllegalArgumentException if an array is too short, or a preprocessed feature is not
     *                                  finite (naming the feature)
     */
    public void predict(float[] x, int xOffset, float[] out, int outOffset) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(out, "out");
        checkRange("x", x, xOffset, 1, inputs);
        checkRange("out", out, outOffset, 1, outputs);
        float[] y = run(kernels, x, xOffset, 1, 0, false, scratch.get());
        System.arraycopy(y, 0, out, outOffset, outputs);
    }

    /** The outputs of one raw feature row ({@link #inputs()} values), in a new array. */
    public float[] predict(float[] row) {
        Objects.requireNonNull(row, "row");
        checkWidth(row.length);
        float[] out = new float[outputs];
        predict(row, 0, out, 0);
        return out;
    }

    /**
     * The index of the largest output of one row (the first of equal ones): the predicted class.
     * Allocates nothing once warm.
     */
    public int predictClass(float[] row) {
        Objects.requireNonNull(row, "row");
        checkWidth(row.length);
        float[] y = run(kernels, row, 0, 1, 0, false, scratch.get());
        return Model.argMax(y, 0, outputs);
    }

    /**
     * The name of the predicted class of one row.
     *
     * @throws IllegalStateException if the model has no class names (regression)
     */
    public String predictClassName(float[] row) {
        if (classNames.isEmpty()) {
            throw new IllegalStateException("this model predicts " + outputs
                    + " regression targets, not classes; use predict");
        }
        return classNames.get(predictClass(row));
    }

    // ------------------------------------------------------------------------------------------
    // Batches
    // ------------------------------------------------------------------------------------------

    /**
     * The outputs of {@code rows} raw feature rows: {@code x} holds rows×{@link #inputs()} floats
     * row-major from {@code xOffset} (not modified); {@code out} receives rows×{@link #outputs()}
     * floats row-major from {@code outOffset}. Allocates nothing once this thread has seen a batch
     * this large (up to {@value #CHUNK_ROWS} rows; larger batches run in chunks of that size).
     *
     * @throws IllegalArgumentException if rows is negative, an array is too short, or a
     *                                  preprocessed feature is not finite (naming row and feature)
     */
    public void predict(float[] x, int xOffset, int rows, float[] out, int outOffset) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(out, "out");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0 but was " + rows);
        }
        checkRange("x", x, xOffset, rows, inputs);
        checkRange("out", out, outOffset, rows, outputs);
        Scratch s = scratch.get();
        int threads = kernels.threads();
        for (int r = 0; r < rows; r += CHUNK_ROWS) {
            int n = Math.min(CHUNK_ROWS, rows - r);
            int shards = threads < 2 ? 1 : n / SHARD_ROWS;
            if (shards >= 2) {
                if (s.shards == null) {
                    s.shards = new Shards();
                }
                s.shards.run(shards, x, xOffset + r * inputs, n, r, out, outOffset + r * outputs);
            } else {
                float[] y = run(kernels, x, xOffset + r * inputs, n, r, true, s);
                System.arraycopy(y, 0, out, outOffset + r * outputs, n * outputs);
            }
        }
    }

    /**
     * A chunk of a batch cut into shards of consecutive rows, each taken through every layer by one
     * thread on the single-threaded kernels (one hand-off per chunk, not one per product, and the
     * element-wise work split too). Every row's outputs are computed exactly as in an unsplit
     * batch, so the split changes no bits. Reused by its calling thread: the fields are published
     * to the helpers by {@link Kernels#forEachTask} and cleared when it returns.
     */
    private final class Shards implements IntConsumer {
        private int shards;
        private float[] x;
        private int xOffset;
        private int rows;
        private int firstRow;
        private float[] out;
        private int outOffset;

        void run(int shards, float[] x, int xOffset, int rows, int firstRow, float[] out, int outOffset) {
            this.shards = shards;
            this.x = x;
            this.xOffset = xOffset;
            this.rows = rows;
            this.firstRow = firstRow;
            this.out = out;
            this.outOffset = outOffset;
            try {
                kernels.forEachTask(shards, this);
            } finally {
                this.x = null;
                this.out = null;
            }
        }

        @Override
        public void accept(int task) {
            int r0 = (int) ((long) rows * task / shards);
            int r1 = (int) ((long) rows * (task + 1) / shards);
            float[] y = Predictor.this.run(kernels.singleThreaded(), x, xOffset + r0 * inputs, r1 - r0, firstRow + r0,
                    true, scratch.get());
            System.arraycopy(y, 0, out, outOffset + r0 * outputs, (r1 - r0) * outputs);
        }
    }

    /** The outputs of {@code rows} rows stored row-major in {@code x}, in a new rows×outputs array. */
    public float[] predict(float[] x, int rows) {
        Objects.requireNonNull(x, "x");
        if (rows < 0 || (long) rows * inputs != x.length) {
            throw new IllegalArgumentException("x holds " + x.length + " values, not " + rows + " rows of "
                    + inputs + " features");
        }
        float[] out = new float[rows * outputs];
        predict(x, 0, rows, out, 0);
        return out;
    }

    // ------------------------------------------------------------------------------------------

    /**
     * The forward pass of {@code rows} ≤ {@link #CHUNK_ROWS} rows; returns the buffer holding the
     * rows×outputs result (from offset 0), which is the thread's scratch.
     */
    private float[] run(Kernels kernels, float[] x, int xOffset, int rows, int firstRow, boolean batch, Scratch s) {
        ensure(s, rows);
        float[] in = x;
        int inOffset = xOffset;
        if (offset != null) {
            preprocess(kernels, x, xOffset, rows, firstRow, s.input);
            in = s.input;
            inOffset = 0;
        }
        float[] out = s.ping;
        for (Stage st : stages) {
            if (!batch) {
                // z = W·x + b: b first, then the product added to it (beta = 1).
                System.arraycopy(st.biases, 0, out, 0, st.units);
                kernels.sgemv(Transpose.NONE, st.units, st.inputs, 1f, st.weights, 0, st.inputs,
                        in, inOffset, 1f, out, 0);
            } else {
                // Z[B×m] = X[B×n]·W[m×n]ᵀ + b on every row, and ReLU with it: added as the product's
                // tiles are stored, not as two more passes.
                kernels.sgemmBias(Transpose.NONE, rows, in, inOffset, st.inputs, st.packedWeights, st.biases, 0,
                        st.activation == Activation.RELU, out, 0, st.units);
            }
            if (!batch || st.activation != Activation.RELU) {
                activate(kernels, st.activation, rows * st.units, out);
            }
            in = out;
            inOffset = 0;
            out = out == s.ping ? s.pong : s.ping;
        }
        if (softmax) {
            kernels.softmaxRows(rows, outputs, in, 0, outputs);
        }
        return in;
    }

    private static void activate(Kernels kernels, Activation a, int n, float[] x) {
        switch (a) {
            case SIGMOID -> kernels.sigmoid(n, x, 0);
            case TANH -> kernels.tanh(n, x, 0);
            case RELU -> kernels.relu(n, x, 0);
            case GELU -> kernels.gelu(n, x, 0);
            case SILU -> kernels.silu(n, x, 0);
            case IDENTITY, SOFTMAX -> { }
        }
    }

    /** (x − offset)/divisor per feature, with the bits of {@link Standardizer#transform}. */
    private void preprocess(Kernels kernels, float[] x, int xOffset, int rows, int firstRow, float[] dst) {
        int bad = kernels.standardize(rows, inputs, x, xOffset, inputs, offset, 0, divisor, 0, dst, 0, inputs);
        if (bad >= 0) {
            int r = bad / inputs;
            int j = bad % inputs;
            throw new IllegalArgumentException("row " + (firstRow + r) + ", feature " + j + " is "
                    + x[xOffset + r * inputs + j] + ", which is not finite after " + preprocessingName);
        }
    }

    private void ensure(Scratch s, int rows) {
        if (s.rows < rows) {
            int r = Math.max(rows, Math.min(CHUNK_ROWS, 2 * s.rows));
            s.input = offset == null ? s.input : new float[r * inputs];
            s.ping = new float[r * widest];
            s.pong = new float[r * widest];
            s.rows = r;
        }
    }

    private void checkWidth(int width) {
        if (width != inputs) {
            throw new IllegalArgumentException("the row has " + width + " features but the model takes " + inputs);
        }
    }

    private static void checkRange(String name, float[] a, int offset, int rows, int cols) {
        long need = (long) offset + (long) rows * cols;
        if (offset < 0 || need > a.length) {
            throw new IllegalArgumentException(name + " is too short: " + rows + " rows of " + cols + " at offset "
                    + offset + " need " + need + " values but it has " + a.length);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Predictor[").append(inputs);
        for (Stage s : stages) {
            b.append('-').append(s.units).append(' ').append(s.activation.fileName());
        }
        return b.append(", preprocessing ").append(preprocessingName).append(", ").append(kernels.name())
                .append(']').toString();
    }
}
