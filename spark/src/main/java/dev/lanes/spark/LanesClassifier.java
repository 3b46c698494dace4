package dev.lanes.spark;

import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Adam;
import dev.lanes.optim.Optimizer;
import dev.lanes.optim.Sgd;

import org.apache.spark.ml.classification.ProbabilisticClassifier;
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
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.storage.StorageLevel;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * A Spark ML estimator that trains a Lanes fully connected classifier data-parallel: synchronous
 * mini-batch SGD or Adam where every partition computes the gradient of its rows of each global
 * batch with the Lanes training step (batched GEMMs on the SIMD kernels); the partition gradients
 * are summed in partition order and one update is applied — by default inside one long-lived
 * barrier job whose tasks each own a slice of the parameters (see {@link #synchronization}).
 *
 * <p>The network is {@code layers[0]} inputs, hidden layers with {@code activation}, and a softmax
 * output of {@code layers[last]} classes trained on cross-entropy — the shape of MLlib's
 * {@code MultilayerPerceptronClassifier}, in float32. Labels are class indices 0…classes−1 in a
 * numeric column; features a vector column of width {@code layers[0]}.
 *
 * <h2>Data and batches</h2>
 * The training data is read once, redistributed so that row i (in the input's order) lands in
 * partition {@code i % P} (P = the input's partition count), and cached as one float block per
 * partition. Each epoch every partition visits its rows in a seeded random order and contributes
 * {@code batchSize / P} rows to each global step; {@code batchSize} must therefore be a multiple of
 * P (otherwise {@link #fit} throws {@link IllegalArgumentException} naming both numbers and the
 * nearest valid sizes — repartition the input or change the batch). The final step of an epoch may
 * be short.
 *
 * <h2>Executors</h2>
 * Executors need {@code --add-modules jdk.incubator.vector} in
 * {@code spark.executor.extraJavaOptions} for the SIMD kernels; without it each executor logs one
 * warning and trains on the scalar kernels, with the same results up to float rounding.
 */
public final class LanesClassifier
        extends ProbabilisticClassifier<Vector, LanesClassifier, LanesClassificationModel>
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
    public LanesClassifier() {
        this(Identifiable.randomUID("lanesClassifier"));
    }

    /** An estimator with the given uid (as Spark's persistence needs). */
    public LanesClassifier(String uid) {
        // Spark's parent constructors create the shared params (featuresCol, ...), which read
        // uid(): it must be set before super() runs (a flexible constructor body, Java 25).
        this.uid = uid;
        super();
        this.layers = new IntArrayParam(this, "layers",
                "layer widths from the input to the output layer, e.g. [784, 256, 10]; the last is the number of classes");
        this.maxIter = new IntParam(this, "maxIter", "number of epochs (passes over the training data), >= 1");
        this.batchSize = new IntParam(this, "batchSize",
                "rows per global mini-batch step, a multiple of the number of partitions of the training data");
        this.stepSize = new DoubleParam(this, "stepSize", "learning rate of sgd or adam, > 0");
        this.solver = new Param<>(this, "solver", "optimizer: sgd or adam");
        this.activation = new Param<>(this, "activation", "activation of the hidden layers: sigmoid, tanh or relu");
        this.seed = new LongParam(this, "seed", "seed of the initial weights and of the per-epoch shuffles");
        this.synchronization = new Param<>(this, "synchronization",
                "how the partitions meet each step: sliced (default; one barrier job, each partition owns a slice of the"
                        + " parameters, slices exchanged through the block managers) or driver (a Spark job per step, the driver sums"
                        + " the gradients and broadcasts the parameters)");
        setDefault(synchronization, "sliced");
        setDefault(maxIter, 100);
        setDefault(batchSize, 128);
        setDefault(stepSize, 0.03);
        setDefault(solver, "sgd");
        setDefault(activation, "sigmoid");
        setDefault(seed, (long) getClass().getName().hashCode());
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Layer widths, input width first, number of classes last. */
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

    /** Learning rate. Default 0.03. */
    public DoubleParam stepSize() {
        return stepSize;
    }

    /** {@code sgd} (default) or {@code adam}. */
    public Param<String> solver() {
        return solver;
    }

    /** Hidden-layer activation: {@code sigmoid} (default, as MLlib), {@code tanh}, {@code relu}. */
    public Param<String> activation() {
        return activation;
    }

    /** Seed. */
    public LongParam seed() {
        return seed;
    }

    /**
     * {@code sliced} (default): one barrier job for the whole run; partition q owns slice q of the
     * flat parameter vector, sums that slice's gradient from every partition (in partition
     * order), applies its update and sends the slice to the others, all through the executors'
     * block managers — no per-step job, nothing through the driver. All partitions must run at
     * once: with fewer free task slots than partitions {@link #fit} throws
     * {@link IllegalArgumentException}. {@code driver}: one Spark job per step; the driver
     * collects and sums the gradients and broadcasts the parameters. Both give the same bits
     * (see spark/README.md).
     */
    public Param<String> synchronization() {
        return synchronization;
    }

    public String getSynchronization() {
        return $(synchronization);
    }

    public LanesClassifier setSynchronization(String value) {
        return (LanesClassifier) set(synchronization, value);
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

    public LanesClassifier setLayers(int[] value) {
        return (LanesClassifier) set(layers, value);
    }

    public LanesClassifier setMaxIter(int value) {
        return (LanesClassifier) set(maxIter, value);
    }

    public LanesClassifier setBatchSize(int value) {
        return (LanesClassifier) set(batchSize, value);
    }

    public LanesClassifier setStepSize(double value) {
        return (LanesClassifier) set(stepSize, value);
    }

    public LanesClassifier setSolver(String value) {
        return (LanesClassifier) set(solver, value);
    }

    public LanesClassifier setActivation(String value) {
        return (LanesClassifier) set(activation, value);
    }

    public LanesClassifier setSeed(long value) {
        return (LanesClassifier) set(seed, value);
    }

    @Override
    public LanesClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public LanesClassificationModel train(Dataset<?> dataset) {
        int[] sizes = checkedLayers();
        float[] params = trainNetwork(dataset, getFeaturesCol(), getLabelCol(), Specs.classifier(sizes, getActivation()),
                sizes[sizes.length - 1], getSolver(), getStepSize(), getBatchSize(), getMaxIter(), getSeed(), getSynchronization());
        LanesClassificationModel model = new LanesClassificationModel(uid, sizes, getActivation(), params);
        return copyValues(model, ParamMap.empty());
    }

    /**
     * Trains {@code spec} on {@code dataset} data-parallel, as both estimators do.
     *
     * @param classes the classes of a classifier, or {@link TrainingData#REGRESSION}
     * @return the trained flat parameters
     */
    static float[] trainNetwork(Dataset<?> dataset, String featuresCol, String labelCol, NetworkSpec spec, int classes,
                                String solver, double stepSize, int batchSize, int maxIter, long seed, String synchronization) {
        int[] sizes = spec.sizes();
        Supplier<Optimizer> optimizer = optimizer(solver, (float) stepSize);
        if (maxIter < 1) {
            throw new IllegalArgumentException("maxIter must be >= 1 but was " + maxIter);
        }
        String sync = synchronization.toLowerCase(Locale.ROOT);
        if (!sync.equals("sliced") && !sync.equals("driver")) {
            throw new IllegalArgumentException("synchronization must be sliced or driver but was '" + synchronization + "'");
        }
        int p = dataset.rdd().getNumPartitions();
        checkBatch(batchSize, p);
        if (sync.equals("sliced")) {
            DataParallelTrainer.checkSlots(dataset.sparkSession().sparkContext(), p);
        }
        JavaRDD<Shard> shards = TrainingData.shards(dataset, featuresCol, labelCol, sizes[0], classes, p)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            int[] rows = TrainingData.validate(shards, featuresCol, labelCol, sizes[0], classes);
            Network net = Network.create(spec, seed);
            DataParallelTrainer trainer = new DataParallelTrainer(shards, rows, spec, batchSize, maxIter, seed, optimizer);
            if (sync.equals("sliced")) {
                trainer.fitSliced(net, solver, (float) stepSize);
            } else {
                trainer.fit(net);
            }
            return FlatParameters.read(net);
        } finally {
            shards.unpersist(false);
        }
    }

    private int[] checkedLayers() {
        if (!isDefined(layers)) {
            throw new IllegalArgumentException("layers must be set, e.g. setLayers(new int[] {784, 256, 10})");
        }
        int[] sizes = getLayers();
        if (sizes.length < 2) {
            throw new IllegalArgumentException("layers needs at least an input and an output width but has " + sizes.length);
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("layers[" + i + "] must be >= 1 but is " + sizes[i]);
            }
        }
        if (sizes[sizes.length - 1] < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes; layers ends in " + sizes[sizes.length - 1]);
        }
        Specs.activation(getActivation());
        return sizes.clone();
    }

    static void checkBatch(int batch, int partitions) {
        if (batch < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 but was " + batch);
        }
        if (batch % partitions != 0) {
            int below = batch / partitions * partitions;
            throw new IllegalArgumentException("batchSize " + batch + " is not a multiple of the " + partitions
                    + " partitions of the training data: each partition takes batchSize/partitions rows per step; use "
                    + (below > 0 ? below + " or " : "") + (below + partitions) + ", or repartition the data");
        }
    }

    static Supplier<Optimizer> optimizer(String solver, float lr) {
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("stepSize must be finite and > 0 but was " + lr);
        }
        return switch (solver.toLowerCase(Locale.ROOT)) {
            case "sgd" -> () -> new Sgd(lr);
            case "adam" -> () -> new Adam(lr);
            default -> throw new IllegalArgumentException("solver must be sgd or adam but was '" + solver + "'");
        };
    }

    /** Reads an estimator saved with {@code write().save(path)}. */
    public static MLReader<LanesClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /** {@code read().load(path)}. */
    public static LanesClassifier load(String path) {
        return read().load(path);
    }
}
