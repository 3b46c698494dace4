package dev.lanes.spark;

import dev.lanes.data.Dataset;
import dev.lanes.data.Datasets;
import dev.lanes.io.ModelFile;
import dev.lanes.io.StoredModel;
import dev.lanes.nn.Network;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** transform, persistence and Pipeline use of the estimator, on the built-in digits. */
class ModelTest {

    private static Dataset train;
    private static Dataset test;
    private static LanesClassificationModel model;

    @BeforeAll
    static void fit() {
        Dataset.Split split = Datasets.digits().split(0.25, 42);
        train = split.first();
        test = split.second();
        model = new LanesClassifier().setLayers(new int[] {64, 64, 10}).setActivation("relu").setSolver("adam")
                .setStepSize(0.005).setBatchSize(64).setMaxIter(10).setSeed(3)
                .fit(SparkTests.frame(SparkTests.local(), train, 2));
    }

    @Test
    void transformAddsColumnsAgreeingWithTheLanesNetwork() {
        List<Row> out = model.transform(SparkTests.frame(SparkTests.local(), test, 2))
                .select("features", "label", "rawPrediction", "probability", "prediction").collectAsList();
        assertEquals(test.size(), out.size());
        Network net = model.network();
        int correct = 0;
        for (int i = 0; i < out.size(); i++) {
            Row r = out.get(i);
            float[] x = new float[64];
            Vector f = (Vector) r.get(0);
            for (int j = 0; j < 64; j++) {
                x[j] = (float) f.apply(j);
            }
            float[] p = net.predict(x, 1);
            Vector prob = (Vector) r.get(3);
            double sum = 0;
            for (int j = 0; j < 10; j++) {
                assertEquals(p[j], prob.apply(j), 1e-5, "row " + i + " class " + j);
                sum += prob.apply(j);
            }
            assertEquals(1.0, sum, 1e-9);
            assertEquals(prob.argmax(), r.getDouble(4), 0.0);
            assertEquals(((Vector) r.get(2)).argmax(), prob.argmax());
            // Row-at-a-time prediction (Spark's predictRaw path) gives the same raw values up to
            // rounding: a one-row GEMM takes its own code path, summing in another order.
            assertArrayEquals(((Vector) r.get(2)).toArray(), model.predictRaw(f).toArray(), 1e-5);
            if (r.getDouble(4) == r.getDouble(1)) {
                correct++;
            }
        }
        double acc = (double) correct / out.size();
        System.out.printf("digits test accuracy %.4f%n", acc);
        assertTrue(acc > 0.93, "accuracy " + acc);
    }

    @Test
    void saveAndLoadGiveTheSamePredictions(@TempDir Path dir) throws Exception {
        String path = dir.resolve("model").toString();
        model.write().overwrite().save(path);
        LanesClassificationModel loaded = LanesClassificationModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertArrayEquals(model.getLayers(), loaded.getLayers());
        assertEquals(model.getActivation(), loaded.getActivation());
        assertArrayEquals(model.parameters(), loaded.parameters(), 0f);
        List<Row> a = model.transform(SparkTests.frame(SparkTests.local(), test, 2)).select("probability", "prediction").collectAsList();
        List<Row> b = loaded.transform(SparkTests.frame(SparkTests.local(), test, 2)).select("probability", "prediction").collectAsList();
        assertEquals(a, b);
        // The weights are an ordinary Lanes model file.
        StoredModel stored = ModelFile.readModel(dir.resolve("model").resolve("data").resolve("model.lanes"));
        assertArrayEquals(new int[] {64, 64, 10}, stored.sizes());
        assertArrayEquals(model.network().weights(1), stored.layers().get(1).weights(), 0f);

        String est = dir.resolve("estimator").toString();
        LanesClassifier c = new LanesClassifier().setLayers(new int[] {4, 3, 2}).setSolver("adam").setBatchSize(10);
        c.write().save(est);
        LanesClassifier c2 = LanesClassifier.load(est);
        assertArrayEquals(c.getLayers(), c2.getLayers());
        assertEquals("adam", c2.getSolver());
        assertEquals(10, c2.getBatchSize());
    }

    @Test
    void worksInAPipelineAfterVectorAssemblerAndStandardScaler(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTests.local();
        StructType schema = new StructType();
        String[] names = new String[64];
        for (int j = 0; j < 64; j++) {
            names[j] = "px" + j;
            schema = schema.add(names[j], DataTypes.DoubleType);
        }
        schema = schema.add("digit", DataTypes.IntegerType);
        org.apache.spark.sql.Dataset<Row> trainDf = spark.createDataFrame(columns(train), schema).repartition(2);
        org.apache.spark.sql.Dataset<Row> testDf = spark.createDataFrame(columns(test), schema);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(names).setOutputCol("raw"),
            new StandardScaler().setInputCol("raw").setOutputCol("scaled").setWithMean(true).setWithStd(true),
            new LanesClassifier().setFeaturesCol("scaled").setLabelCol("digit").setLayers(new int[] {64, 32, 10})
                    .setActivation("tanh").setSolver("sgd").setStepSize(0.2).setBatchSize(64).setMaxIter(10).setSeed(5)
        });
        PipelineModel pm = pipeline.fit(trainDf);
        double acc = accuracy(pm.transform(testDf));
        System.out.printf("pipeline digits test accuracy %.4f%n", acc);
        assertTrue(acc > 0.93, "accuracy " + acc);

        String path = dir.resolve("pipeline").toString();
        pm.write().save(path);
        PipelineModel back = PipelineModel.load(path);
        assertEquals(pm.transform(testDf).select("prediction").collectAsList(),
                back.transform(testDf).select("prediction").collectAsList());
    }

    private static double accuracy(org.apache.spark.sql.Dataset<Row> predictions) {
        List<Row> rows = predictions.select("digit", "prediction").collectAsList();
        long ok = rows.stream().filter(r -> r.getInt(0) == (int) r.getDouble(1)).count();
        return (double) ok / rows.size();
    }

    private static List<Row> columns(Dataset d) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            Object[] v = new Object[d.features() + 1];
            for (int j = 0; j < d.features(); j++) {
                v[j] = (double) d.feature(i, j);
            }
            v[d.features()] = d.label(i);
            rows.add(RowFactory.create(v));
        }
        return rows;
    }
}
