package dev.lanes.spark;

import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Sgd;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Side-by-side throughput of Lanes on Spark and Spark MLlib's MultilayerPerceptronClassifier on
 * the same random data, network, partitions and cores, interleaved in one JVM and repeated; prints
 * medians. Not a test: run it by hand (see spark/README.md).
 *
 * <p>Arguments (all optional): rows (20000), rounds (3), master (local[2]).
 */
public final class SparkBench {

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String master = args.length > 2 ? args[2] : "local[2]";
        int[] sizes = {784, 256, 10};
        int batch = 1024;
        int partitions = 2;
        SparkSession spark = SparkSession.builder().master(master).appName("lanes-spark-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        SplittableRandom rnd = new SplittableRandom(1);
        List<Row> data = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            double[] f = new double[784];
            for (int j = 0; j < f.length; j++) {
                f[j] = rnd.nextDouble();
            }
            data.add(RowFactory.create(Vectors.dense(f), (double) rnd.nextInt(10)));
        }
        var all = spark.createDataFrame(jsc.parallelize(data, partitions), SparkTests.SCHEMA).cache();
        var oneBatch = spark.createDataFrame(jsc.parallelize(data.subList(0, batch), partitions), SparkTests.SCHEMA).cache();
        System.out.printf("rows %d (x 784 random), network %s, global batch %d, %d partitions, master %s, %d rounds%n",
                all.count(), Arrays.toString(sizes), batch, partitions, master, rounds);
        oneBatch.count();

        JavaRDD<Shard> shards = TrainingData.shards(all, "features", "label", 784, 10, partitions).cache();
        int[] shardRows = TrainingData.validate(shards, "features", "label", 784, 10);
        NetworkSpec spec = Specs.classifier(sizes, "sigmoid");
        JavaRDD<Integer> tiny = jsc.parallelize(List.of(1, 2), partitions).cache();
        tiny.count();

