package dev.lanes.spark;

import dev.lanes.data.Dataset;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/** One local Spark session per test JVM, and DataFrames built from Lanes datasets. */
final class SparkTests {

    private static SparkSession session;

    private SparkTests() {
    }

    /** A {@code local[2]} session shared by the tests of this JVM. */
    static synchronized SparkSession local() {
        if (session == null || session.sparkContext().isStopped()) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("lanes-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    static final StructType SCHEMA = new StructType()
            .add("features", SQLDataTypes.VectorType())
            .add("label", DataTypes.DoubleType);

    /** The rows of {@code d} in order, as (features, label), in {@code partitions} contiguous slices. */
    static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset d, int partitions) {
        List<Row> rows = new ArrayList<>(d.size());
        for (int i = 0; i < d.size(); i++) {
            double[] f = new double[d.features()];
            for (int j = 0; j < f.length; j++) {
                f[j] = d.feature(i, j);
            }
            rows.add(RowFactory.create(Vectors.dense(f), (double) d.label(i)));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, partitions), SCHEMA);
    }
}
