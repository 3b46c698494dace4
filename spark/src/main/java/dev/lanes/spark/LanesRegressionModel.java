package dev.lanes.spark;

import dev.lanes.io.StoredModel;
import dev.lanes.nn.Network;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A Lanes regressor trained by {@link LanesRegressor}: {@code transform} adds the prediction column
 * (the network's one output, as a double), running the network over blocks of up to 1,024 rows of
 * each partition. Persists like {@link LanesClassificationModel}: Spark's parameter metadata under
 * {@code path/metadata}, the network as a Lanes model file under {@code path/data/model.lanes}.
 */
public final class LanesRegressionModel extends RegressionModel<Vector, LanesRegressionModel> implements MLWritable {

    private static final long serialVersionUID = 1L;
    private static final int BLOCK = 1024;

    private final String uid;
    private final IntArrayParam layers;
    private final Param<String> activation;
    /** Flat parameters, per layer W (row-major) then b. */
    private final float[] parameters;
    /** Per-thread networks (not thread-safe), rebuilt lazily after deserialization. */
    private transient ThreadLocal<Network> nets;

    LanesRegressionModel(String uid, int[] sizes, String hidden, float[] parameters) {
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

    /** Layer widths, input first, 1 last. */
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

    /** The trained network as a Lanes {@link Network} (a fresh copy, identity output, MSE). */
    public Network network() {
        Network net = Network.create(Specs.regressor(getLayers(), getActivation()), 0);
        FlatParameters.write(parameters, net);
        return net;
    }

    @Override
    public int numFeatures() {
        return getLayers()[0];
    }

    private Network net() {
        if (nets == null) {
            synchronized (this) {
                if (nets == null) {
                    nets = ThreadLocal.withInitial(this::network);
                }
            }
        }
        return nets.get();
    }

    @Override
    public double predict(Vector features) {
        int n = numFeatures();
        if (features.size() != n) {
            throw new IllegalArgumentException("features vector has width " + features.size() + " but the model takes " + n);
        }
        float[] x = new float[n];
        for (int j = 0; j < n; j++) {
            x[j] = (float) features.apply(j);
        }
        return net().predict(x, 1)[0];
    }

    /** Adds the prediction column, one batched forward pass per block of rows. */
    @Override
    public org.apache.spark.sql.Dataset<Row> transform(org.apache.spark.sql.Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        if (getPredictionCol().isEmpty()) {
            return dataset.toDF();
        }
        int featureIndex = dataset.schema().fieldIndex(getFeaturesCol());
        LanesRegressionModel model = this;
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
                model.predictBlock(in, featureIndex, done);
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

    private void predictBlock(List<Row> in, int featureIndex, List<Row> out) {
        int n = numFeatures();
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
        float[] z = net().predict(x, in.size());
        for (int r = 0; r < in.size(); r++) {
            Row row = in.get(r);
            Object[] values = new Object[row.size() + 1];
            for (int c = 0; c < row.size(); c++) {
                values[c] = row.get(c);
            }
            values[row.size()] = (double) z[r];
            out.add(RowFactory.create(values));
        }
    }

    @Override
    public LanesRegressionModel copy(ParamMap extra) {
        LanesRegressionModel m = new LanesRegressionModel(uid, getLayers(), getActivation(), parameters);
        return copyValues(m, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Reads a model saved with {@code write().save(path)}. */
    public static MLReader<LanesRegressionModel> read() {
        return new Reader();
    }

    /** {@code read().load(path)}. */
    public static LanesRegressionModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "LanesRegressionModel: uid=" + uid + ", layers=" + java.util.Arrays.toString(getLayers())
                + ", activation=" + getActivation();
    }

    private static final class Writer extends MLWriter {
        private final LanesRegressionModel model;

        Writer(LanesRegressionModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
            ModelFiles.save(model.network(), List.of("prediction"),
                    Map.of("written by", "dev.lanes.spark.LanesRegressionModel", "uid", model.uid()), path,
                    sc().hadoopConfiguration());
        }
    }

    private static final class Reader extends MLReader<LanesRegressionModel> {
        @Override
        public LanesRegressionModel load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                    LanesRegressionModel.class.getName());
            StoredModel stored = ModelFiles.load(path, sc().hadoopConfiguration());
            String out = ModelFiles.output(stored);
            int[] sizes = stored.sizes();
            if (!"identity".equals(out) || sizes[sizes.length - 1] != 1) {
                throw new IllegalArgumentException(path + ": the stored network has " + sizes[sizes.length - 1] + " " + out
                        + " output(s), not one identity output");
            }
            LanesRegressionModel model = new LanesRegressionModel(meta.uid(), sizes, ModelFiles.hidden(stored),
                    ModelFiles.flat(stored));
            meta.getAndSetParams(model, meta.getAndSetParams$default$2());
            return model;
        }
    }
}
