package dev.lanes.nn;

import dev.lanes.kernel.Kernels;

import java.util.function.IntConsumer;

/**
 * How one batch runs on several threads: the forward pass, the loss and the row-wise half of the
 * backward pass in row shards, then the parameter gradients split by units.
 *
 * <h2>The parallel regions of a training step</h2>
 * <ol>
 *   <li><b>Weights, packed once.</b> When the batch is cut into several shards, each dense layer's
 *       W is first packed for the micro-kernels (for the forward product and for Δ·W) in one part
 *       per shard, on the same threads, instead of by every shard again; the shards' products
 *       then read the packed copy ({@link Layer#beginShared}, {@link Layer#prepareShared}). A
 *       prepacked product has the bits of the plain one for two rows or more. A batch too small
 *       for two shards (at least {@link #MIN_SPLIT_PRODUCT_ROWS} rows) gets the packed copy too,
 *       in one part per thread, and runs as one shard on the threaded kernels: each of its
 *       products then splits itself over the threads, which share one packed block of its input
 *       and claim ranges of W's panels.</li>
 *   <li><b>Rows.</b> Every operation up to the parameter gradients is row-local: row r of a
 *       layer's output needs only row r of its input, and row r of ∂C/∂(input) only row r of the
 *       layer's error. So the batch is cut into shards of consecutive rows and each task runs,
 *       for its shard, every layer's forward (GEMM, bias and activation), the loss's output error,
 *       and every layer's row-wise backward (σ′ and Δ·W) down to the first layer, with no barrier
 *       between layers.</li>
 *   <li><b>Units.</b> A layer's weight gradient Δᵀ·A sums over all rows, so it waits for the whole
 *       first region; it is then cut by output units (rows of dW, entries of db), across all
 *       layers at once, into pieces of about equal work.</li>
 * </ol>
 *
 * <h2>Same bits for every thread count</h2>
 * No value is ever summed across a cut: a shard's GEMM rows are the same products over the same
 * k blocks as the whole batch's, and a unit's gradient is summed over the whole batch in row
 * order. So the outputs, errors and gradients do not depend on the number of shards or pieces,
 * and equal those of one thread. The loss is summed row by row in order by the caller. A shard
 * or piece never has a single row or unit unless the whole batch or layer has (a one-row product
 * takes another GEMM path, with another order of summation).
 *
 * <p>Not thread-safe, like the network it belongs to; allocates nothing once the workspace holds
 * the batch.
 */
final class BatchPass {

    /**
     * Shards are at least this many rows. Measured on 2 vCPUs, interleaved: a batch of 64 in two
     * shards of 32 rows was 1.08–1.15× slower than on one thread when every shard packed every
     * layer's W again (~0.1 ms for 784-512-512-10), and still 1.12–1.13× slower with W packed once
     * per step and shared; at 128 rows per shard two threads were 1.2–1.3× faster.
     */
    static final int MIN_SHARD_ROWS = 64;
    /**
     * A training batch too small for two shards but of at least this many rows (and
     * {@link #MIN_SPLIT_PRODUCT_WORK}) runs as one shard whose products split themselves over the
     * threads: W packed once per step (in one part per thread), and each prepacked product's
     * threads sharing one packed block of its input and claiming ranges of W's panels. Below it
     * the batch runs on one thread. Measured on 2 vCPUs, 784-512-512-10, against the build that
     * ran such batches on one thread, in turns: batch 64 took 0.84–0.90× the time, batch 32
     * 0.80–0.95×; with another process keeping one CPU busy, batch 64 took 1.09–1.10× (a task
     * the descheduled helper has claimed is waited for).
     */
    static final int MIN_SPLIT_PRODUCT_ROWS = 32;
    /**
     * Multiply-adds of a forward pass below which a one-shard batch stays on one thread: about
     * the size at which the GEMM itself first splits a product (192³), so a small network never
     * pays a hand-off for products too small to split.
     */
    static final long MIN_SPLIT_PRODUCT_WORK = 1L << 23;
    /**
     * A shard or piece must hold at least this many multiply-adds (~10 µs on one core) to be worth
     * a hand-off to another thread; smaller batches run on fewer threads, so more threads never
     * make a small batch slower.
     */
    static final long MIN_TASK_WORK = 1L << 20;
    /**
     * A gradient run is at least this many multiply-adds (~0.4 ms on one core). Measured on 2
     * vCPUs, interleaved: a 64-row batch of 784-512-512-10 (43M multiply-adds of gradients) in two
     * runs of ~21M was slower than in one.
     */
    static final long MIN_RUN_WORK = 1L << 25;
    /** Pieces of a layer's parameter gradients are at least this many units. */
    static final int MIN_PIECE_UNITS = 8;

