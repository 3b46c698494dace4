package dev.lanes.spark;

import dev.lanes.data.Dataset;
import dev.lanes.data.MiniBatches;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.optim.Optimizer;

/**
 * Single-machine training over exactly the batches the Spark estimator uses with P partitions,
 * written independently of the Spark code: row i belongs to shard i % P (in increasing i), each
 * shard is visited in the order of a {@link MiniBatches} seeded with {@code Shard.seedOf(seed, p)},
 * and global step b is the concatenation of every shard's b-th block of batch/P rows.
 */
final class Reference {

    private Reference() {
    }

    static int[] shardRows(Dataset d, int p, int shard) {
        int n = (d.size() - shard + p - 1) / p;
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
            idx[k] = shard + k * p;
        }
        return idx;
    }

    /** Fills the global batch of (epoch, step); returns its rows. */
    static int fillStep(Dataset d, int p, int batch, long seed, int epoch, int step, float[] x, float[] y) {
        int per = batch / p;
        int rows = 0;
        java.util.Arrays.fill(y, 0f);
        for (int s = 0; s < p; s++) {
            int[] idx = shardRows(d, p, s);
            if (step * per >= idx.length) {
                continue;
            }
            MiniBatches mb = new MiniBatches(d.subset(idx), per, seed + 0x9E3779B97F4A7C15L * s);
            mb.startEpoch(epoch);
            float[] bx = new float[per * d.features()];
            float[] by = new float[per * d.outputs()];
            int n = mb.fill(step, bx, by);
            System.arraycopy(bx, 0, x, rows * d.features(), n * d.features());
            System.arraycopy(by, 0, y, rows * d.outputs(), n * d.outputs());
            rows += n;
        }
        return rows;
    }

    static void train(Network net, Dataset d, int p, int batch, long seed, int epochs, Optimizer opt) {
        int per = batch / p;
        int largest = (d.size() + p - 1) / p;
        int steps = (largest + per - 1) / per;
        float[] x = new float[batch * d.features()];
        float[] y = new float[batch * d.outputs()];
        Gradients g = net.newGradients();
        for (int e = 0; e < epochs; e++) {
            for (int s = 0; s < steps; s++) {
                int rows = fillStep(d, p, batch, seed, e, s, x, y);
                net.lossAndGradients(x, y, rows, g);
                opt.step(net, g);
            }
        }
    }
}
