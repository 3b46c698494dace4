package dev.lanes.spark;

import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * A Spark ML estimator that trains a Lanes fully connected regressor data-parallel, exactly as
 * {@link LanesClassifier} trains a classifier (same params, same batches, same synchronization),
 * with an identity output of one unit trained on mean squared error. The label column is a numeric
 * target per row (finite, within float range); features a vector column of width
 * {@code layers[0]}; {@code layers} ends in 1.
 */
public final class LanesRegressor extends Predictor<Vector, LanesRegressor, LanesRegressionModel>
        implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final IntArrayParam layers;
    private final IntParam maxIter;
    private final IntParam batchSize;
    private final DoubleParam stepSize;
    private final Param<String> solver;
    private final Param<String> activation;
    private final LongParam seed;
    private final Param<String> synchronization;

    /** An estimator with a random uid. */
    public LanesRegressor() {
        this(Identifiable.randomUID("lanesRegressor"));
    }

    /** An estimator with the given uid (as Spark's persistence needs). */
    public LanesRegressor(String uid) {
        // Spark's parent constructors create the shared params, which read uid().
        this.uid = uid;
        super();
        this.layers = new IntArrayParam(this, "layers",
                "layer widths from the input to the output layer, e.g. [13, 32, 1]; the last must be 1");
        this.maxIter = new IntParam(this, "maxIter", "number of epochs (passes over the training data), >= 1");
        this.batchSize = new IntParam(this, "batchSize",
                "rows per global mini-batch step, a multiple of the number of partitions of the training data");
        this.stepSize = new DoubleParam(this, "stepSize", "learning rate of sgd or adam, > 0");
        this.solver = new Param<>(this, "solver", "optimizer: sgd or adam");
        this.activation = new Param<>(this, "activation", "activation of the hidden layers: sigmoid, tanh or relu");
        this.seed = new LongParam(this, "seed", "seed of the initial weights and of the per-epoch shuffles");
        this.synchronization = new Param<>(this, "synchronization",
                "how the partitions meet each step: sliced (default) or driver, as for LanesClassifier");
        setDefault(synchronization, "sliced");
        setDefault(maxIter, 100);
        setDefault(batchSize, 128);
        setDefault(stepSize, 0.01);
        setDefault(solver, "adam");
        setDefault(activation, "relu");
        setDefault(seed, (long) getClass().getName().hashCode());
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Layer widths, input width first, 1 last. */
    public IntArrayParam layers() {
        return layers;
    }

    /** Epochs. Default 100. */
    public IntParam maxIter() {
        return maxIter;
    }

    /** Global mini-batch rows. Default 128. */
    public IntParam batchSize() {
        return batchSize;
    }

    /** Learning rate. Default 0.01. */
    public DoubleParam stepSize() {
        return stepSize;
    }

    /** {@code adam} (default) or {@code sgd}. */
    public Param<String> solver() {
        return solver;
    }

    /** Hidden-layer activation: {@code relu} (default), {@code tanh}, {@code sigmoid}. */
    public Param<String> activation() {
        return activation;
    }

    /** Seed. */
    public LongParam seed() {
        return seed;
    }

    /** {@code sliced} (default) or {@code driver}; see {@link LanesClassifier#synchronization()}. */
    public Param<String> synchronization() {
        return synchronization;
    }

    public int[] getLayers() {
        return $(layers);
    }

    public int getMaxIter() {
        return (Integer) $(maxIter);
    }

    public int getBatchSize() {
        return (Integer) $(batchSize);
    }

    public double getStepSize() {
        return (Double) $(stepSize);
    }

    public String getSolver() {
        return $(solver);
    }

    public String getActivation() {
        return $(activation);
    }

    public long getSeed() {
        return (Long) $(seed);
    }

    public String getSynchronization() {
        return $(synchronization);
    }

    public LanesRegressor setLayers(int[] value) {
        return (LanesRegressor) set(layers, value);
    }

    public LanesRegressor setMaxIter(int value) {
        return (LanesRegressor) set(maxIter, value);
    }

    public LanesRegressor setBatchSize(int value) {
        return (LanesRegressor) set(batchSize, value);
    }

    public LanesRegressor setStepSize(double value) {
        return (LanesRegressor) set(stepSize, value);
    }

    public LanesRegressor setSolver(String value) {
        return (LanesRegressor) set(solver, value);
    }

    public LanesRegressor setActivation(String value) {
        return (LanesRegressor) set(activation, value);
    }

    public LanesRegressor setSeed(long value) {
        return (LanesRegressor) set(seed, value);
    }

    public LanesRegressor setSynchronization(String value) {
        return (LanesRegressor) set(synchronization, value);
    }

    @Override
    public LanesRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public LanesRegressionModel train(Dataset<?> dataset) {
        if (!isDefined(layers)) {
            throw new IllegalArgumentException("layers must be set, e.g. setLayers(new int[] {13, 32, 1})");
        }
        int[] sizes = getLayers().clone();
        if (sizes.length < 2) {
            throw new IllegalArgumentException("layers needs at least an input and an output width but has " + sizes.length);
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("layers[" + i + "] must be >= 1 but is " + sizes[i]);
            }
        }
        if (sizes[sizes.length - 1] != 1) {
            throw new IllegalArgumentException("a regressor predicts one value per row; layers must end in 1 but ends in "
                    + sizes[sizes.length - 1]);
        }
        float[] params = LanesClassifier.trainNetwork(dataset, getFeaturesCol(), getLabelCol(),
                Specs.regressor(sizes, getActivation()), TrainingData.REGRESSION, getSolver(), getStepSize(), getBatchSize(),
                getMaxIter(), getSeed(), getSynchronization());
        return copyValues(new LanesRegressionModel(uid, sizes, getActivation(), params), ParamMap.empty());
    }

    /** Reads an estimator saved with {@code write().save(path)}. */
    public static MLReader<LanesRegressor> read() {
        return new DefaultParamsReader<>();
    }

    /** {@code read().load(path)}. */
    public static LanesRegressor load(String path) {
        return read().load(path);
    }
}