    private final Layer[] layers;
    private final int[] sizes;
    private final Workspace workspace;
    private final Kernels kernels;
    private final Kernels single;
    private final Loss loss;
    private final boolean softmaxOutput;
    /** Multiply-adds per row of a forward pass. */
    private final long forwardWorkPerRow;

    /** Offset of each layer's parameters in the flat array. */
    private final int[] offsets;
    /**
     * Layers whose {@link Layer#updateUnits} does not hand over exactly their parameters (a layer
     * kind that keeps the default): a fused step updates them whole after the gradients.
     */
    private final boolean[] updatedWhole;

    private final RowsTask rowsTask = new RowsTask();
    private final PrepareTask prepareTask = new PrepareTask();
    /** Which layers prepare shared work for the current batch (region 0). */
    private final boolean[] shared;
    private final GradientTask gradientTask = new GradientTask();
    /** The pieces of the parameter gradients: layer, first unit, end unit. */
    private final int[] pieceLayer;
    private final int[] pieceFrom;
    private final int[] pieceTo;
    private final int[] pieceRun;

    BatchPass(Layer[] layers, int[] sizes, int[] offsets, Workspace workspace, Kernels kernels, Loss loss,
              boolean softmaxOutput) {
        this.layers = layers;
        this.offsets = offsets;
        this.updatedWhole = new boolean[layers.length];
        this.shared = new boolean[layers.length];
        for (int l = 0; l < layers.length; l++) {
            updatedWhole[l] = layers[l].parameterCount() > 0 && !handsOverExactly(layers[l], offsets[l]);
        }
        this.sizes = sizes;
        this.workspace = workspace;
        this.kernels = kernels;
        this.single = kernels.singleThreaded();
        this.loss = loss;
        this.softmaxOutput = softmaxOutput;
        long w = 0;
        for (Layer l : layers) {
            w += l.gradientWorkPerUnit(1) * l.gradientUnits();
        }
        this.forwardWorkPerRow = Math.max(1, w);
        // a piece ends at a layer end or near a run boundary (at most two pieces per boundary)
        int maxPieces = 2 * (layers.length + Math.max(1, kernels.threads()));
        this.pieceLayer = new int[maxPieces];
        this.pieceFrom = new int[maxPieces];
        this.pieceTo = new int[maxPieces];
        this.pieceRun = new int[maxPieces];
    }

    /**
     * Whether {@code layer.updateUnits} over all its units hands over exactly the flat range
     * {@code [offset, offset + parameterCount())}, each parameter once.
     */
    private static boolean handsOverExactly(Layer layer, int offset) {
        java.util.List<int[]> ranges = new java.util.ArrayList<>();
        layer.updateUnits(new StepUpdate() {
            @Override
            public Network network() {
                return null;
            }

            @Override
            public Gradients gradients() {
                return null;
            }

            @Override
            public void begin() {
            }

            @Override
            public void apply(int from, int to) {
                ranges.add(new int[] {from, to});
            }
        }, 0, layer.gradientUnits());
        ranges.sort(java.util.Comparator.comparingInt(r -> r[0]));
        long at = offset;
        for (int[] r : ranges) {
            if (r[0] != at || r[1] < r[0]) {
                return false;
            }
            at = r[1];
        }
        return at == (long) offset + layer.parameterCount();
    }

