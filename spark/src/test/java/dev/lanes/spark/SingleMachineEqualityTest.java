package dev.lanes.spark;

import dev.lanes.data.Dataset;
import dev.lanes.data.Datasets;
import dev.lanes.data.MiniBatches;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Adam;
import dev.lanes.optim.Optimizer;
import dev.lanes.optim.Sgd;
import dev.lanes.train.Trainer;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on Spark against training on one machine with the same seed, data order and global
 * batch.
 */
class SingleMachineEqualityTest {

    private static final int[] SIZES = {64, 32, 10};
    private static final long SEED = 7;
    private static final int PARTS = 2;
    private static final int BATCH = 66;

    private static Dataset digits(int rows) {
        Dataset d = Datasets.digits();
        int[] idx = new int[rows];
        for (int i = 0; i < rows; i++) {
            idx[i] = i;
        }
        return d.subset(idx);
    }

    private static LanesClassifier classifier(String solver, double lr, int batch, int epochs) {
        return new LanesClassifier().setLayers(SIZES).setSolver(solver).setStepSize(lr).setBatchSize(batch)
                .setMaxIter(epochs).setSeed(SEED).setActivation("sigmoid");
    }

    /** One partition: the Spark run is the library's Trainer, bit for bit. */
    @Test
    void onePartitionIsBitIdenticalToTrainer() {
        SparkSession spark = SparkTests.local();
        Dataset d = digits(1000);
        for (String solver : new String[] {"sgd", "adam"}) {
            double lr = solver.equals("sgd") ? 0.5 : 0.01;
            LanesClassificationModel m = classifier(solver, lr, 64, 3).fit(SparkTests.frame(spark, d, 1));

            NetworkSpec spec = Specs.classifier(SIZES, "sigmoid");
            Network net = Network.create(spec, SEED);
            Optimizer opt = solver.equals("sgd") ? new Sgd((float) lr) : new Adam((float) lr);
            Trainer.builder().epochs(3).batchSize(64).seed(SEED).optimizer(opt).build().fit(net, d, null);

            assertArrayEquals(FlatParameters.read(net), m.parameters(), 0f, solver);
        }
    }

    /**
     * Two partitions, one step (the 4th of the 2nd epoch, so the per-epoch reshuffle is covered):
     * the summed gradient differs from the one-machine gradient of the
     * same 128 rows only by the order of the sum over rows, and stays inside the bound of that.
     *
     * <p>Per row, the forward values and error terms are the same on both sides (every GEMM sum in
     * them runs over units, not rows, in an order fixed by the shapes of W). The per-shard mean
     * (P − Y)/(B/2) times the weight 1/2 equals (P − Y)/B exactly (powers of two), so each entry
     * of dW and db is, on both sides, a float sum of the same B terms t_r = δ_r·a_r/B — one machine
     * summing all B in one order, Spark summing two halves and then the two partial sums. Any
     * order of summing n terms is within γ_{n−1}·Σ|t_r| of the exact sum (products fused or
     * rounded once more: γ_n), γ_n = n·u/(1 − n·u), u = 2⁻²⁴. So the two gradients differ by at
     * most 2·γ_B·Σ_r|t_r|, and Σ_r|t_r| is measured as Σ_r |gradient of row r alone| / B (each a
     * single rounded product, hence the extra factor (1 + u)).
     */
    @Test
    void stepGradientIsWithinTheSummationBound() {
        SparkSession spark = SparkTests.local();
        int b = 128;
        Dataset d = digits(600);
        JavaRDD<Shard> shards = TrainingData.shards(SparkTests.frame(spark, d, 3), "features", "label", 64, 10, 2).cache();
        try {
            int[] rows = TrainingData.validate(shards, "features", "label", 64, 10);
            NetworkSpec spec = Specs.classifier(SIZES, "sigmoid");
            Network net = Network.create(spec, SEED);
            DataParallelTrainer t = new DataParallelTrainer(shards, rows, spec, b, 1, SEED, () -> new Sgd(0.1f));
            float[] spark0 = new float[FlatParameters.count(SIZES)];
            t.gradient(JavaSparkContext.fromSparkContext(spark.sparkContext()), FlatParameters.read(net), 1, 3, spark0);

            float[] x = new float[b * 64];
            float[] y = new float[b * 10];
            int n = Reference.fillStep(d, 2, b, SEED, 1, 3, x, y);
            assertEquals(b, n);
            Gradients g = net.newGradients();
            net.lossAndGradients(x, y, b, g);
            float[] single = new float[spark0.length];
            FlatParameters.flatten(g, 1f, single);

            double[] absSum = new double[spark0.length];
            float[] one = new float[spark0.length];
            for (int r = 0; r < b; r++) {
                net.lossAndGradients(Arrays.copyOfRange(x, r * 64, r * 64 + 64), Arrays.copyOfRange(y, r * 10, r * 10 + 10), 1, g);
                FlatParameters.flatten(g, 1f, one);
                for (int i = 0; i < one.length; i++) {
                    absSum[i] += Math.abs(one[i]);
                }
            }
            double u = Math.scalb(1.0, -24);
            double gamma = b * u / (1 - b * u);
            int differ = 0;
            double worst = 0;
            for (int i = 0; i < spark0.length; i++) {
                double bound = 2 * gamma * (1 + u) * absSum[i] / b;
                double diff = Math.abs((double) spark0[i] - single[i]);
                if (diff != 0) {
                    differ++;
                }
                worst = Math.max(worst, bound == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : diff / bound);
                assertTrue(diff <= bound, "parameter " + i + ": Spark " + spark0[i] + " vs one machine " + single[i]
                        + " differ by " + diff + " > bound " + bound);
            }
            System.out.printf("epoch 2 step 4 gradient: %d of %d entries differ; worst |diff|/bound = %.3f%n",
                    differ, spark0.length, worst);
        } finally {
            shards.unpersist(false);
        }
    }

