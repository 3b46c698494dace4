package dev.lanes.spark;

import dev.lanes.data.Dataset;
import dev.lanes.data.Datasets;
import dev.lanes.nn.Network;
import dev.lanes.optim.Sgd;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training with executors in separate JVMs ({@code local-cluster[2,1,1024]}), so every shard,
 * broadcast, gradient and parameter slice really crosses a process boundary: the result must still be the
 * single-machine result of the same batches. Uses the Spark installation the build assembles in
 * target/spark-home.
 */
class LocalClusterTest {

    /** A hang guard, not a speed check: a lost block would otherwise wait for the exchange timeout. */
    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void separateExecutorJvmsTrainLikeOneMachine() throws Exception {
        Path home = Path.of("target", "spark-home").toAbsolutePath();
        assertTrue(Files.isDirectory(home.resolve("jars")), "the build fills " + home + "/jars");
        // Spark's launcher takes SPARK_HOME/jars as the class path of an installation with a RELEASE file.
        Files.writeString(home.resolve("RELEASE"), "Spark jars assembled by the lanes-spark build\n");
        List<String> cp = new ArrayList<>();
        cp.add(Path.of("target", "classes").toAbsolutePath().toString());
        cp.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.contains("lanes-0") || e.contains("junit")) {
                cp.add(e);
            }
        }
        SparkSession existing = SparkSession.getActiveSession().getOrElse(() -> null);
        if (existing != null) {
            existing.stop();
        }
        SparkSession spark = SparkSession.builder()
                .master("local-cluster[2,1,1024]")
                .appName("lanes-spark-local-cluster")
                .config("spark.home", home.toString())
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executor.extraClassPath", String.join(File.pathSeparator, cp))
                .config("spark.executor.extraJavaOptions", System.getProperty("spark.test.jvmFlags", ""))
                .config("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"))
                .getOrCreate();
        try {
            int[] sizes = {64, 32, 10};
            Dataset d = Datasets.digits();
            LanesClassifier lanes = new LanesClassifier().setLayers(sizes).setSolver("sgd").setStepSize(0.1)
                    .setBatchSize(64).setMaxIter(2).setSeed(11);
            // Sliced (the default): gradient and parameter slices travel between the executors'
            // block managers; driver: gradients and parameters travel through the driver.
            LanesClassificationModel m = lanes.fit(SparkTests.frame(spark, d, 2));
            LanesClassificationModel viaDriver = lanes.copy(org.apache.spark.ml.param.ParamMap.empty())
                    .setSynchronization("driver").fit(SparkTests.frame(spark, d, 2));
            assertArrayEquals(viaDriver.parameters(), m.parameters(), 0f, "sliced vs driver across executor JVMs");
            Network net = Network.create(Specs.classifier(sizes, "sigmoid"), 11);
            Reference.train(net, d, 2, 64, 11, 2, new Sgd(0.1f));
            float[] ref = FlatParameters.read(net);
            float[] got = m.parameters();
            double worst = 0;
            for (int i = 0; i < ref.length; i++) {
                worst = Math.max(worst, Math.abs((double) ref[i] - got[i]));
            }
            System.out.printf("local-cluster: max |w_spark - w_one| = %.3g%n", worst);
            assertTrue(worst <= 1e-4, "weights differ by " + worst);
        } finally {
            spark.stop();
        }
    }
}
