package dev.lanes.spark;

import dev.lanes.data.Dataset;
import dev.lanes.data.MiniBatches;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;

import java.io.Serializable;

/**
 * One partition's training rows, held in memory as one row-major block for the whole training run
 * (the RDD of shards is cached once), and the partition's share of every gradient step.
 *
 * <p>Rows are those whose global index i (the input's row order) has {@code i % P == partition},
 * in increasing i. Each epoch the shard visits its rows in a seeded random order, the order of
 * {@link MiniBatches} with seed {@link #seedOf}{@code (seed, partition)}; step b of the epoch takes
 * its positions {@code b·s … min((b+1)·s, rows) − 1} of that order, where s = global batch / P.
 * The global batch of step b is the concatenation of every shard's rows of step b in partition
 * order — exactly what a single machine would train on, which is what makes the Spark result
 * comparable to (and, with one partition, bit-identical with) the library's {@code Trainer}.
 */
final class Shard implements Serializable {

    private static final long serialVersionUID = 1L;
    /** 2^64 / golden ratio: distinct partitions get well separated shuffle seeds. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    final int partition;
    final int features;
    /** Classes of a classifier; 1 (the one output) for a regressor. */
    final int classes;
    /** rows × features, row-major. */
    final float[] x;
    /** Class index per row; null for a regressor. */
    final int[] labels;
    /** Target per row for a regressor (trained with MSE); null for a classifier. */
    final float[] targets;
    /** What was wrong with the input rows of this partition (they are left out of x and labels). */
    final Problems problems;

    // Built lazily on the executor that holds the cached shard and kept there across steps.
    private transient MiniBatches batches;
    private transient float[] bx;
    private transient float[] by;

    Shard(int partition, int features, int classes, float[] x, int[] labels, float[] targets, Problems problems) {
        if ((labels == null) == (targets == null)) {
            throw new IllegalArgumentException("a shard holds either class labels or regression targets");
        }
        this.targets = targets;
        this.problems = problems;
        this.partition = partition;
        this.features = features;
        this.classes = classes;
        this.x = x;
        this.labels = labels;
    }

    int rows() {
        return labels != null ? labels.length : targets.length;
    }

    /** The shuffle seed of partition {@code partition}; partition 0 uses the training seed itself. */
    static long seedOf(long seed, int partition) {
        return seed + GOLDEN * partition;
    }

    /** Rows shard {@code rows} contributes to step {@code step} with {@code perShard} rows per step. */
    static int stepRows(int rows, int perShard, int step) {
        return Math.max(0, Math.min(perShard, rows - step * perShard));
    }

    /**
     * This shard's weighted share of the gradient of one global step, flattened: the mean gradient
     * over its rows of the step times (its rows / global batch rows), so that the partition-order sum
     * of all shares is the mean gradient of the global batch. Null when the shard has no rows in
     * this step.
     */
    synchronized StepResult step(Network net, Gradients g, long seed, int perShard, int epoch, int step,
                                 int globalRows) {
        int n = stepRows(rows(), perShard, step);
        if (n == 0) {
            return new StepResult(partition, null, 0, 0, 0);
        }
        MiniBatches mb = batches(seed, perShard);
        if (mb.epoch() != epoch) {
            mb.startEpoch(epoch);
        }
        java.util.Arrays.fill(by, 0, n * classes, 0f);
        for (int r = 0; r < n; r++) {
            int i = mb.row(step, r);
            System.arraycopy(x, i * features, bx, r * features, features);
            if (labels != null) {
                by[r * classes + labels[i]] = 1f;
            } else {
                by[r] = targets[i];
            }
        }
        double loss = net.lossAndGradients(bx, by, n, g);
        int correct = labels == null ? 0 : Network.countCorrect(net.workspace().outputs(), 0, by, 0, n, classes);
        float[] flat = new float[FlatParameters.count(net.spec().sizes())];
        // n / globalRows is exactly 1/P for full steps with P a power of two; otherwise one rounding.
        FlatParameters.flatten(g, n == globalRows ? 1f : (float) n / globalRows, flat);
        return new StepResult(partition, flat, loss * n, correct, n);
    }

    private MiniBatches batches(long seed, int perShard) {
        if (batches == null) {
            // MiniBatches only supplies the seeded order here (the same permutation a Trainer over
            // these rows would use); the rows themselves are copied from this shard's block, so
            // the features are not held twice.
            int n = rows();
            Dataset order = Dataset.ofClasses("partition " + partition, new float[n], 1, new int[n], 1, null);
            batches = new MiniBatches(order, perShard, seedOf(seed, partition));
            bx = new float[perShard * features];
            by = new float[perShard * classes];
        }
        return batches;
    }

    /** A network and its gradient buffers, reused by one executor thread across steps. */
    record Worker(Network net, Gradients gradients) {
    }

    /** The calling executor thread's worker for {@code spec}. */
    static Worker worker(NetworkSpec spec) {
        Worker w = WORKER.get();
        if (w == null || !w.net().spec().equals(spec)) {
            Network net = Network.create(spec, 0);
            w = new Worker(net, net.newGradients());
            WORKER.set(w);
        }
        return w;
    }

    private static final ThreadLocal<Worker> WORKER = new ThreadLocal<>();

    /**
     * Counts of bad input rows in one partition, each with the global index (input order) of the
     * first such row and what was found there; -1 when none.
     */
    record Problems(long rows, long wrongWidth, long firstWrongWidth, int firstWidth,
                    long badLabel, long firstBadLabel, double firstLabel,
                    long nonFinite, long firstNonFinite, int firstNonFiniteColumn) implements Serializable {
    }

    /** What one partition returns for one step. */
    record StepResult(int partition, float[] gradient, double lossSum, int correct, int rows) implements Serializable {
    }
}
