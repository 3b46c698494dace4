package dev.lanes.spark;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Optimizer;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import org.apache.spark.SparkContext;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Synchronous data-parallel mini-batch training over cached {@link Shard}s, in two ways that give
 * the same bits: {@link #fitSliced} (one barrier job, parameters sliced across the tasks) and
 * {@link #fit} (one Spark job per step, through the driver).
 *
 * <p>{@link #fit}, each step: the driver broadcasts the flat parameters; every partition computes the weighted
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

    /** Spark configuration key: seconds a sliced task waits for another's block before failing (default 600). */
    static final String TIMEOUT_CONF = "spark.lanes.sliced.timeout";

    /** What partition 0's task of a sliced run returns. */
    record SlicedResult(float[] parameters, double[] epochLoss, long[] epochCorrect, int epochs, long[] stepNanos)
            implements java.io.Serializable {
    }

    /**
     * The same training in one barrier job whose P tasks stay alive for the whole run
     * (synchronization {@code sliced}, BigDL's scheme): partition q owns slice q of the flat
     * parameter vector. Every step each task computes the weighted gradient of its rows, sends
     * slice q of it to task q, adds the P gradients of its own slice in partition order (the
     * driver mode's order, so the same bits), updates its slice with {@link SliceOptimizer}, and
     * gathers the other P − 1 updated slices for the next step. Messages are blocks in the
     * executors' block managers ({@link SliceExchange}); nothing passes through the driver.
     * Needs P free task slots at once.
     *
     * @param solver and {@code lr}: the optimizer applied to each slice
     * @throws IllegalArgumentException when the cluster has fewer task slots than partitions
     */
    Progress fitSliced(Network net, String solver, float lr) {
        SparkContext sc = shards.context();
        checkSlots(sc, partitions());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Broadcast<float[]> init = jsc.broadcast(FlatParameters.read(net));
        int[] sizes = spec.sizes();
        String hidden = Specs.hiddenActivation(spec);
        boolean regression = spec.loss() == Loss.MSE;
        int steps = stepsPerEpoch();
        int per = perShard();
        int[] globalRows = new int[steps];
        for (int s = 0; s < steps; s++) {
            globalRows[s] = globalRows(s);
        }
        int ep = epochs;
        long sd = seed;
        int parts = partitions();
        long timeout = sc.getConf().getTimeAsSeconds(TIMEOUT_CONF, "600s");
        String run = java.util.UUID.randomUUID().toString();
        List<SlicedResult> out;
        try {
            scala.Function1<scala.collection.Iterator<Shard>, scala.collection.Iterator<SlicedResult>> f =
                    (scala.Function1<scala.collection.Iterator<Shard>, scala.collection.Iterator<SlicedResult>> & java.io.Serializable)
                            it -> {
                                SlicedResult r = slicedTask(it.next(), sizes, hidden, regression, init.value(), solver, lr, run, timeout,
                                        parts, ep, steps, per, sd, globalRows);
                                return scala.jdk.javaapi.CollectionConverters.asScala(
                                        r == null ? java.util.Collections.<SlicedResult>emptyIterator() : List.of(r).iterator());
                            };
            scala.reflect.ClassTag<SlicedResult> tag = scala.reflect.ClassTag$.MODULE$.apply(SlicedResult.class);
            out = new JavaRDD<>(shards.rdd().barrier().mapPartitions(f, false, tag), tag).collect();
        } finally {
            init.destroy();
            SliceExchange.removeRun(run);
        }
        SlicedResult r = out.get(0);
        FlatParameters.write(r.parameters(), net);
        long total = 0;
        for (int n : shardRows) {
            total += n;
        }
        List<Double> losses = new ArrayList<>();
        List<Double> accs = new ArrayList<>();
        for (int e = 0; e < r.epochs(); e++) {
            if (!Double.isFinite(r.epochLoss()[e])) {
                throw new IllegalStateException("training diverged in epoch " + (e + 1) + ": the loss is " + r.epochLoss()[e]
                        + "; lower stepSize");
            }
            losses.add(r.epochLoss()[e] / total);
            accs.add((double) r.epochCorrect()[e] / total);
        }
        List<Long> times = new ArrayList<>();
        for (long t : r.stepNanos()) {
            times.add(t);
        }
        return new Progress(losses, accs, times);
    }

    /**
     * Fails fast when the barrier job could not start: Spark would otherwise retry its own slot
     * check for minutes. On a cluster, executors that are still registering get 30 seconds; a
     * local master's slots are all there from the start.
     */
    static void checkSlots(SparkContext sc, int partitions) {
        var profile = sc.resourceProfileManager().defaultResourceProfile();
        long deadline = System.nanoTime() + (sc.isLocal() ? 0 : TimeUnit.SECONDS.toNanos(30));
        int slots = sc.maxNumConcurrentTasks(profile);
        while (slots < partitions && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            slots = sc.maxNumConcurrentTasks(profile);
        }
        if (slots < partitions) {
            throw new IllegalArgumentException("synchronization=sliced runs all " + partitions
                    + " partitions of the training data at once, but the cluster has " + slots
                    + " free task slots (executor cores / spark.task.cpus); repartition the input to at most " + slots
                    + " partitions, add executors, or use synchronization=driver");
        }
    }

    /** The body of one sliced task; returns the run's result on partition 0, null elsewhere. */
    private static SlicedResult slicedTask(Shard shard, int[] sizes, String hidden, boolean regression, float[] init, String solver, float lr,
                                           String run, long timeout, int parts, int epochs, int steps, int per, long seed,
                                           int[] globalRows) {
        int p = shard.partition;
        Shard.Worker w = Shard.worker(Specs.of(sizes, hidden, regression));
        Network replica = w.net();
        FlatParameters.write(init, replica);
        float[] params = replica.parameters();
        int n = params.length;
        int[] lo = new int[parts + 1];
        for (int q = 0; q <= parts; q++) {
            lo[q] = (int) ((long) n * q / parts);
        }
        int mine = lo[p + 1] - lo[p];
        SliceOptimizer opt = new SliceOptimizer(solver, lr, mine);
        float[] sum = new float[mine];
        float[] slice = new float[mine];
        double[] epochLoss = new double[epochs];
        long[] epochCorrect = new long[epochs];
        long[] times = new long[epochs * steps];
        int done = 0;
        SliceExchange x = new SliceExchange(run, timeout);
        try {
            for (int e = 0; e < epochs; e++) {
                for (int s = 0; s < steps; s++) {
                    int t = e * steps + s;
                    long t0 = System.nanoTime();
                    Shard.StepResult r = shard.step(replica, w.gradients(), seed, per, e, s, globalRows[s]);
                    float[] g = r.gradient();
                    // Reduce-scatter: slice q of this partition's gradient goes to its owner q.
                    for (int q = 0; q < parts; q++) {
                        if (q != p) {
                            int len = g == null ? 0 : lo[q + 1] - lo[q];
                            ByteBuffer b = ByteBuffer.allocate(20 + 4 * len).order(SliceExchange.ORDER);
                            b.putDouble(r.lossSum()).putLong(r.correct()).putInt(len);
                            if (len > 0) {
                                b.asFloatBuffer().put(g, lo[q], len);
                            }
                            x.put(x.gradient(t, q, p), b.position(0));
                        }
                    }
                    boolean first = true;
                    double loss = 0;
                    long correct = 0;
                    for (int q = 0; q < parts; q++) {
                        java.nio.FloatBuffer from;
                        if (q == p) {
                            loss += r.lossSum();
                            correct += r.correct();
                            from = g == null ? null : java.nio.FloatBuffer.wrap(g, lo[p], mine).slice();
                        } else {
                            ByteBuffer b = x.fetch(x.gradient(t, p, q), "the gradient slice of partition " + q + " in step " + t);
                            loss += b.getDouble(0);
                            correct += b.getLong(8);
                            from = b.getInt(16) == 0 ? null : b.position(20).asFloatBuffer();
                        }
                        if (from == null) {
                            continue;
                        }
                        if (first) {
                            from.get(sum);
                            first = false;
                        } else {
                            for (int i = 0; i < mine; i++) {
                                sum[i] += from.get(i);
                            }
                        }
                    }
                    System.arraycopy(params, lo[p], slice, 0, mine);
                    opt.step(replica.kernels(), sum, slice);
                    System.arraycopy(slice, 0, params, lo[p], mine);
                    // All-gather: publish this slice, collect the others.
                    if (parts > 1) {
                        ByteBuffer b = ByteBuffer.allocate(4 * mine).order(SliceExchange.ORDER);
                        b.asFloatBuffer().put(slice);
                        x.put(x.weights(t, p), b);
                    }
                    for (int q = 0; q < parts; q++) {
                        if (q != p) {
                            ByteBuffer b = x.fetch(x.weights(t, q), "the parameter slice of partition " + q + " after step " + t);
                            b.asFloatBuffer().get(params, lo[q], lo[q + 1] - lo[q]);
                        }
                    }
                    // Every owner q has published step t's slice, so it has read this task's
                    // gradient slices of step t; and it computed step t's gradient, so it has
                    // read this task's parameter slice of step t − 1.
                    for (int q = 0; q < parts; q++) {
                        if (q != p) {
                            x.remove(x.gradient(t, q, p));
                        }
                    }
                    if (t > 0) {
                        x.remove(x.weights(t - 1, p));
                    }
                    epochLoss[e] += loss;
                    epochCorrect[e] += correct;
                    times[t] = System.nanoTime() - t0;
                }
                done = e + 1;
                // Every task sums the same P losses in the same order, so all stop together.
                if (!Double.isFinite(epochLoss[e])) {
                    break;
                }
            }
        } catch (RuntimeException ex) {
            x.removeAll();
            throw ex;
        }
        if (p != 0) {
            return null;
        }
        return new SlicedResult(params.clone(), epochLoss, epochCorrect, done, java.util.Arrays.copyOf(times, done * steps));
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
        boolean regression = spec.loss() == Loss.MSE;
        return shard -> {
            Shard.Worker w = Shard.worker(Specs.of(sizes, hidden, regression));
            FlatParameters.write(params.value(), w.net());
            return shard.step(w.net(), w.gradients(), seed, perShard, epoch, step, rows);
        };
    }

}