        List<Double> emptyJob = new ArrayList<>();
        List<Double> lanesStep = new ArrayList<>();
        List<Double> lanesPass = new ArrayList<>();
        List<Double> mllibStep = new ArrayList<>();
        List<Double> slicedStep = new ArrayList<>();
        List<Double> slicedPass = new ArrayList<>();
        List<Double> lanesWall = new ArrayList<>();
        List<Double> slicedWall = new ArrayList<>();
        List<Double> mllibPass = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            boolean warmup = round == 0;
            // Spark's fixed cost of one job: two tasks that do nothing.
            long[] t = new long[20];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                tiny.foreachPartition(it -> { });
                t[i] = System.nanoTime() - t0;
            }
            double empty = median(t) * 1e-6;

            // Lanes, driver: 2 epochs, every step timed on the driver (broadcast, job, collect, sum, update).
            Network net = Network.create(spec, 1);
            DataParallelTrainer trainer = new DataParallelTrainer(shards, shardRows, spec, batch, 2, 1, () -> new Sgd(0.05f));
            long w0 = System.nanoTime();
            DataParallelTrainer.Progress p = trainer.fit(net);
            double wallDriver = 2.0 * rows / ((System.nanoTime() - w0) * 1e-9);
            long[] steps = p.stepNanos().stream().mapToLong(Long::longValue).toArray();
            double stepMs = median(steps) * 1e-6;
            long pass = 0;
            for (int i = steps.length / 2; i < steps.length; i++) {
                pass += steps[i];
            }
            double lanesPerPass = rows / (pass * 1e-9);

            // The same run, sliced: one barrier job, every step timed in partition 0's task (its
            // gradient, the slice exchange, its slice's update, the all-gather).
            Network netB = Network.create(spec, 1);
            w0 = System.nanoTime();
            DataParallelTrainer.Progress pb = trainer.fitSliced(netB, "sgd", 0.05f);
            double wallSliced = 2.0 * rows / ((System.nanoTime() - w0) * 1e-9);
            if (!Arrays.equals(FlatParameters.read(net), FlatParameters.read(netB))) {
                throw new IllegalStateException("sliced and driver runs differ");
            }
            long[] stepsB = pb.stepNanos().stream().mapToLong(Long::longValue).toArray();
            double stepMsB = median(stepsB) * 1e-6;
            long passB = 0;
            for (int i = stepsB.length / 2; i < stepsB.length; i++) {
                passB += stepsB[i];
            }
            double slicedPerPass = rows / (passB * 1e-9);

            // MLlib: gd is full-batch, so one iteration over the batch-sized frame is one step at
            // batch 1024, and one over the full frame is one pass. (iters + 1) − 1 iterations
            // removes the per-fit setup. 8 extra passes: with 3 the difference drowned in the
            // fits' run-to-run noise (it came out negative).
            double mStep = mllibIterationSeconds(oneBatch, sizes, 6);
            double mPass = mllibIterationSeconds(all, sizes, warmup ? 1 : 8);
            if (!warmup) {
                emptyJob.add(empty);
                lanesStep.add(batch / (stepMs * 1e-3));
                lanesPass.add(lanesPerPass);
                slicedStep.add(batch / (stepMsB * 1e-3));
                slicedPass.add(slicedPerPass);
                lanesWall.add(wallDriver);
                slicedWall.add(wallSliced);
                mllibStep.add(batch / mStep);
                mllibPass.add(rows / mPass);
            }
            System.out.printf("%s round %d: empty job %.1f ms | driver step %.1f ms = %.0f samples/s, pass %.0f samples/s,"
                            + " whole run %.0f samples/s | sliced step %.1f ms = %.0f samples/s, pass %.0f samples/s,"
                            + " whole run %.0f samples/s"
                            + " | MLlib gd step %.1f ms = %.0f samples/s, pass %.0f samples/s, loss %.4f%n",
                    warmup ? "warm-up" : "measured", round, empty, stepMs, batch / (stepMs * 1e-3), lanesPerPass, wallDriver,
                    stepMsB, batch / (stepMsB * 1e-3), slicedPerPass, wallSliced,
                    mStep * 1e3, batch / mStep, rows / mPass, p.epochLoss().get(p.epochLoss().size() - 1));
        }
        System.out.printf("%nmedians over %d rounds:%n", rounds);
        System.out.printf("| | samples/s per step (batch %d) | per pass (2nd epoch's steps) | per pass (whole fit, 2 epochs) |%n"
                + "|---|---:|---:|---:|%n", batch);
        System.out.printf("| Lanes on Spark, sliced (one barrier job) | %.0f | %.0f | %.0f |%n", med(slicedStep), med(slicedPass),
                med(slicedWall));
        System.out.printf("| Lanes on Spark, driver (job per step) | %.0f | %.0f | %.0f |%n", med(lanesStep), med(lanesPass),
                med(lanesWall));
        System.out.printf("| MLlib MultilayerPerceptronClassifier (gd) | %.0f | %.0f | |%n", med(mllibStep), med(mllibPass));
        System.out.printf("| sliced / MLlib | %.2f | %.2f | %.2f |%n", med(slicedStep) / med(mllibStep),
                med(slicedPass) / med(mllibPass), med(slicedWall) / med(mllibPass));
        System.out.printf("| driver / MLlib | %.2f | %.2f | %.2f |%n", med(lanesStep) / med(mllibStep),
                med(lanesPass) / med(mllibPass), med(lanesWall) / med(mllibPass));
        System.out.printf("empty Spark job (2 tasks): %.1f ms%n", med(emptyJob));
        spark.stop();
    }

    private static double mllibIterationSeconds(org.apache.spark.sql.Dataset<Row> df, int[] sizes, int iters) {
        long t1 = fitMllib(df, sizes, 1);
        long tn = fitMllib(df, sizes, 1 + iters);
        if (tn <= t1) {
            System.out.printf("  (MLlib: %d iterations took %.2f s, 1 took %.2f s: no usable difference)%n",
                    1 + iters, tn * 1e-9, t1 * 1e-9);
            return Double.NaN;
        }
        return (tn - t1) * 1e-9 / iters;
    }

    private static long fitMllib(org.apache.spark.sql.Dataset<Row> df, int[] sizes, int iters) {
        long t0 = System.nanoTime();
        new MultilayerPerceptronClassifier().setLayers(sizes).setSolver("gd").setStepSize(0.05).setMaxIter(iters)
                .setTol(0).setBlockSize(1024).setSeed(1).fit(df);
        return System.nanoTime() - t0;
    }

    private static double median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
    }

    /** Median of the usable (non-NaN) values; NaN when there are none. */
    private static double med(List<Double> v) {
        double[] c = v.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (c.length == 0) {
            return Double.NaN;
        }
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
    }
}
