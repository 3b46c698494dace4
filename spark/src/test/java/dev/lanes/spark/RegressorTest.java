package dev.lanes.spark;

import dev.lanes.data.Dataset;
import dev.lanes.nn.Network;
import dev.lanes.optim.Adam;
import dev.lanes.train.Trainer;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LanesRegressor on y = w·x + b + noise: against the library's Trainer, fit quality, persistence. */
class RegressorTest {

    private static final int FEATURES = 8;
    private static final int ROWS = 600;
    private static final double NOISE = 0.05;
    private static final int[] SIZES = {FEATURES, 16, 1};

    /** Features uniform in [-1, 1], target 0.5·x0 − x1 + 0.25·x2 + … + 0.3 plus Gaussian noise. */
    private static Dataset linear(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[ROWS * FEATURES];
        float[] y = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            double t = 0.3;
            for (int j = 0; j < FEATURES; j++) {
                float v = (float) rnd.nextDouble(-1, 1);
                x[i * FEATURES + j] = v;
                t += v * (j % 2 == 0 ? 0.5 : -1.0) / (1 + j / 2);
            }
            y[i] = (float) (t + NOISE * rnd.nextGaussian());
        }
        return Dataset.ofTargets("linear", x, FEATURES, y, 1);
    }

    private static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset d, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            double[] f = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                f[j] = d.feature(i, j);
            }
            rows.add(RowFactory.create(Vectors.dense(f), (double) d.target(i, 0)));
        }
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
                SparkTests.SCHEMA);
    }

    private static LanesRegressor regressor() {
        return new LanesRegressor().setLayers(SIZES).setActivation("tanh").setSolver("adam").setStepSize(0.01)
                .setBatchSize(32).setMaxIter(30).setSeed(3);
    }

    @Test
    void onePartitionIsTheLibrarysTrainerBitForBit() {
        SparkSession spark = SparkTests.local();
        Dataset d = linear(1);
        LanesRegressionModel m = regressor().setMaxIter(3).fit(frame(spark, d, 1));
        Network net = Network.create(Specs.regressor(SIZES, "tanh"), 3);
        Trainer.builder().epochs(3).batchSize(32).seed(3).optimizer(new Adam(0.01f)).build().fit(net, d, null);
        assertArrayEquals(FlatParameters.read(net), m.parameters(), 0f);
    }

    @Test
    void twoPartitionsFitTheLinearFunctionAndPersist(@TempDir Path dir) throws java.io.IOException {
        SparkSession spark = SparkTests.local();
        Dataset d = linear(1);
        org.apache.spark.sql.Dataset<Row> train = frame(spark, d, 2);
        LanesRegressionModel m = regressor().fit(train);

        // Same batches on one machine: equal up to the rounding of the two-partition gradient sum.
        Network net = Network.create(Specs.regressor(SIZES, "tanh"), 3);
        Reference.train(net, d, 2, 32, 3, 30, new Adam(0.01f));
        float[] ref = FlatParameters.read(net);
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs((double) ref[i] - m.parameters()[i]));
        }
        System.out.printf("regressor, 2 partitions, 30 epochs: max |w_spark - w_one| = %.3g%n", worst);
        assertTrue(worst <= 1e-3, "weights differ from one machine by " + worst);

        // Unseen rows of the same function: the error is near the noise.
        Dataset test = linear(2);
        List<Row> out = m.transform(frame(spark, test, 2)).select("label", "prediction").collectAsList();
        double se = 0;
        for (Row r : out) {
            double e = r.getDouble(0) - r.getDouble(1);
            se += e * e;
        }
        double rmse = Math.sqrt(se / out.size());
        System.out.printf("regressor test RMSE %.4f (noise %.2f)%n", rmse, NOISE);
        assertTrue(rmse < 3 * NOISE, "test RMSE " + rmse);
        // One row alone takes another GEMM path than a block: equal up to float rounding.
        assertEquals(out.get(7).getDouble(1), m.predict(Vectors.dense(features(test, 7))), 1e-6);

        String path = dir.resolve("regressor").toString();
        m.write().save(path);
        LanesRegressionModel back = LanesRegressionModel.load(path);
        assertArrayEquals(m.parameters(), back.parameters(), 0f);
        assertEquals(m.uid(), back.uid());
        List<Row> again = back.transform(frame(spark, test, 2)).select("prediction").collectAsList();
        for (int i = 0; i < out.size(); i++) {
            assertEquals(out.get(i).getDouble(1), again.get(i).getDouble(0), 0.0);
        }
    }

    @Test
    void badLabelsAndLayers() {
        SparkSession spark = SparkTests.local();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(RowFactory.create(Vectors.dense(new double[FEATURES]), i == 13 ? Double.NaN : 1.0));
        }
        var df = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2),
                SparkTests.SCHEMA);
        String m = assertThrows(IllegalArgumentException.class, () -> regressor().setMaxIter(1).fit(df)).getMessage();
        assertTrue(m.contains("label column 'label'") && m.contains("1 of 40 rows") && m.contains("row 13"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> regressor().setLayers(new int[] {FEATURES, 2}).fit(df)).getMessage();
        assertTrue(m.contains("must end in 1"), m);
    }

    private static double[] features(Dataset d, int row) {
        double[] f = new double[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            f[j] = d.feature(row, j);
        }
        return f;
    }
}