    /** The number of row shards for a batch, each doing {@code passes} times a forward's work per row. */
    int shards(int rows, int passes) {
        int threads = kernels.threads();
        if (threads <= 1 || rows < 2 * MIN_SHARD_ROWS) {
            return 1;
        }
        long byWork = (long) rows * forwardWorkPerRow * passes / MIN_TASK_WORK;
        return (int) Math.max(1, Math.min(threads, Math.min(rows / MIN_SHARD_ROWS, byWork)));
    }

    /** Whether a training batch of one shard splits its products over the threads. */
    boolean splitsProducts(int rows) {
        return kernels.threads() > 1 && rows >= MIN_SPLIT_PRODUCT_ROWS
                && (long) rows * forwardWorkPerRow >= MIN_SPLIT_PRODUCT_WORK;
    }

    /** The number of gradient runs for {@code total} multiply-adds of parameter gradients. */
    int gradientRuns(long total) {
        return (int) Math.max(1, Math.min(kernels.threads(), total / MIN_RUN_WORK));
    }

    /** The multiply-adds of the parameter gradients of a batch of rows. */
    long gradientWork(int rows) {
        long total = 0;
        for (Layer l : layers) {
            total += l.gradientWorkPerUnit(rows) * l.gradientUnits();
        }
        return total;
    }

    /** First row of shard s of n over a batch of rows. */
    private static int shardStart(int rows, int s, int n) {
        return (int) ((long) rows * s / n);
    }

    /**
     * Forward, loss and backward of a training batch; returns the batch cost and leaves ∂C/∂θ in
     * {@code grad}. With an {@code update} and a finite cost, each piece of the parameters is also
     * updated right after its gradients (see {@link StepUpdate}). The workspace must hold the batch.
     */
    double train(float[] x, float[] y, int rows, float[] grad, StepUpdate update) {
        for (Layer l : layers) {
            l.beginBatch(rows, true);
        }
        RowsTask t = rowsTask;
        int shards = shards(rows, 3);
        boolean splitProducts = shards == 1 && splitsProducts(rows);
        prepareShared(splitProducts ? kernels.threads() : shards);
        t.set(x, 0, y, 0, rows, true, shards);
        t.kernels = splitProducts ? kernels : single;
        try {
            run(t.shards, t);
        } finally {
            t.clear(); // no caller's array stays reachable from the network
        }
        // The cost needs only the outputs, so it is known before the gradients: a step whose cost
        // is not finite updates nothing.
        double cost = cost(y, rows);
        StepUpdate u = update != null && Double.isFinite(cost) ? update : null;
        if (u != null) {
            u.begin();
        }
        computeParameterGradients(x, rows, grad, u);
        if (u != null) {
            for (int l = 0; l < layers.length; l++) {
                if (updatedWhole[l]) {
                    u.apply(offsets[l], offsets[l] + layers[l].parameterCount());
                }
            }
        }
        return cost;
    }

    private double cost(float[] y, int rows) {
        int last = layers.length - 1;
        if (loss == Loss.CROSS_ENTROPY) {
            double total = 0;
            double[] rl = workspace.rowLoss;
            for (int r = 0; r < rows; r++) {
                total += rl[r];
            }
            return total / rows;
        }
        return kernels.mseLoss(rows, sizes[last + 1], workspace.activations[last], 0, y, 0, null, 0);
    }

