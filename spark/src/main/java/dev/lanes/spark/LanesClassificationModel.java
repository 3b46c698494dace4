package dev.lanes.spark;

import dev.lanes.io.StoredModel;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;

import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

import java.util.Iterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Lanes classifier trained by {@link LanesClassifier}. {@code transform} adds
 * {@code rawPrediction} (the output layer's pre-softmax values, one per class), {@code probability}
 * (their softmax) and {@code prediction} (the class index of the largest probability), as MLlib's
 * {@code MultilayerPerceptronClassificationModel} does.
 *
 * <p>Persistence: {@code write().save(path)} stores Spark's usual parameter metadata under
 * {@code path/metadata} and the network in Lanes' own model file format under
 * {@code path/data/model.lanes} (readable by the {@code lanes} command and {@code ModelFile});
 * {@link #load} reads both back.
 */
public final class LanesClassificationModel
        extends ProbabilisticClassificationModel<Vector, LanesClassificationModel> implements MLWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final IntArrayParam layers;
    private final Param<String> activation;
    /** Flat parameters, per layer W (row-major) then b. */
    private final float[] parameters;
    /** Per-thread networks (not thread-safe), rebuilt lazily after deserialization. */
    private transient ThreadLocal<Network> logits;

    LanesClassificationModel(String uid, int[] sizes, String hidden, float[] parameters) {
        // Set before the Spark parent constructors create their params, which read uid().
        this.uid = uid;
        super();
        this.layers = new IntArrayParam(this, "layers", "layer widths from the input to the output layer");
        this.activation = new Param<>(this, "activation", "activation of the hidden layers: sigmoid, tanh or relu");
        set(layers, sizes.clone());
        set(activation, hidden);
        if (parameters.length != FlatParameters.count(sizes)) {
            throw new IllegalArgumentException("layers " + java.util.Arrays.toString(sizes) + " need "
                    + FlatParameters.count(sizes) + " parameters but " + parameters.length + " were given");
        }
        this.parameters = parameters.clone();
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Layer widths, input first. */
    public IntArrayParam layers() {
        return layers;
    }

    /** Hidden-layer activation. */
    public Param<String> activation() {
        return activation;
    }

    public int[] getLayers() {
        return $(layers);
    }

    public String getActivation() {
        return $(activation);
    }

    /** A copy of the flat parameters: for each layer W (m_ℓ×m_{ℓ−1}, row-major) then b (m_ℓ). */
    public float[] parameters() {
        return parameters.clone();
    }

    /** The trained network as a Lanes {@link Network} (a fresh copy, softmax output). */
    public Network network() {
        Network net = Network.create(Specs.classifier(getLayers(), getActivation()), 0);
        FlatParameters.write(parameters, net);
        return net;
    }

    @Override
    public int numClasses() {
        int[] s = getLayers();
        return s[s.length - 1];
    }

    @Override
    public int numFeatures() {
        return getLayers()[0];
    }

    /**
     * The same weights with an identity output and MSE loss, so that a forward pass returns the
     * output layer's pre-softmax values (the raw prediction) exactly.
     */
    private Network logitsNetwork() {
        if (logits == null) {
            synchronized (this) {
                if (logits == null) {
                    logits = ThreadLocal.withInitial(() -> {
                        int[] s = getLayers();
                        Activation[] acts = new Activation[s.length - 1];
                        java.util.Arrays.fill(acts, Specs.activation(getActivation()));
                        acts[acts.length - 1] = Activation.IDENTITY;
                        Network net = Network.create(NetworkSpec.of(s, acts, Loss.MSE), 0);
                        FlatParameters.write(parameters, net);
                        return net;
                    });
                }
            }
        }
        return logits.get();
    }

    /**
     * Raw predictions of {@code rows} examples at once: {@code x} is rows×numFeatures row-major,
     * the result rows×numClasses row-major. Used by {@link #transform} over blocks of rows.
     */
    float[] predictRawBlock(float[] x, int rows) {
        return logitsNetwork().predict(x, rows);
    }

    @Override
    public Vector predictRaw(Vector features) {
        int n = numFeatures();
        if (features.size() != n) {
            throw new IllegalArgumentException("features vector has width " + features.size() + " but the model takes " + n);
        }
        float[] x = new float[n];
        for (int j = 0; j < n; j++) {
            x[j] = (float) features.apply(j);
        }
        float[] z = predictRawBlock(x, 1);
        double[] raw = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            raw[j] = z[j];
        }
        return Vectors.dense(raw);
    }

    /**
     * Adds the output columns by running the network over blocks of up to {@value #BLOCK} rows of
     * each partition (one batched forward pass per block), rather than row by row.
     */
    @Override
    public org.apache.spark.sql.Dataset<Row> transform(org.apache.spark.sql.Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        String raw = getRawPredictionCol();
        String prob = getProbabilityCol();
        String pred = getPredictionCol();
        if (raw.isEmpty() && prob.isEmpty() && pred.isEmpty()) {
            return dataset.toDF();
        }
        int featureIndex = dataset.schema().fieldIndex(getFeaturesCol());
        // The added columns, in the order transformSchema appended them: 0 raw, 1 probability, 2 prediction.
        int[] added = new int[out.size() - dataset.schema().size()];
        for (int i = 0; i < added.length; i++) {
            String name = out.fields()[dataset.schema().size() + i].name();
            added[i] = name.equals(raw) ? 0 : name.equals(prob) ? 1 : 2;
        }
        LanesClassificationModel model = this;
        return dataset.toDF().mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Iterator<>() {
            private final List<Row> in = new ArrayList<>(BLOCK);
            private final List<Row> done = new ArrayList<>(BLOCK);
            private int next;

            @Override
            public boolean hasNext() {
                if (next < done.size()) {
                    return true;
                }
                done.clear();
                in.clear();
                next = 0;
                while (in.size() < BLOCK && rows.hasNext()) {
                    in.add(rows.next());
                }
                if (in.isEmpty()) {
                    return false;
                }
                model.predictBlock(in, featureIndex, added, done);
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return done.get(next++);
            }
        }, Encoders.row(out));
    }

    private static final int BLOCK = 1024;

    private void predictBlock(List<Row> in, int featureIndex, int[] added, List<Row> out) {
        int n = numFeatures();
        int k = numClasses();
        float[] x = new float[in.size() * n];
        for (int r = 0; r < in.size(); r++) {
            Row row = in.get(r);
            Vector v = row.isNullAt(featureIndex) ? null : (Vector) row.get(featureIndex);
            if (v == null || v.size() != n) {
                throw new IllegalArgumentException("features column '" + getFeaturesCol() + "': a row has "
                        + (v == null ? "no vector" : "a vector of width " + v.size()) + " but the model takes " + n);
            }
            int base = r * n;
            v.foreachActive((j, value) -> {
                x[base + (Integer) j] = (float) (double) (Double) value;
                return scala.runtime.BoxedUnit.UNIT;
            });
        }
        float[] z = predictRawBlock(x, in.size());
        for (int r = 0; r < in.size(); r++) {
            Row row = in.get(r);
            double[] rawValues = new double[k];
            for (int j = 0; j < k; j++) {
                rawValues[j] = z[r * k + j];
            }
            Vector rawVec = Vectors.dense(rawValues);
            Vector probVec = raw2probabilityInPlace(Vectors.dense(rawValues.clone()));
            List<Object> values = new ArrayList<>(row.size() + 3);
            for (int c = 0; c < row.size(); c++) {
                values.add(row.get(c));
            }
            for (int kind : added) {
                values.add(kind == 0 ? rawVec : kind == 1 ? probVec : (Object) probability2prediction(probVec));
            }
            out.add(RowFactory.create(values.toArray()));
        }
    }

    @Override
    public Vector raw2probabilityInPlace(Vector raw) {
        if (!(raw instanceof DenseVector dv)) {
            throw new IllegalArgumentException("raw predictions must be dense, got " + raw.getClass().getSimpleName());
        }
        double[] v = dv.values();
        double max = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            max = Math.max(max, d);
        }
        double sum = 0;
        for (int j = 0; j < v.length; j++) {
            v[j] = Math.exp(v[j] - max);
            sum += v[j];
        }
        for (int j = 0; j < v.length; j++) {
            v[j] /= sum;
        }
        return dv;
    }

    @Override
    public LanesClassificationModel copy(ParamMap extra) {
        LanesClassificationModel m = new LanesClassificationModel(uid, getLayers(), getActivation(), parameters);
        return copyValues(m, extra).setParent(parent());
    }

    /**
     * Spark's two parent classes declare this with different generic return types, which Java,
     * unlike Scala, does not merge by itself; the probabilistic parent's version is the one meant.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Reads a model saved with {@code write().save(path)}. */
    public static MLReader<LanesClassificationModel> read() {
        return new Reader();
    }

    /** {@code read().load(path)}. */
    public static LanesClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "LanesClassificationModel: uid=" + uid + ", layers=" + java.util.Arrays.toString(getLayers())
                + ", activation=" + getActivation();
    }

    private static final class Writer extends MLWriter {
        private final LanesClassificationModel model;

        Writer(LanesClassificationModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
            List<String> classes = new ArrayList<>();
            for (int c = 0; c < model.numClasses(); c++) {
                classes.add(Integer.toString(c));
            }
            ModelFiles.save(model.network(), classes,
                    Map.of("written by", "dev.lanes.spark.LanesClassificationModel", "uid", model.uid()), path,
                    sc().hadoopConfiguration());
        }
    }

    private static final class Reader extends MLReader<LanesClassificationModel> {
        @Override
        public LanesClassificationModel load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                    LanesClassificationModel.class.getName());
            StoredModel stored = ModelFiles.load(path, sc().hadoopConfiguration());
            String out = ModelFiles.output(stored);
            if (!"softmax".equals(out)) {
                throw new IllegalArgumentException(path + ": the stored network has a " + out + " output, not softmax");
            }
            String hidden = ModelFiles.hidden(stored);
            float[] flat = ModelFiles.flat(stored);
            LanesClassificationModel model = new LanesClassificationModel(meta.uid(), stored.sizes(), hidden, flat);
            meta.getAndSetParams(model, meta.getAndSetParams$default$2());
            return model;
        }
    }
}
