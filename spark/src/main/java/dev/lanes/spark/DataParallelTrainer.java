package dev.lanes.spark;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Optimizer;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import org.apache.spark.BarrierTaskContext;

import java.util.ArrayList;
import java.util.Iterator;
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

    /**
     * The same training in one barrier job: the P tasks stay alive for the whole run, each keeps
     * a replica of the network and the optimizer, and every step exchanges the partitions'
     * weighted gradients with {@link BarrierTaskContext#allGather} (through the driver's RPC);
     * each task sums them in partition order and applies the identical update, so the replicas
     * stay bit-identical to each other and to {@link #fit}. Needs P free task slots at once.
     *
     * @param solver and {@code lr}: the optimizer each replica builds
     */
    Progress fitBarrier(Network net, String solver, float lr) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(shards.context());
        // Spark would otherwise retry the slot check for minutes before failing.
        if (partitions() > jsc.sc().defaultParallelism()) {
            throw new IllegalArgumentException("synchronization=barrier runs all " + partitions()
                    + " partitions at once but the cluster offers " + jsc.sc().defaultParallelism()
                    + " task slots (spark.default.parallelism); repartition the input or use synchronization=job");
        }
        Broadcast<float[]> init = jsc.broadcast(FlatParameters.read(net));
        int[] sizes = spec.sizes();
        String hidden = Specs.hiddenActivation(spec);
        int steps = stepsPerEpoch();
        int per = perShard();
        int[] globalRows = new int[steps];
        for (int s = 0; s < steps; s++) {
            globalRows[s] = globalRows(s);
        }
        int ep = epochs;
        long sd = seed;
        long total = 0;
        for (int n : shardRows) {
            total += n;
        }
        List<float[]> out;
        try {
            BarrierTask task = it -> {
                BarrierTaskContext ctx = BarrierTaskContext.get();
                Shard shard = it.next();
                Shard.Worker w = Shard.worker(Specs.classifier(sizes, hidden));
                Network replica = w.net();
                FlatParameters.write(init.value(), replica);
                Optimizer opt = LanesClassifier.optimizer(solver, lr).get();
                float[] sum = new float[FlatParameters.count(sizes)];
                float[] stats = new float[ep * steps * 2];
                long[] times = new long[ep * steps];
                for (int e = 0; e < ep; e++) {
                    for (int s = 0; s < steps; s++) {
                        long t0 = System.nanoTime();
                        Shard.StepResult r = shard.step(replica, w.gradients(), sd, per, e, s, globalRows[s]);
                        String[] all = ctx.allGather(Messages.encode(r));
                        boolean first = true;
                        double loss = 0;
                        long correct = 0;
                        for (String m : all) {
                            first = Messages.addInto(m, sum, first);
                            loss += Messages.lossSum(m);
                            correct += Messages.correct(m);
                        }
                        FlatParameters.unflatten(sum, w.gradients());
                        opt.step(replica, w.gradients());
                        stats[2 * (e * steps + s)] = (float) loss;
                        stats[2 * (e * steps + s) + 1] = correct;
                        times[e * steps + s] = System.nanoTime() - t0;
                    }
                }
                if (ctx.partitionId() != 0) {
                    return java.util.Collections.emptyIterator();
                }
                float[] t = new float[times.length];
                for (int i = 0; i < t.length; i++) {
                    t[i] = times[i] * 1e-3f;   // microseconds
                }
                return List.of(FlatParameters.read(replica), stats, t).iterator();
            };
            // RDD.barrier() has no Java wrapper: call the Scala API with a serializable function.
            scala.Function1<scala.collection.Iterator<Shard>, scala.collection.Iterator<float[]>> f =
                    (scala.Function1<scala.collection.Iterator<Shard>, scala.collection.Iterator<float[]>> & java.io.Serializable)
                            it -> scala.jdk.javaapi.CollectionConverters.asScala(task.apply(scala.jdk.javaapi.CollectionConverters.asJava(it)));
            out = new JavaRDD<>(shards.rdd().barrier().mapPartitions(f, false, scala.reflect.ClassTag$.MODULE$.apply(float[].class)),
                    scala.reflect.ClassTag$.MODULE$.apply(float[].class)).collect();
        } finally {
            init.destroy();
        }
        FlatParameters.write(out.get(0), net);
        List<Double> losses = new ArrayList<>();
        List<Double> accs = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            double l = 0;
            double c = 0;
            for (int s = 0; s < steps; s++) {
                l += out.get(1)[2 * (e * steps + s)];
                c += out.get(1)[2 * (e * steps + s) + 1];
            }
            losses.add(l / total);
            accs.add(c / total);
        }
        List<Long> times = new ArrayList<>();
        for (float us : out.get(2)) {
            times.add((long) (us * 1e3));
        }
        return new Progress(losses, accs, times);
    }

    /** The body of the barrier job's tasks. */
    private interface BarrierTask extends java.util.function.Function<Iterator<Shard>, Iterator<float[]>>, java.io.Serializable {
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