    /**
     * Sliced synchronization (one barrier job, slices through the block managers) gives the same
     * bits as a job per step through the driver: the same sum in partition order, the same
     * element-wise update.
     */
    @Test
    void slicedGivesTheSameBitsAsTheDriverMode() throws InterruptedException {
        SparkSession spark = SparkTests.local();
        Dataset d = digits(500);
        JavaRDD<Shard> shards = TrainingData.shards(SparkTests.frame(spark, d, 2), "features", "label", 64, 10, 2).cache();
        try {
            int[] rows = TrainingData.validate(shards, "features", "label", 64, 10);
            NetworkSpec spec = Specs.classifier(SIZES, "sigmoid");
            for (String solver : new String[] {"sgd", "adam"}) {
                Network a = Network.create(spec, SEED);
                Network b = Network.create(spec, SEED);
                DataParallelTrainer t = new DataParallelTrainer(shards, rows, spec, 64, 2, SEED,
                        LanesClassifier.optimizer(solver, 0.05f));
                DataParallelTrainer.Progress pa = t.fit(a);
                DataParallelTrainer.Progress pb = t.fitSliced(b, solver, 0.05f);
                assertArrayEquals(FlatParameters.read(a), FlatParameters.read(b), 0f, solver);
                assertEquals(pa.stepNanos().size(), pb.stepNanos().size());
                assertEquals(pa.epochAccuracy(), pb.epochAccuracy());
                assertEquals(pa.epochLoss(), pb.epochLoss());
            }
            LanesClassificationModel driver = classifier("adam", 0.01, 64, 1).setSynchronization("driver")
                    .fit(SparkTests.frame(spark, d, 2));
            LanesClassificationModel sliced = classifier("adam", 0.01, 64, 1).fit(SparkTests.frame(spark, d, 2));
            assertArrayEquals(driver.parameters(), sliced.parameters(), 0f, "estimator, sliced vs driver");
        } finally {
            shards.unpersist(false);
        }
        // Every block of the runs was removed again. The master forwards removals to the block
        // managers asynchronously, so poll; the bound is a hang guard, not a speed check.
        var master = org.apache.spark.SparkEnv.get().blockManager().master();
        scala.Function1<org.apache.spark.storage.BlockId, Object> ours =
                (scala.Function1<org.apache.spark.storage.BlockId, Object> & java.io.Serializable) id -> id.name().startsWith("test_lanes-");
        var left = master.getMatchingBlockIds(ours, true);
        for (long end = System.nanoTime() + 120_000_000_000L; left.size() > 0 && System.nanoTime() < end; ) {
            Thread.sleep(50);
            left = master.getMatchingBlockIds(ours, true);
        }
        assertEquals(0, left.size(), "blocks left: " + left);
    }

    /** Two partitions, whole runs: close to one machine over the same batches, and repeatable bit for bit. */
    @Test
    void twoPartitionsMatchOneMachineAndRepeatExactly() {
        SparkSession spark = SparkTests.local();
        Dataset d = digits(1001);   // odd: the shards differ by one row and the last step is short
        for (String solver : new String[] {"sgd", "adam"}) {
            double lr = solver.equals("sgd") ? 0.1 : 0.01;
            int epochs = 2;
            LanesClassificationModel a = classifier(solver, lr, BATCH, epochs).fit(SparkTests.frame(spark, d, PARTS));
            LanesClassificationModel again = classifier(solver, lr, BATCH, epochs).fit(SparkTests.frame(spark, d, PARTS));
            assertArrayEquals(a.parameters(), again.parameters(), 0f, solver + ": repeated runs differ");


            Network net = Network.create(Specs.classifier(SIZES, "sigmoid"), SEED);
            Optimizer opt = solver.equals("sgd") ? new Sgd((float) lr) : new Adam((float) lr);
            Reference.train(net, d, PARTS, BATCH, SEED, epochs, opt);
            float[] ref = FlatParameters.read(net);
            float[] got = a.parameters();
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < ref.length; i++) {
                worst = Math.max(worst, Math.abs((double) ref[i] - got[i]));
                scale = Math.max(scale, Math.abs(ref[i]));
            }
            System.out.printf("%s, %d epochs, " + PARTS + " partitions: max |w_spark - w_one| = %.3g (max |w| = %.3g)%n",
                    solver, epochs, worst, scale);
            // Each step differs only by the rounding bounded in the test above; over a run those
            // differences are carried along by the dynamics, so this bound is measured, not proven. At a learning rate near the edge of
            // stability (sgd 0.5) the same rounding grows to 1e-2 in two epochs, so keep it modest.
            assertTrue(worst <= 1e-4 * scale, solver + ": weights differ by " + worst);
        }
    }
}
