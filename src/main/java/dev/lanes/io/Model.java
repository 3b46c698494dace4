package dev.lanes.io;

import dev.lanes.data.Standardizer;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Network;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained model in one object: the network, the input preprocessing fitted on its training data,
 * the class names and free-text metadata. {@link #save} writes it in one call and {@link #load}
 * reads it back in one; the {@code predict} methods take raw feature rows (as the training data
 * held them) and apply the preprocessing themselves.
 *
 * <p>Feature rows are {@code float[]} of {@link #inputs()} values; a batch is either a
 * {@code float[][]} of such rows or one row-major {@code float[]} of {@code rows × inputs()}
 * values. Outputs of a batch come back in the same shape with {@link #outputs()} columns.
 *
 * <p>The preprocessing kind (standardization or min-max) is kept in the metadata under
 * {@value #PREPROCESSING_KEY}; both are stored in the model file's standardization fields, so
 * {@code Model} needs no format of its own.
 *
 * <p>Prediction runs through the network's workspace; the {@code predict} methods are
 * {@code synchronized}, so one model may be shared between threads (they take turns). For
 * parallel inference, load one model per thread.
 */
public final class Model {

    /** Metadata key naming the preprocessing: {@code standardize}, {@code min-max} or {@code none}. */
    public static final String PREPROCESSING_KEY = "preprocessing";

    private final Network network;
    private final Standardizer preprocessing;
    private final List<String> classNames;
    private final Map<String, String> metadata;

    private Model(Network network, Standardizer preprocessing, List<String> classNames, Map<String, String> metadata) {
        this.network = network;
        this.preprocessing = preprocessing;
        this.classNames = classNames;
        this.metadata = metadata;
    }

    /**
     * A model of a trained network.
     *
     * @param network       the trained network; the model uses it (no copy), so do not train it further
     * @param preprocessing the map applied to raw inputs before the network, or null for none; its
     *                      width must equal the network's input width
     * @param classNames    one name per output for a classifier, or empty for regression
     * @param metadata      free-text facts to keep with the model (training data, accuracy, ...)
     * @throws IllegalArgumentException if the widths or the number of class names do not match
     */
    public static Model of(Network network, Standardizer preprocessing, List<String> classNames,
                           Map<String, String> metadata) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(classNames, "classNames");
        Objects.requireNonNull(metadata, "metadata");
        if (preprocessing != null && preprocessing.features() != network.inputs()) {
            throw new IllegalArgumentException("the preprocessing takes " + preprocessing.features()
                    + " features but the network " + network.inputs());
        }
        if (!classNames.isEmpty() && classNames.size() != network.outputs()) {
            throw new IllegalArgumentException(classNames.size() + " class names for a network with "
                    + network.outputs() + " outputs");
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(PREPROCESSING_KEY, preprocessing == null ? "none" : preprocessing.kind().label());
        return new Model(network, preprocessing, List.copyOf(classNames), Map.copyOf(meta));
    }

    /**
     * Reads a model file (or the model inside a checkpoint) and runs it on {@link Kernels#best()}.
     *
     * @throws ModelFileException naming the file and what is wrong with it
     * @throws IOException        if the file cannot be read
     */
    public static Model load(Path file) throws IOException {
        return load(file, Kernels.best());
    }

    /**
     * As {@link #load(Path)}, running on the given kernels.
     *
     * @throws ModelFileException naming the file and what is wrong with it
     */
    public static Model load(Path file, Kernels kernels) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kernels, "kernels");
        StoredModel stored = ModelFile.readModel(file);
        return fromStored(stored, kernels, file);
    }

    /**
     * The model a stored record describes.
     *
     * @param file named in errors
     * @throws ModelFileException if the record uses an unknown activation, loss or preprocessing
     */
    public static Model fromStored(StoredModel stored, Kernels kernels, Path file) throws ModelFileException {
        Network net = Models.toNetwork(stored, kernels, file);
        Standardizer st = null;
        if (stored.mean() != null) {
            String kindName = stored.metadata().getOrDefault(PREPROCESSING_KEY, Standardizer.Kind.STANDARDIZE.label());
            Standardizer.Kind kind = Standardizer.Kind.ofLabel(kindName);
            if (kind == null) {
                throw new ModelFileException(file, "names the preprocessing '" + kindName
                        + "', which this Lanes does not know");
            }
            try {
                st = Standardizer.of(stored.mean(), stored.std(), kind);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "has invalid preprocessing statistics: " + e.getMessage());
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(stored.metadata());
        meta.put(PREPROCESSING_KEY, st == null ? "none" : st.kind().label());
        return new Model(net, st, stored.classNames(), Map.copyOf(meta));
    }

    /**
     * Writes the model to {@code file} atomically (a temporary file in the same directory, then a
     * rename): a crash leaves any earlier file intact.
     */
    public void save(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        ModelFile.write(file, toStored());
    }

    /** The record {@link #save} writes. */
    public synchronized StoredModel toStored() {
        return Models.toStored(network, preprocessing, classNames, metadata);
    }

    /** The number of features a row must have. */
    public int inputs() {
        return network.inputs();
    }

    /** The number of outputs: classes for a classifier, targets for regression. */
    public int outputs() {
        return network.outputs();
    }

    /** Whether this model names classes (it was trained for classification). */
    public boolean isClassifier() {
        return !classNames.isEmpty();
    }

    /** The class names, one per output; empty for regression. */
    public List<String> classNames() {
        return classNames;
    }

    /** The metadata, including {@value #PREPROCESSING_KEY}; unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The input preprocessing, or null when raw features go straight to the network. */
    public Standardizer preprocessing() {
        return preprocessing;
    }

    /** The network; use it only from one thread at a time. */
    public Network network() {
        return network;
    }

    // ------------------------------------------------------------------------------------------
    // Prediction
    // ------------------------------------------------------------------------------------------

    /**
     * The network's outputs for one raw feature row: probabilities for a softmax classifier,
     * predicted targets for regression.
     *
     * @param row {@link #inputs()} raw features
     * @return {@link #outputs()} values
     */
    public synchronized float[] predict(float[] row) {
        Objects.requireNonNull(row, "row");
        checkWidth(row.length, 0);
        return predict(row, 1);
    }

    /** The outputs for each row of a batch, one array of {@link #outputs()} values per row. */
    public synchronized float[][] predict(float[][] rows) {
        float[] flat = flatten(rows);
        float[] y = predict(flat, rows.length);
        int k = outputs();
        float[][] out = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = java.util.Arrays.copyOfRange(y, r * k, (r + 1) * k);
        }
        return out;
    }

    /**
     * The outputs for {@code rows} raw feature rows stored row-major in {@code x}
     * ({@code rows × inputs()} values, not modified).
     *
     * @return {@code rows × outputs()} values, row-major
     * @throws IllegalArgumentException if {@code x} does not hold exactly that many values, or
     *                                  a preprocessed value is not finite
     */
    public synchronized float[] predict(float[] x, int rows) {
        Objects.requireNonNull(x, "x");
        if (rows < 0 || (long) rows * inputs() != x.length) {
            throw new IllegalArgumentException("x holds " + x.length + " values, not " + rows + " rows of "
                    + inputs() + " features");
        }
        if (rows == 0) {
            return new float[0];
        }
        float[] in = x;
        if (preprocessing != null) {
            // The network's standardize kernel: the bits of Standardizer.transform, vectorized.
            int f = inputs();
            in = new float[x.length];
            int bad = network.kernels().standardize(rows, f, x, 0, f, preprocessing.mean(), 0, preprocessing.std(), 0,
                    in, 0, f);
            if (bad >= 0) {
                throw new IllegalArgumentException("row " + bad / f + ", feature " + bad % f + " is " + x[bad]
                        + ", which is not finite after " + preprocessing.kind().label());
            }
        }
        return network.predict(in, rows);
    }

    /**
     * Class probabilities for one row, in the order of {@link #classNames()}.
     *
     * @throws IllegalStateException if the model is not a classifier with a softmax output
     */
    public float[] predictProbabilities(float[] row) {
        requireProbabilities();
        return predict(row);
    }

    /** Class probabilities for each row of a batch. */
    public float[][] predictProbabilities(float[][] rows) {
        requireProbabilities();
        return predict(rows);
    }

    /**
     * The index of the most likely class of one row (the first of equal outputs).
     *
     * @throws IllegalStateException if the model is not a classifier
     */
    public int predictClass(float[] row) {
        requireClassifier();
        return argMax(predict(row), 0, outputs());
    }

    /** The index of the most likely class of each row of a batch. */
    public int[] predictClass(float[][] rows) {
        requireClassifier();
        float[] y = predict(flatten(rows), rows.length);
        int k = outputs();
        int[] out = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            out[r] = argMax(y, r * k, k);
        }
        return out;
    }

    /** The name of the most likely class of one row. */
    public String predictClassName(float[] row) {
        return classNames.get(predictClass(row));
    }

    /** The index of the largest of {@code n} values from {@code off}; ties go to the first. */
    public static int argMax(float[] v, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[off + j] > v[off + best]) {
                best = j;
            }
        }
        return best;
    }

    private void requireClassifier() {
        if (!isClassifier()) {
            throw new IllegalStateException("this model predicts " + outputs()
                    + " regression targets, not classes; use predict");
        }
    }

    private void requireProbabilities() {
        requireClassifier();
        if (network.spec().outputLayer().activation() != Activation.SOFTMAX) {
            throw new IllegalStateException("the output layer is "
                    + Models.name(network.spec().outputLayer().activation())
                    + ", not softmax, so its outputs are scores, not probabilities; use predict");
        }
    }

    private float[] flatten(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        int f = inputs();
        float[] flat = new float[Math.multiplyExact(rows.length, f)];
        for (int r = 0; r < rows.length; r++) {
            Objects.requireNonNull(rows[r], "rows[" + r + "]");
            checkWidth(rows[r].length, r);
            System.arraycopy(rows[r], 0, flat, r * f, f);
        }
        return flat;
    }

    private void checkWidth(int width, int row) {
        if (width != inputs()) {
            throw new IllegalArgumentException("row " + row + " has " + width + " features but the model takes "
                    + inputs());
        }
    }

    @Override
    public String toString() {
        return "Model[" + network.spec() + ", preprocessing " + metadata.get(PREPROCESSING_KEY)
                + (isClassifier() ? ", classes " + classNames : ", regression") + "]";
    }
}
