package dev.lanes.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Seeded mini-batches over a dataset: each epoch visits every row exactly once, in an order that is
 * a random permutation depending only on {@code (seed, epoch)}. So a run resumed at epoch
 * {@code e} sees exactly the batches an uninterrupted run would have seen, whatever happened
 * before.
 *
 * <p>Epoch {@code e} has {@link #batchCount()} batches; batch {@code b} holds rows
 * {@code b * batchSize ... min((b + 1) * batchSize, size) - 1} of that epoch's permutation, so only
 * the last batch may be short. {@link #fill} does not allocate.
 *
 * <p>Not thread-safe: one instance per training loop.
 */
public final class MiniBatches {

    // Odd constant (2^64 / golden ratio) so distinct epochs give distinct pre-mix states.
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final Dataset data;
    private final int batchSize;
    private final long seed;
    private final int[] order;
    private final boolean shuffle;
    private int epoch = -1;

    /**
     * @param d         the dataset, with at least one row
     * @param batchSize the number of rows per batch, at least 1 (larger than {@code d.size()}
     *                  simply gives one batch per epoch)
     * @param seed      seed of the shuffles
     */
    public MiniBatches(Dataset d, int batchSize, long seed) {
        this(d, batchSize, seed, true);
    }

    /**
     * Batches in the dataset's own row order, the same in every epoch: for evaluation, where
     * the order does not matter and a reproducible one is easier to inspect.
     */
    public static MiniBatches inOrder(Dataset d, int batchSize) {
        return new MiniBatches(d, batchSize, 0, false);
    }

    private MiniBatches(Dataset d, int batchSize, long seed, boolean shuffle) {
        this.shuffle = shuffle;
        this.data = Objects.requireNonNull(d, "d");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (d.size() == 0) {
            throw new IllegalArgumentException("cannot make mini-batches of " + d.name()
                    + ": it has no rows");
        }
        this.batchSize = batchSize;
        this.seed = seed;
        this.order = new int[d.size()];
        startEpoch(0);
    }

    /** Number of batches per epoch: {@code ceil(size / batchSize)}. */
    public int batchCount() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    /** The (maximum) number of rows per batch, as given to the constructor. */
    public int batchSize() {
        return batchSize;
    }

    /** The dataset being batched. */
    public Dataset dataset() {
        return data;
    }

    /** The current epoch; 0 until {@link #startEpoch} is first called. */
    public int epoch() {
        return epoch;
    }

    /** The number of rows of batch {@code batch}: {@code batchSize}, except perhaps the last. */
    public int rows(int batch) {
        Objects.checkIndex(batch, batchCount());
        return Math.min(batchSize, data.size() - batch * batchSize);
    }

    /**
     * Fixes the row order of epoch {@code epoch} (at least 0). The order is recomputed from the
     * identity permutation, so it depends on {@code (seed, epoch)} only, not on earlier calls
     * (and is the identity for {@link #inOrder}).
     */
    public void startEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative, got " + epoch);
        }
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Dataset.shuffle(order, new SplittableRandom(mix(seed + GOLDEN * (epoch + 1L))));
        }
        this.epoch = epoch;
    }

    /**
     * Copies the rows of batch {@code batch} of the current epoch: features to {@code x}
     * (row-major, leading dimension {@code features()}) and targets to {@code y} (row-major,
     * leading dimension {@code outputs()}), starting at index 0.
     *
     * @param x at least {@code rows(batch) * features()} long
     * @param y at least {@code rows(batch) * outputs()} long, or {@code null} to skip targets
     * @return the number of rows copied, {@link #rows(int)}
     */
    public int fill(int batch, float[] x, float[] y) {
        int rows = rows(batch);
        int f = data.features();
        int o = data.outputs();
        Objects.checkFromIndexSize(0, rows * f, x.length);
        if (y != null) {
            Objects.checkFromIndexSize(0, rows * o, y.length);
        }
        int base = batch * batchSize;
        for (int r = 0; r < rows; r++) {
            int i = order[base + r];
            data.copyFeatures(i, x, r * f);
            if (y != null) {
                data.copyTargets(i, y, r * o);
            }
        }
        return rows;
    }

    /**
     * Copies the class labels of batch {@code batch} of the current epoch to {@code labels}
     * (classification only), e.g. to count correct predictions.
     *
     * @return the number of rows, {@link #rows(int)}
     */
    public int fillLabels(int batch, int[] labels) {
        if (!data.isClassification()) {
            throw new IllegalStateException(data.name() + " is a regression dataset and has no labels");
        }
        int rows = rows(batch);
        Objects.checkFromIndexSize(0, rows, labels.length);
        int base = batch * batchSize;
        for (int r = 0; r < rows; r++) {
            labels[r] = data.label(order[base + r]);
        }
        return rows;
    }

    /** The dataset row index at position {@code r} of batch {@code batch} in the current epoch. */
    public int row(int batch, int r) {
        Objects.checkIndex(r, rows(batch));
        return order[batch * batchSize + r];
    }

    // Stafford's "Mix13" 64-bit finalizer (as used by SplitMix64): a bijection, so for one seed
    // distinct epochs get distinct, well-scrambled generator seeds.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
