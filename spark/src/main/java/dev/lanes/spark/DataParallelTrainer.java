package dev.lanes.spark;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Optimizer;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Synchronous data-parallel mini-batch training over cached {@link Shard}s, one Spark job per step.
 *
 * <p>Each step: the driver broadcasts the flat parameters; every partition computes the weighted
 * gradient of its rows of the global batch with the Lanes training step; the driver collects the P
 * gradients (Spark returns them in partition order), sums them in that order — so repeated runs
 * give the same bits — and applies the update once with a Lanes {@link Optimizer}. Spark's
 * {@code treeAggregate} is not used for the sum because it combines partial results in the order
 * tasks finish, which changes the float rounding from run to run.
 */
final class DataParallelTrainer {

    /** Per-epoch mean training loss and accuracy, and step timings, of one run. */
    record Progress(List<Double> epochLoss, List<Double> epochAccuracy, List<Long> stepNanos) {
    }

    private final JavaRDD<Shard> shards;
    private final int[] shardRows;
    private final NetworkSpec spec;
    private final int globalBatch;
    private final int epochs;
    private final long seed;
    private final Supplier<Optimizer> optimizer;

    DataParallelTrainer(JavaRDD<Shard> shards, int[] shardRows, NetworkSpec spec, int globalBatch, int epochs,
                        long seed, Supplier<Optimizer> optimizer) {
        LanesClassifier.checkBatch(globalBatch, shardRows.length);
        this.shards = shards;
        this.shardRows = shardRows.clone();
        this.spec = spec;
        this.globalBatch = globalBatch;
        this.epochs = epochs;
        this.seed = seed;
        this.optimizer = optimizer;
    }

    int partitions() {
        return shardRows.length;
    }

    int perShard() {
        return globalBatch / shardRows.length;
    }

    /** Steps per epoch: enough for the largest shard to visit every row once. */
    int stepsPerEpoch() {
        int max = 0;
        for (int n : shardRows) {
            max = Math.max(max, n);
        }
        return (max + perShard() - 1) / perShard();
    }

    /** Rows of the global batch of step {@code step}. */
    int globalRows(int step) {
        int total = 0;
        for (int n : shardRows) {
            total += Shard.stepRows(n, perShard(), step);
        }
        return total;
    }

    /** Trains {@code net} (on the driver) in place. */
    Progress fit(Network net) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(shards.context());
        Optimizer opt = optimizer.get();
        Gradients g = net.newGradients();
        int nParams = FlatParameters.count(spec.sizes());
        float[] sum = new float[nParams];
        List<Double> losses = new ArrayList<>();
        List<Double> accs = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        int steps = stepsPerEpoch();
        long total = 0;
        for (int n : shardRows) {
            total += n;
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            double lossSum = 0;
            long correct = 0;
            for (int step = 0; step < steps; step++) {
                long t0 = System.nanoTime();
                StepTotals t = gradient(jsc, FlatParameters.read(net), epoch, step, sum);
                lossSum += t.lossSum();
                correct += t.correct();
                FlatParameters.unflatten(sum, g);
                opt.step(net, g);
                times.add(System.nanoTime() - t0);
            }
            if (!Double.isFinite(lossSum)) {
                throw new IllegalStateException("training diverged in epoch " + (epoch + 1) + ": the loss is " + lossSum
                        + "; lower stepSize");
            }
            losses.add(lossSum / total);
            accs.add((double) correct / total);
        }
        return new Progress(losses, accs, times);
    }

    /** Loss summed over the rows of one step, and how many of them were classified correctly. */
    record StepTotals(double lossSum, long correct) {
    }

    /**
     * The mean gradient of the global batch of ({@code epoch}, {@code step}) at {@code params},
     * written to {@code sum}: one Spark job; the partitions' weighted gradients are added in
     * partition order.
     */
    StepTotals gradient(JavaSparkContext jsc, float[] params, int epoch, int step, float[] sum) {
        int rows = globalRows(step);
        Broadcast<float[]> b = jsc.broadcast(params);
        List<Shard.StepResult> parts;
        try {
            parts = shards.map(stepFunction(b, spec, seed, perShard(), epoch, step, rows)).collect();
        } finally {
            b.destroy();
        }
        double lossSum = 0;
        long correct = 0;
        boolean first = true;
        for (Shard.StepResult r : parts) {
            lossSum += r.lossSum();
            correct += r.correct();
            float[] gp = r.gradient();
            if (gp == null) {
                continue;
            }
            if (first) {
                System.arraycopy(gp, 0, sum, 0, sum.length);
                first = false;
            } else {
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += gp[i];
                }
            }
        }
        return new StepTotals(lossSum, correct);
    }

    /** The per-partition side of one step; a static factory so the closure captures only what it needs. */
    static org.apache.spark.api.java.function.Function<Shard, Shard.StepResult> stepFunction(
            Broadcast<float[]> params, NetworkSpec spec, long seed, int perShard, int epoch, int step, int rows) {
        int[] sizes = spec.sizes();
        String hidden = Specs.hiddenActivation(spec);
        return shard -> {
            Shard.Worker w = Shard.worker(Specs.classifier(sizes, hidden));
            FlatParameters.write(params.value(), w.net());
            return shard.step(w.net(), w.gradients(), seed, perShard, epoch, step, rows);
        };
    }

}
