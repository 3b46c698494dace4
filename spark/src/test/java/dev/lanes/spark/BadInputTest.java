package dev.lanes.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad training input fails with an IllegalArgumentException naming the column, count and row, before any step. */
class BadInputTest {

    private static org.apache.spark.sql.Dataset<Row> frame(int rows, IntFunction<Row> make) {
        SparkSession spark = SparkTests.local();
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(make.apply(i));
        }
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(list, 2),
                SparkTests.SCHEMA);
    }

    private static Row good(int i) {
        return RowFactory.create(Vectors.dense(i % 3, 1, -1, 0.5), (double) (i % 3));
    }

    private static LanesClassifier classifier() {
        return new LanesClassifier().setLayers(new int[] {4, 5, 3}).setBatchSize(10).setMaxIter(1);
    }

    private static String fails(org.apache.spark.sql.Dataset<Row> df) {
        return assertThrows(IllegalArgumentException.class, () -> classifier().fit(df)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "message lacks '" + p + "': " + message);
        }
    }

    @Test
    void wrongFeatureWidth() {
        String m = fails(frame(100, i -> i == 17 || i == 60
                ? RowFactory.create(Vectors.dense(1, 2, 3), 0.0) : good(i)));
        assertMentions(m, "features column 'features'", "2 of 100 rows", "width 4", "row 17", "width 3");
    }

    @Test
    void labelOutsideTheClasses() {
        for (double bad : new double[] {3, -1, 1.5, Double.NaN}) {
            String m = fails(frame(50, i -> i == 41 ? RowFactory.create(Vectors.dense(1, 2, 3, 4), bad) : good(i)));
            assertMentions(m, "label column 'label'", "1 of 50 rows", "[0, 3)", "row 41", "label " + bad);
        }
    }

    @Test
    void nanOrInfinityInAFeatureVector() {
        String m = fails(frame(30, i -> i >= 28 ? RowFactory.create(Vectors.dense(1, Double.NaN, 3, 4), 0.0) : good(i)));
        assertMentions(m, "features column 'features'", "2 of 30 rows", "NaN", "row 28", "element 1");
        m = fails(frame(30, i -> i == 5 ? RowFactory.create(Vectors.dense(1, 2, 1e300, 4), 0.0) : good(i)));
        assertMentions(m, "1 of 30 rows", "row 5", "element 2");
    }

    @Test
    void batchNotAMultipleOfThePartitions() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> classifier().setBatchSize(11).fit(frame(40, BadInputTest::good))).getMessage();
        assertMentions(m, "batchSize 11", "2 partitions", "10 or 12");
    }

    @Test
    void morePartitionsThanTaskSlots() {
        SparkSession spark = SparkTests.local();   // local[2]: two task slots
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            list.add(good(i));
        }
        var df = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(list, 3),
                SparkTests.SCHEMA);
        String m = assertThrows(IllegalArgumentException.class, () -> classifier().setBatchSize(9).fit(df)).getMessage();
        assertMentions(m, "synchronization=sliced", "all 3 partitions", "2 free task slots", "synchronization=driver");
        // The driver mode runs a job per step and needs no more than one slot.
        classifier().setBatchSize(9).setSynchronization("driver").fit(df);
    }

    @Test
    void badParameters() {
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> new LanesClassifier().fit(frame(10, BadInputTest::good))).getMessage(), "layers must be set");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> classifier().setSolver("lbfgs").fit(frame(10, BadInputTest::good))).getMessage(), "sgd or adam");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> classifier().setActivation("softmax").fit(frame(10, BadInputTest::good))).getMessage(), "sigmoid, tanh, relu");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> classifier().setSynchronization("barrier").fit(frame(10, BadInputTest::good))).getMessage(),
                "sliced or driver");
    }
}