    /**
     * Forward only (evaluation and prediction mode) of rows × m₀ inputs at {@code xOffset}. With
     * {@code y} (targets at {@code yOffset}) and a cross-entropy loss, the outputs become
     * probabilities and each row's loss is left in the workspace; otherwise a softmax output layer
     * is turned into probabilities when {@code probabilities} is set.
     */
    void forward(float[] x, int xOffset, float[] y, int yOffset, int rows, boolean probabilities) {
        for (Layer l : layers) {
            l.beginBatch(rows, false);
        }
        RowsTask t = rowsTask;
        // No shared packing here: with the forward alone in each shard, packing Wᵀ once and
        // reading the other thread's half of it made prediction slower (1.06–1.17× the time of
        // each shard packing its own, two threads, 256 and 512 rows).
        t.set(x, xOffset, y, yOffset, rows, false, shards(rows, 1));
        t.probabilities = probabilities;
        try {
            run(t.shards, t);
        } finally {
            t.clear();
        }
    }

    /**
     * Region 0, before a training batch cut into several shards (or run as one shard whose
     * products split over the threads): the work every shard or product would repeat (each dense
     * layer's packing of W, for the forward product and for Δ·W) done once, in {@code parts}
     * parts, on the threads that will use it. Nothing for one part.
     */
    private void prepareShared(int parts) {
        if (parts <= 1) {
            return;
        }
        boolean any = false;
        for (int l = 0; l < layers.length; l++) {
            // The first layer's backward computes no ∂C/∂(input).
            shared[l] = layers[l].beginShared(single, l > 0);
            any |= shared[l];
        }
        if (any) {
            prepareTask.parts = parts;
            run(parts, prepareTask);
        }
    }

    /** Region 0's task: part {@code part} of every sharing layer's preparation. */
    private final class PrepareTask implements IntConsumer {
        int parts;

        @Override
        public void accept(int part) {
            for (int l = 0; l < layers.length; l++) {
                if (shared[l]) {
                    layers[l].prepareShared(single, part, parts);
                }
            }
        }
    }

    private void run(int tasks, IntConsumer body) {
        if (tasks == 1) {
            body.accept(0);
        } else {
            kernels.forEachTask(tasks, body);
        }
    }

    /** Region 1: one shard of rows through every layer and back. */
    private final class RowsTask implements IntConsumer {
        float[] x;
        int xOffset;
        float[] y;
        int yOffset;
        int rows;
        boolean training;
        boolean probabilities;
        int shards;
        /**
         * The kernels of a shard: single-threaded when there are several shards; for a training
         * batch of one shard, the threaded ones ({@link #MIN_SPLIT_PRODUCT_ROWS}).
         */
        Kernels kernels;

        void set(float[] x, int xOffset, float[] y, int yOffset, int rows, boolean training, int shards) {
            this.x = x;
            this.xOffset = xOffset;
            this.y = y;
            this.yOffset = yOffset;
            this.rows = rows;
            this.training = training;
            this.shards = shards;
            this.probabilities = false;
            this.kernels = single;
        }

        void clear() {
            x = null;
            y = null;
        }

        @Override
        public void accept(int s) {
            int first = shardStart(rows, s, shards);
            int count = shardStart(rows, s + 1, shards) - first;
            if (count == 0) {
                return;
            }
            Kernels k = kernels;
            Workspace w = workspace;
            int last = layers.length - 1;
            for (int l = 0; l <= last; l++) {
                float[] in = l == 0 ? x : w.activations[l - 1];
                layers[l].forward(k, first, count, in, l == 0 ? xOffset : 0, w.activations[l], training);
            }
            int mL = sizes[last + 1];
            float[] out = w.activations[last];
            int o = first * mL;
            if (!training) {
                if (y != null && loss == Loss.CROSS_ENTROPY) {
                    k.softmaxCrossEntropyRows(count, mL, out, o, y, yOffset + o, w.rowLoss, first);
                } else if (probabilities && softmaxOutput) {
                    k.softmaxRows(count, mL, out, o, mL);
                }
                return;
            }
            float[] delta = w.deltas[last];
            if (loss == Loss.CROSS_ENTROPY) {
                // P = softmax(Z_L) in place, each row's loss kept; ∂C/∂Z_L = (P − Y)/B, which the
                // softmax output layer's backward takes as its error
                k.softmaxCrossEntropyRows(count, mL, out, o, y, o, w.rowLoss, first);
                k.scaledDifference(count * mL, 1f / rows, out, o, y, o, delta, o);
            } else {
                // ∂C/∂A_L = (2/B)(A_L − Y); the output layer applies its own σ'
                k.scaledDifference(count * mL, 2f / rows, out, o, y, o, delta, o);
            }
            for (int l = last; l >= 0; l--) {
                layers[l].backwardRows(k, first, count, w.activations[l], w.deltas[l],
                        l == 0 ? null : w.deltas[l - 1]);
            }
        }
    }

    /**
     * Region 2: cuts the parameter gradients of all layers into one run of pieces per thread, of
     * equal work (multiply-adds), and runs them. Layers are laid end to end in layer order and
     * cut at every 1/threads of the total, at a multiple of {@link #MIN_PIECE_UNITS} units, so a
     * thread's run is the tail of one layer and the head of the next rather than small pieces of
     * every layer (each piece packs the layer's whole input again).
     */
    private void computeParameterGradients(float[] x, int rows, float[] grad, StepUpdate update) {
        long total = gradientWork(rows);
        int runs = gradientRuns(total);
        int pieces = 0;
        long before = 0;
        for (int l = 0; l < layers.length; l++) {
            int units = layers[l].gradientUnits();
            if (units == 0) {
                continue;
            }
            long perUnit = Math.max(1, layers[l].gradientWorkPerUnit(rows));
            int from = 0;
            while (from < units) {
                // the run the unit `from` falls in, and where that run ends within this layer
                int run = (int) Math.min(runs - 1, (before + from * perUnit) * runs / Math.max(1, total));
                long runEnd = total * (run + 1) / runs;
                long cut = (runEnd - before + perUnit - 1) / perUnit;
                int to = (int) Math.min(units, Math.max(from + 1, cut));
                if (to < units) {
                    to = Math.min(units, (to + MIN_PIECE_UNITS / 2) / MIN_PIECE_UNITS * MIN_PIECE_UNITS);
                    if (to - from < MIN_PIECE_UNITS) {
                        to = Math.min(units, from + MIN_PIECE_UNITS);
                    }
                    if (units - to < MIN_PIECE_UNITS) {
                        to = units;
                    }
                }
                pieceLayer[pieces] = l;
                pieceFrom[pieces] = from;
                pieceTo[pieces] = to;
                pieceRun[pieces] = run;
                pieces++;
                from = to;
            }
            before += units * perUnit;
        }
        GradientTask t = gradientTask;
        t.x = x;
        t.rows = rows;
        t.grad = grad;
        t.update = update;
        t.pieces = pieces;
        t.parallel = runs > 1;
        try {
            if (t.parallel) {
                kernels.forEachTask(runs, t);
            } else {
                t.accept(0);
            }
        } finally {
            t.x = null;
            t.grad = null;
            t.update = null;
        }
    }

    private final class GradientTask implements IntConsumer {
        float[] x;
        int rows;
        float[] grad;
        StepUpdate update;
        int pieces;
        boolean parallel;

        @Override
        public void accept(int run) {
            Kernels k = single;
            for (int p = 0; p < pieces; p++) {
                if (parallel && pieceRun[p] != run) {
                    continue;
                }
                int l = pieceLayer[p];
                float[] in = l == 0 ? x : workspace.activations[l - 1];
                layers[l].parameterGradients(k, rows, in, 0, workspace.deltas[l], grad, pieceFrom[p], pieceTo[p]);
                if (update != null && !updatedWhole[l]) {
                    // while this piece's gradients are still in this core's cache
                    layers[l].updateUnits(update, pieceFrom[p], pieceTo[p]);
                }
            }
        }
    }
}
