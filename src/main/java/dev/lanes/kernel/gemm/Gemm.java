package dev.lanes.kernel.gemm;

import java.util.concurrent.ExecutorService;

/**
 * The portable GEMM driver: chooses a path by shape, runs the Goto/BLIS loop nest for the general
 * case, and splits work across threads. Arguments are those of {@code Kernels.sgemm} after
 * validation: m, n, k &gt; 0 and alpha != 0.
 *
 * <p>Paths:
 * <ul>
 *   <li><b>Packed</b> (the general case): loops jc over NC-column panels of B, pc over KC-deep
 *       blocks, packs the KC×NC panel of op(B) into NR-column micro-panels, then ic over MC-row
 *       blocks of op(A) packed into MR-row slivers, and the macro-kernel runs the MR×NR
 *       micro-kernel over every tile. Edge tiles are computed into a small buffer and merged.</li>
 *   <li><b>Row times matrix</b> for m == 1 (a batch of one) with B stored k×n: a register-blocked
 *       sweep over the rows of B, no packing (B is read once, as it must be).</li>
 *   <li><b>Dot products</b> when n is small and k is not (a classifier's output layer, n = 10:
 *       padding it to a wide tile would waste most of the work), or for m == 1 with B stored n×k:
 *       blocks of dot products along k, packing an operand only when its storage is not already
 *       k-contiguous.</li>
 * </ul>
 *
 * <p>Threads split C into disjoint row (or column) ranges aligned to the micro-tile, and every
 * range is summed over k in the same blocks and order as a single thread would, so the result is
 * bit-identical for every thread count. k is never split.
 */
public final class Gemm {

    private final GemmKernels kernels;
    private final Blocking blocking;
    private final int mr;
    private final int nr;
    /** The rows of the edge tile Gemm uses: the kernels' edge tile, or mr where it would lose. */
    private final int edge;
    private final int threads;
    private final ExecutorService executor;
    private final boolean vectorPacking;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    /**
     * @param kernels  the vector kernels of one width
     * @param blocking the cache blocks for those kernels; mc and nc multiples of their micro-tile
     * @param threads  the largest number of threads one call may use (≥ 1)
     * @param executor runs the helper threads; null for the library's daemon pool
     * @param vectorPacking pack A, and B stored n×k, with the kernels' vector code
     *                      ({@link GemmKernels#packA}, {@link GemmKernels#packBTransposed}: scatters,
     *                      gathers, masked stores, register transposes): up to 2× faster than the
     *                      scalar copies on AVX-512, but gathers made a forward product 3.5× slower
     *                      where they are not native instructions (AVX2 measured), so only for
     *                      CPUs with AVX-512
     */
    public Gemm(GemmKernels kernels, Blocking blocking, int threads, ExecutorService executor,
                boolean vectorPacking) {
        blocking.check(kernels.mr(), kernels.nr());
        this.blocking = blocking;
        this.vectorPacking = vectorPacking;
        this.kernels = kernels;
        this.mr = kernels.mr();
        this.nr = kernels.nr();
        this.edge = usesEdgeTile(kernels) ? kernels.edgeRows() : mr;
        this.threads = Math.max(1, threads);
        this.executor = executor;
    }

    /**
     * The accumulator chains an edge tile needs to be worth its rows: two FMA pipes of 4 cycles'
     * latency want 8 independent sums in flight. The 8×32 edge tile at 512 bits has 16 and saves
     * its rows' work; the 3-row edge tiles of the 4-row tiles at 256 and 128 bits have 6, and
     * the 3×16 one took 1.3× the time of the full 4×16 tile it replaced (784→512, prepacked,
     * one thread, Zen 3: 46 against 35 µs for 3 rows and 4). Where an edge tile has fewer chains,
     * short slivers take the full tile (the same bits: a tile's height does not change any
     * element's sum).
     */
    static final int MIN_EDGE_CHAINS = 8;

    /** Whether Gemm runs these kernels' edge tile: whether it has {@link #MIN_EDGE_CHAINS} accumulators. */
    public static boolean usesEdgeTile(GemmKernels kernels) {
        return kernels.edgeRows() * (kernels.nr() / kernels.lanes()) >= MIN_EDGE_CHAINS;
    }

    /** Per-thread packing buffers, grown on demand and then reused: steady state allocates nothing. */
    static final class Workspace {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] tile = new float[0];
        /** Gather offsets across the rows of B stored n×k. */
        final Offsets bRows = new Offsets();
        final float[] scratch = new float[GemmKernels.PACK_SCRATCH_FLOATS];
        /** This thread's arguments of a parallel call it makes (created on its first one). */
        Split split;

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }

        float[] tile(int size) {
            if (tile.length < size) {
                tile = new float[size];
            }
            return tile;
        }
    }

    /**
     * Offsets {@code q·stride} for q in 0..count-1, for vector gathers and scatters. Rewritten in
     * place when count or stride change (the layers of a network alternate), never reallocated
     * once large enough.
     */
    static final class Offsets {
        private int[] index = new int[0];
        private int count = -1;
        private int stride = -1;

        int[] of(int count, int stride) {
            if (index.length < count) {
                index = new int[count];
                this.count = -1;
            }
            if (this.count != count || this.stride != stride) {
                for (int q = 0; q < count; q++) {
                    index[q] = q * stride;
                }
                this.count = count;
                this.stride = stride;
            }
            return index;
        }
    }

    /** Which path {@link #sgemm} takes for a shape; visible so tests can aim at each path. */
    public enum Path { ROWS, DOTS, PACKED }

    /** The path a product of this shape takes. */
    public static Path path(boolean transB, int m, int n, int k) {
        if (m == 1) {
            return transB ? Path.DOTS : Path.ROWS;
        }
        if (n <= Blocking.SKINNY_N && k >= Blocking.SKINNY_MIN_K) {
            return Path.DOTS;
        }
        return Path.PACKED;
    }

    /** {@code C := alpha·op(A)·op(B) + beta·C}, row-major; see {@code Kernels.sgemm}. */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        plain(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, null, 0, false);
    }

    /**
     * {@code C := op(A)·op(B) + bias}, bias broadcast over the rows, then ReLU when {@code relu};
     * arguments valid, m, n, k &gt; 0. The bits of the plain product followed by the element-wise
     * bias broadcast and ReLU; on the packed path they are applied as tiles are written, as in the
     * prepacked {@link #sgemm(boolean, int, int, int, float[], int, int, float[], float[], int, boolean, float[], int, int)}.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb, float[] bias, int biasOffset, boolean relu,
                      float[] c, int cOffset, int ldc) {
        plain(transA, transB, m, n, k, 1f, a, aOffset, lda, b, bOffset, ldb, 0f, c, cOffset, ldc, bias, biasOffset,
                relu);
    }

    private void plain(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                       int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc,
                       float[] bias, int biasOffset, boolean relu) {
        int t = (long) m * n * k >= Blocking.PARALLEL_MNK ? threads : 1;
        switch (path(transB, m, n, k)) {
            case ROWS -> rows(t, transA, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            case DOTS -> dots(t, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            case PACKED -> {
                packed(t, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc,
                        bias, biasOffset, relu);
                return;
            }
        }
        // One row, or a few columns: a pass over C is small next to the product.
        if (bias != null) {
            kernels.biasRows(m, n, bias, biasOffset, relu, c, cOffset, ldc);
        }
    }

    // ------------------------------------------------------------------ row times matrix

    private void rows(int t, boolean transA, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        // Split columns (m is 1); every column's sum is independent of the split.
        int unit = 4 * kernels.lanes();
        int parts = Math.min(t, (n + unit - 1) / unit);
        int per = (n + unit - 1) / unit / Math.max(1, parts) * unit;
        int size = Math.max(per, unit);
        int tasks = (n + size - 1) / size;
        if (tasks == 1 || t == 1) {
            for (int task = 0; task < tasks; task++) {
                rowsTask(task, size, m, n, k, alpha, a, aOffset, aRow, aCol, b, bOffset, ldb, beta, c, cOffset, ldc);
            }
            return;
        }
        Split split = split(Path.ROWS, size, tasks, false, transA, false, m, n, k, alpha, a, aOffset, lda,
                b, bOffset, ldb, beta, c, cOffset, ldc);
        try {
            Parallel.run(tasks, t, executor, split);
        } finally {
            split.clear();
        }
    }

    private void rowsTask(int task, int size, int m, int n, int k, float alpha, float[] a, int aOffset, int aRow,
                          int aCol, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        int j0 = task * size;
        int nn = Math.min(size, n - j0);
        for (int i = 0; i < m; i++) {
            kernels.rowTimesMatrix(k, nn, alpha, a, aOffset + i * aRow, aCol,
                    b, bOffset + j0, ldb, beta, c, cOffset + i * ldc + j0);
        }
    }

    // ------------------------------------------------------------------ dot products

    /** Rows of op(A) gathered at a time when A is stored transposed. */
    private static final int DOT_ROWS = 32;

    private void dots(int t, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        float[] bRows;
        int bOff;
        int bLd;
        if (transB) {
            bRows = b;
            bOff = bOffset;
            bLd = ldb;
        } else {
            // op(B) column j is strided in storage: gather op(B)ᵀ (n×k) once, shared by all tasks.
            bRows = workspaces.get().b((int) Math.min(Integer.MAX_VALUE, (long) n * k));
            Packing.gatherRows(b, bOffset, 1, ldb, n, k, bRows);
            bOff = 0;
            bLd = k;
        }
        int blocks = (m + DOT_ROWS - 1) / DOT_ROWS;
        int tasks = Math.min(t, blocks);
        int per = (blocks + tasks - 1) / tasks;
        if (tasks == 1) {
            dotsTask(0, per, transA, m, n, k, alpha, a, aOffset, lda, bRows, bOff, bLd, beta, c, cOffset, ldc);
            return;
        }
        Split split = split(Path.DOTS, per, tasks, false, transA, true, m, n, k, alpha, a, aOffset, lda,
                bRows, bOff, bLd, beta, c, cOffset, ldc);
        try {
            Parallel.run(tasks, t, executor, split);
        } finally {
            split.clear();
        }
    }

    private void dotsTask(int task, int per, boolean transA, int m, int n, int k, float alpha,
                          float[] a, int aOffset, int lda, float[] bm, int bOff, int bLd,
                          float beta, float[] c, int cOffset, int ldc) {
        int i0 = task * per * DOT_ROWS;
        int i1 = Math.min(m, (task + 1) * per * DOT_ROWS);
        Workspace w = workspaces.get();
        float[] scratch = w.tile(GemmKernels.DOT_SCRATCH_VECTORS * kernels.lanes());
        for (int i = i0; i < i1; i += DOT_ROWS) {
            int rows = Math.min(DOT_ROWS, i1 - i);
            if (transA) {
                // op(A) row i is column i of the stored k×m matrix: gather rows×k.
                float[] ap = w.a(rows * k);
                Packing.gatherRows(a, aOffset + i, 1, lda, rows, k, ap);
                kernels.dots(rows, n, k, ap, 0, k, bm, bOff, bLd, alpha, beta, c, cOffset + i * ldc, ldc,
                        scratch);
            } else {
                kernels.dots(rows, n, k, a, aOffset + i * lda, lda, bm, bOff, bLd, alpha, beta,
                        c, cOffset + i * ldc, ldc, scratch);
            }
        }
    }

    // ------------------------------------------------------------------ packed (Goto/BLIS)

    private void packed(int t, boolean transA, boolean transB, int m, int n, int k, float alpha,
                        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                        float beta, float[] c, int cOffset, int ldc, float[] bias, int biasOffset, boolean relu) {
        if (t == 1) {
            packedRange(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc,
                    bias, biasOffset, relu, workspaces.get());
            return;
        }
        // Split the longer side of C into t ranges aligned to the micro-tile, so every tile (and so
        // every element's order of summation) is the same as with one thread.
        boolean byRows = m >= n;
        int unit = byRows ? mr : nr;
        int units = ((byRows ? m : n) + unit - 1) / unit;
        int tasks = Math.min(t, units);
        Split split = split(Path.PACKED, units, tasks, byRows, transA, transB, m, n, k, alpha, a, aOffset, lda,
                b, bOffset, ldb, beta, c, cOffset, ldc);
        split.bias = bias;
        split.biasOffset = biasOffset;
        split.relu = relu;
        try {
            Parallel.run(tasks, t, executor, split);
        } finally {
            split.clear();
        }
    }

    /** One task of a packed product split over threads: a range of whole slivers or panels. */
    private void packedTask(int task, int units, int tasks, boolean byRows, boolean transA, boolean transB,
                            int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                            float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc,
                            float[] bias, int biasOffset, boolean relu) {
        int u0 = (int) ((long) units * task / tasks);
        int u1 = (int) ((long) units * (task + 1) / tasks);
        Workspace w = workspaces.get();
        if (byRows) {
            int i0 = u0 * mr;
            int mm = Math.min(m, u1 * mr) - i0;
            int aOff = aOffset + (transA ? i0 : i0 * lda);
            packedRange(transA, transB, mm, n, k, alpha, a, aOff, lda, b, bOffset, ldb, beta,
                    c, cOffset + i0 * ldc, ldc, bias, biasOffset, relu, w);
        } else {
            int j0 = u0 * nr;
            int nn = Math.min(n, u1 * nr) - j0;
            int bOff = bOffset + (transB ? j0 * ldb : j0);
            packedRange(transA, transB, m, nn, k, alpha, a, aOffset, lda, b, bOff, ldb, beta,
                    c, cOffset + j0, ldc, bias, biasOffset + j0, relu, w);
        }
    }

    // ------------------------------------------------------------------ the tasks of a parallel call

    /**
     * The arguments of one parallel call, as the task body the helpers run. Each calling thread
     * keeps one per Gemm and reuses it (a capturing lambda would be an allocation per call); the
     * helpers read the fields after {@link Parallel} has published the call, and the caller
     * clears the array references when the call returns, so no user array is kept reachable.
     */
    private final class Split implements java.util.function.IntConsumer {
        private Path path;
        /** ROWS: columns per task; DOTS: row blocks per task; PACKED: slivers or panels in all. */
        private int chunk;
        private int tasks;
        private boolean byRows;
        private boolean transA;
        private boolean transB;
        private int m;
        private int n;
        private int k;
        private float alpha;
        private float beta;
        private float[] a;
        private float[] b;
        private float[] c;
        private int aOffset;
        private int lda;
        private int bOffset;
        private int ldb;
        private int cOffset;
        private int ldc;
        /** PACKED with B already packed: {@link #prepackedTask}. */
        private boolean prepacked;
        /** The packed paths' epilogue: bias (null for none) from biasOffset, then ReLU. */
        private float[] bias;
        private int biasOffset;
        private boolean relu;
        /** {@link #prepackedSharedA}: the caller's packed block of A (null otherwise), and its k range. */
        private float[] sharedA;
        private int pc;
        private int kc;

        @Override
        public void accept(int task) {
            if (sharedA != null) {
                sharedATask(task, chunk, tasks, m, n, k, pc, kc, alpha, sharedA, b, beta, c, cOffset, ldc,
                        bias, biasOffset, relu);
                return;
            }
            if (prepacked) {
                prepackedTask(task, chunk, tasks, byRows, transA, m, n, k, alpha, a, aOffset, lda, b, beta,
                        c, cOffset, ldc, bias, biasOffset, relu);
                return;
            }
            switch (path) {
                case ROWS -> rowsTask(task, chunk, m, n, k, alpha, a, aOffset, transA ? 1 : lda, transA ? lda : 1,
                        b, bOffset, ldb, beta, c, cOffset, ldc);
                case DOTS -> dotsTask(task, chunk, transA, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                        beta, c, cOffset, ldc);
                case PACKED -> packedTask(task, chunk, tasks, byRows, transA, transB, m, n, k, alpha, a, aOffset,
                        lda, b, bOffset, ldb, beta, c, cOffset, ldc, bias, biasOffset, relu);
            }
        }

        void clear() {
            sharedA = null;
            a = null;
            b = null;
            c = null;
            bias = null;
        }
    }

    private Split split(Path path, int chunk, int tasks, boolean byRows, boolean transA, boolean transB,
                        int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                        float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        Workspace w = workspaces.get();
        if (w.split == null) {
            w.split = new Split();
        }
        Split s = w.split;
        s.path = path;
        s.prepacked = false;
        s.sharedA = null;
        s.bias = null;
        s.chunk = chunk;
        s.tasks = tasks;
        s.byRows = byRows;
        s.transA = transA;
        s.transB = transB;
        s.m = m;
        s.n = n;
        s.k = k;
        s.alpha = alpha;
        s.beta = beta;
        s.a = a;
        s.aOffset = aOffset;
        s.lda = lda;
        s.b = b;
        s.bOffset = bOffset;
        s.ldb = ldb;
        s.c = c;
        s.cOffset = cOffset;
        s.ldc = ldc;
        return s;
    }

    /** The single-threaded loop nest over one range of C. */
    private void packedRange(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                             float beta, float[] c, int cOffset, int ldc, float[] bias, int biasOffset,
                             boolean relu, Workspace w) {
        // Blocks of equal size rather than full blocks and a remainder: with KC = 512, k = 784 as
        // 392 + 392, not 512 + 272 (a short last k block pays the C tile's load and store for little
        // work), and m = 260 as 132 + 128, not 240 + 20 (which streams the whole B panel again for
        // 20 rows).
        // The k blocks depend on k alone, so every thread count sums each element alike.
        int kcStep = evenSplit(k, blocking.kc(), 1);
        int mcStep = evenSplit(m, blocking.mc(), mr);
        int ncStep = evenSplit(n, blocking.nc(), nr);
        float[] ap = w.a(mcStep * kcStep);
        float[] bp = w.b(ncStep * kcStep);
        float[] tile = w.tile(mr * nr);
        for (int jc = 0; jc < n; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                // The first k block applies beta; later ones accumulate onto it.
                float betaK = pc == 0 ? beta : 1f;
                // The epilogue follows the last k block, when the tile holds the whole sum.
                float[] epilogue = pc + kc == k ? bias : null;
                if (!transB) {
                    kernels.packB(b, bOffset, ldb, pc, kc, jc, nc, bp, 0);
                } else if (vectorPacking) {
                    kernels.packBTransposed(b, bOffset, ldb, pc, kc, jc, nc, bp, 0, w.bRows.of(nr, ldb), w.scratch);
                } else {
                    Packing.packB(true, b, bOffset, ldb, pc, kc, jc, nc, nr, bp);
                }
                for (int ic = 0; ic < m; ic += mcStep) {
                    int mc = Math.min(mcStep, m - ic);
                    packABlock(transA, a, aOffset, lda, ic, mc, pc, kc, ap, w);
                    macroKernel(mc, nc, kc, alpha, ap, bp, 0, betaK, c, cOffset + ic * ldc + jc, ldc, tile,
                            epilogue, biasOffset + jc, relu);
                }
            }
        }
    }

    /**
     * Packs rows ic..ic+mc-1, depths pc..pc+kc-1 of op(A) into slivers, with vectors where they
     * pay. The slivers hold mr rows each from ic, except that a short last sliver starts
     * {@link #edgeShift} rows early.
     */
    private void packABlock(boolean transA, float[] a, int aOffset, int lda, int ic, int mc, int pc, int kc,
                            float[] ap, Workspace w) {
        int full = mc / mr * mr;
        int whole = vectorPacking ? full : 0;
        if (whole > 0) {
            kernels.packA(transA, a, aOffset, lda, ic, whole, pc, kc, ap, w.scratch);
        }
        if (whole < full) {
            Packing.packA(transA, a, aOffset, lda, ic + whole, full - whole, pc, kc, mr, ap, whole * kc);
        }
        if (full < mc) {
            int shift = edgeShift(mc);
            Packing.packA(transA, a, aOffset, lda, ic + full - shift, mc - full + shift, pc, kc, mr, ap, full * kc);
        }
    }

    /**
     * How many rows of a block's last full sliver move to its short last sliver. A block of mc
     * rows is whole slivers and r = mc mod mr rows more; when r ≤ 2·edge − mr, the last mr + r
     * rows are two edge tiles (edge rows, then mr − edge + r) rather than a full tile and an edge
     * tile, which computes r rows at the cost of edge. At 512 bits (mr 12, edge 8) that is
     * r ≤ 4: a batch of 16, 64, 256 or 1000 rows ends in 8 + 8 rows instead of 12 + 4. The full
     * sliver stays packed whole (its last rows are read by nobody), so every output keeps its bits.
     */
    private int edgeShift(int mc) {
        int r = mc % mr;
        return r > 0 && mc > mr && r <= 2 * edge - mr ? mr - edge : 0;
    }

    // ------------------------------------------------------------------ prepacked B

    /**
     * Whether a prepacked k×n operand is kept as n rows of k (the dot-product path's layout) rather
     * than as packed blocks: exactly the shapes for which {@link #path} chooses dot products when
     * m ≥ 2, so a prepacked product takes the path, and gives the bits, of the plain one.
     */
    static boolean packedAsRows(int n, int k) {
        return n <= Blocking.SKINNY_N && k >= Blocking.SKINNY_MIN_K;
    }

    /**
     * The name of the layout {@link #pack} writes: rows, or blocks of this tile and these block
     * sizes (two drivers with equal names read each other's packed operands).
     */
    public String packedLayout(int k, int n) {
        if (k == 0 || n == 0) {
            return "empty";
        }
        if (packedAsRows(n, k)) {
            return "rows (n x k)";
        }
        return "blocks " + mr + "x" + nr + " kc" + evenSplit(k, blocking.kc(), 1) + " nc" + evenSplit(n, blocking.nc(), nr);
    }

    /** What {@link #pack}'s layout depends on besides k and n: the tile and the block bounds. */
    public String packedFamily() {
        return "tile " + mr + "x" + nr + ", blocks up to kc" + blocking.kc() + " mc" + blocking.mc() + " nc" + blocking.nc();
    }

    /** Floats {@link #pack} writes for a k×n operand, k, n &gt; 0: n padded to the tile, times k. */
    public long packedSize(int k, int n) {
        return packedAsRows(n, k) ? (long) n * k : (long) roundUp(n, nr) * k;
    }

    /**
     * Packs op(B), k×n, for {@link #sgemm(boolean, int, int, int, float, float[], int, int, float[], float, float[], int, int)}.
     * Blocks layout: the KC×NC panels the plain product packs one at a time, laid end to end — the
     * column block starting at jc from {@code jc·k}, and in it the depth block starting at pc from
     * {@code pc·roundUp(nc, nr)}, each in {@link Packing#packB}'s micro-panel layout. Rows layout:
     * op(B)ᵀ, n×k row-major.
     */
    public void pack(boolean transB, int k, int n, float[] b, int bOffset, int ldb, float[] dst) {
        pack(transB, k, n, b, bOffset, ldb, dst, 0, 1);
    }

    /**
     * Part {@code part} of {@code parts} of {@link #pack}: the blocks layout's micro-panels are
     * shared out in contiguous runs of nearly equal count (a rows layout is all in part 0), so
     * several threads can pack one operand, each its part, concurrently and into the same dst.
     * The parts write disjoint ranges of dst and, together, exactly what {@link #pack} writes.
     * Uses the kernels' vector packing where the plain product does.
     */
    public void pack(boolean transB, int k, int n, float[] b, int bOffset, int ldb, float[] dst, int part, int parts) {
        if (packedAsRows(n, k)) {
            if (part != 0) {
                return;
            }
            if (transB) {
                Packing.gatherRows(b, bOffset, ldb, 1, n, k, dst);
            } else {
                Packing.gatherRows(b, bOffset, 1, ldb, n, k, dst);
            }
            return;
        }
        int kcStep = evenSplit(k, blocking.kc(), 1);
        int ncStep = evenSplit(n, blocking.nc(), nr);
        int panels = (n + nr - 1) / nr;
        // This part's columns: whole micro-panels q0..q1-1 of the whole width.
        int from = (int) ((long) panels * part / parts) * nr;
        int to = Math.min(n, (int) ((long) panels * (part + 1) / parts) * nr);
        Workspace w = vectorPacking && transB ? workspaces.get() : null;
        for (int jc = from / ncStep * ncStep; jc < to; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            int ncPadded = roundUp(nc, nr);
            int j0 = Math.max(jc, from);
            int j1 = Math.min(jc + nc, to);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                // Micro-panel (j0 − jc)/nr of this block starts (j0 − jc)/nr · kc·nr floats in.
                int at = jc * k + pc * ncPadded + (j0 - jc) * kc;
                if (!transB) {
                    kernels.packB(b, bOffset, ldb, pc, kc, j0, j1 - j0, dst, at);
                } else if (w != null) {
                    kernels.packBTransposed(b, bOffset, ldb, pc, kc, j0, j1 - j0, dst, at, w.bRows.of(nr, ldb),
                            w.scratch);
                } else {
                    Packing.packB(true, b, bOffset, ldb, pc, kc, j0, j1 - j0, nr, dst, at);
                }
            }
        }
    }

    /**
     * {@code C := alpha·op(A)·B + beta·C} with B packed by {@link #pack}; arguments valid, m, n,
     * k &gt; 0, alpha != 0. On several threads, an A of at most one block of rows (m ≤ MC: a
     * predictor's small batch) is packed once and the threads claim ranges of B's panels, a few
     * per thread ({@link #prepackedSharedA}). Otherwise (a taller A, or fewer than two panels of
     * B per thread) C is split by rows when there are enough slivers (each task then packs only
     * its own rows of A and all read the one packed B), else by column panels.
     */
    public void sgemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                      float[] packed, float beta, float[] c, int cOffset, int ldc) {
        prepacked(transA, m, n, k, alpha, a, aOffset, lda, packed, beta, c, cOffset, ldc, null, 0, false);
    }

    /**
     * {@code C := op(A)·B + bias}, bias broadcast over the rows, then ReLU when {@code relu}, with
     * B packed by {@link #pack}; arguments valid, m, n, k &gt; 0. On the packed path whole tiles
     * of a one-block sum add the bias and apply ReLU in the micro-kernel's store
     * ({@link GemmKernels#tileBias}); other tiles get them right after they are written, while in
     * cache. Either way every element gets the bits of the product followed by the element-wise
     * bias broadcast and ReLU, and C is not passed over twice more.
     */
    public void sgemm(boolean transA, int m, int n, int k, float[] a, int aOffset, int lda, float[] packed,
                      float[] bias, int biasOffset, boolean relu, float[] c, int cOffset, int ldc) {
        prepacked(transA, m, n, k, 1f, a, aOffset, lda, packed, 0f, c, cOffset, ldc, bias, biasOffset, relu);
    }

    private void prepacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                           float[] packed, float beta, float[] c, int cOffset, int ldc,
                           float[] bias, int biasOffset, boolean relu) {
        long mnk = (long) m * n * k;
        int panels = (n + nr - 1) / nr;
        boolean asRows = packedAsRows(n, k);
        // One block of rows against at least two panels per thread splits with one hand-off per
        // k block, so it pays from a smaller product than the other splits.
        boolean sharedA = !asRows && m <= blocking.mc() && panels >= 2 * threads;
        int t = mnk >= Blocking.PARALLEL_MNK || sharedA && mnk >= Blocking.PARALLEL_SHARED_A_MNK ? threads : 1;
        if (asRows) {
            dots(t, transA, true, m, n, k, alpha, a, aOffset, lda, packed, 0, k, beta, c, cOffset, ldc);
            if (bias != null) {
                kernels.biasRows(m, n, bias, biasOffset, relu, c, cOffset, ldc);
            }
            return;
        }
        if (t == 1) {
            prepackedRange(transA, m, n, k, 0, n, alpha, a, aOffset, lda, packed, beta, c, cOffset, ldc,
                    bias, biasOffset, relu, workspaces.get());
            return;
        }
        if (sharedA) {
            prepackedSharedA(t, panels, transA, m, n, k, alpha, a, aOffset, lda, packed, beta, c, cOffset, ldc,
                    bias, biasOffset, relu);
            return;
        }
        int slivers = (m + mr - 1) / mr;
        boolean byRows = slivers >= 2 * t || m >= n;
        int units = byRows ? slivers : panels;
        int tasks = Math.min(t, units);
        Split split = prepackedSplit(units, tasks, byRows, transA, m, n, k, alpha, a, aOffset, lda, packed, beta,
                c, cOffset, ldc, bias, biasOffset, relu);
        try {
            Parallel.run(tasks, t, executor, split);
        } finally {
            split.clear();
        }
    }

    /** The calling thread's {@link Split}, set up for a prepacked product and its epilogue. */
    private Split prepackedSplit(int units, int tasks, boolean byRows, boolean transA, int m, int n, int k,
                                 float alpha, float[] a, int aOffset, int lda, float[] packed, float beta,
                                 float[] c, int cOffset, int ldc, float[] bias, int biasOffset, boolean relu) {
        Split split = split(Path.PACKED, units, tasks, byRows, transA, true, m, n, k, alpha, a, aOffset, lda,
                packed, 0, 0, beta, c, cOffset, ldc);
        split.prepacked = true;
        split.bias = bias;
        split.biasOffset = biasOffset;
        split.relu = relu;
        return split;
    }

    /**
     * Tasks per thread when the threads share one packed block of A and take B's panels: enough
     * that a thread slowed by another process hands its share to the others.
     */
    static final int PANEL_TASKS_PER_THREAD = 4;

    /**
     * A prepacked product of at most one block of rows (m ≤ MC) on t threads. Splitting such an A
     * by rows would have every thread stream all of B (the weights, for a layer) for a few rows,
     * in one fixed share per thread; instead the caller packs each k block of op(A) once, into its
     * workspace, and the threads claim ranges of B's panels, {@value #PANEL_TASKS_PER_THREAD} per
     * thread, reading that packed block: one hand-off per k block. (Packing the block on all
     * threads first, a range of slivers each, took 0.98–1.03× the time at 32 and 48 rows on two
     * threads, for a second hand-off.) Every element is summed over the same k blocks by the same
     * tiles as in {@link #prepackedRange}, so the bits are those of one thread.
     */
    private void prepackedSharedA(int t, int panels, boolean transA, int m, int n, int k, float alpha,
                                  float[] a, int aOffset, int lda, float[] packed, float beta,
                                  float[] c, int cOffset, int ldc, float[] bias, int biasOffset, boolean relu) {
        int kcStep = evenSplit(k, blocking.kc(), 1);
        int mcStep = evenSplit(m, blocking.mc(), mr);
        Workspace w = workspaces.get();
        float[] ap = w.a(mcStep * kcStep);
        int tasks = Math.min(panels, PANEL_TASKS_PER_THREAD * t);
        Split split = prepackedSplit(panels, tasks, false, transA, m, n, k, alpha, a, aOffset, lda, packed, beta,
                c, cOffset, ldc, bias, biasOffset, relu);
        split.sharedA = ap;
        try {
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                // Written before Parallel.run publishes the call, read by the tasks after it.
                packABlock(transA, a, aOffset, lda, 0, m, pc, kc, ap, w);
                split.pc = pc;
                split.kc = kc;
                Parallel.run(tasks, t, executor, split);
            }
        } finally {
            split.clear();
        }
    }

    /** One task of {@link #prepackedSharedA}: k block pc..pc+kc-1 of a range of B's panels. */
    private void sharedATask(int task, int panels, int tasks, int m, int n, int k, int pc, int kc, float alpha,
                             float[] ap, float[] packed, float beta, float[] c, int cOffset, int ldc,
                             float[] bias, int biasOffset, boolean relu) {
        int j0 = (int) ((long) panels * task / tasks) * nr;
        int j1 = Math.min(n, (int) ((long) panels * (task + 1) / tasks) * nr);
        int ncStep = evenSplit(n, blocking.nc(), nr);
        float[] tile = workspaces.get().tile(mr * nr);
        float betaK = pc == 0 ? beta : 1f;
        float[] epilogue = pc + kc == k ? bias : null;
        for (int jc = j0 / ncStep * ncStep; jc < j1; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            int from = Math.max(jc, j0);
            int to = Math.min(jc + nc, j1);
            // As in prepackedRange: panel (from − jc)/nr of block pc of this column block.
            int panelsOffset = jc * k + pc * roundUp(nc, nr) + (from - jc) * kc;
            macroKernel(m, to - from, kc, alpha, ap, packed, panelsOffset, betaK, c, cOffset + from, ldc, tile,
                    epilogue, biasOffset + from, relu);
        }
    }

    /** One task of a prepacked product split over threads: a range of whole slivers or panels. */
    private void prepackedTask(int task, int units, int tasks, boolean byRows, boolean transA, int m, int n, int k,
                               float alpha, float[] a, int aOffset, int lda, float[] packed, float beta,
                               float[] c, int cOffset, int ldc, float[] bias, int biasOffset, boolean relu) {
        int u0 = (int) ((long) units * task / tasks);
        int u1 = (int) ((long) units * (task + 1) / tasks);
        Workspace w = workspaces.get();
        if (byRows) {
            int i0 = u0 * mr;
            int mm = Math.min(m, u1 * mr) - i0;
            prepackedRange(transA, mm, n, k, 0, n, alpha, a, aOffset + (transA ? i0 : i0 * lda), lda, packed, beta,
                    c, cOffset + i0 * ldc, ldc, bias, biasOffset, relu, w);
        } else {
            prepackedRange(transA, m, n, k, u0 * nr, Math.min(n, u1 * nr), alpha, a, aOffset, lda, packed, beta,
                    c, cOffset, ldc, bias, biasOffset, relu, w);
        }
    }

    /**
     * The loop nest of {@link #packedRange} over columns j0..j1-1 of C (j0 a multiple of nr), reading
     * B's panels where {@link #pack} put them. The blocks of k, and so every element's order of
     * summation, are those of the plain product.
     */
    private void prepackedRange(boolean transA, int m, int n, int k, int j0, int j1, float alpha,
                                float[] a, int aOffset, int lda, float[] bp, float beta,
                                float[] c, int cOffset, int ldc, float[] bias, int biasOffset, boolean relu,
                                Workspace w) {
        int kcStep = evenSplit(k, blocking.kc(), 1);
        int mcStep = evenSplit(m, blocking.mc(), mr);
        int ncStep = evenSplit(n, blocking.nc(), nr);
        float[] ap = w.a(mcStep * kcStep);
        float[] tile = w.tile(mr * nr);
        for (int jc = j0 / ncStep * ncStep; jc < j1; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            int ncPadded = roundUp(nc, nr);
            int from = Math.max(jc, j0);
            int to = Math.min(jc + nc, j1);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                float betaK = pc == 0 ? beta : 1f;
                // The epilogue follows the last k block, when the tile holds the whole sum.
                float[] epilogue = pc + kc == k ? bias : null;
                // Panel (from − jc)/nr of this block starts (from − jc)/nr · kc·nr floats in.
                int panels = jc * k + pc * ncPadded + (from - jc) * kc;
                for (int ic = 0; ic < m; ic += mcStep) {
                    int mc = Math.min(mcStep, m - ic);
                    packABlock(transA, a, aOffset, lda, ic, mc, pc, kc, ap, w);
                    macroKernel(mc, to - from, kc, alpha, ap, bp, panels, betaK, c, cOffset + ic * ldc + from, ldc,
                            tile, epilogue, biasOffset + from, relu);
                }
            }
        }
    }

    /**
     * The step that cuts {@code extent} into the fewest blocks of at most {@code max}, all of
     * nearly equal size, rounded up to a multiple of {@code unit} (which {@code max} is too).
     */
    static int evenSplit(int extent, int max, int unit) {
        int blocks = (extent + max - 1) / max;
        return roundUp((extent + blocks - 1) / blocks, unit);
    }

    /**
     * The tiles of one block of C. With a bias (null for none) from biasOffset for the block's
     * first column, each tile gets the bias and ReLU as it is written ({@link GemmKernels#tileBias})
     * or right after ({@link GemmKernels#biasRows}).
     */
    private void macroKernel(int mc, int nc, int kc, float alpha, float[] ap, float[] bp, int bpOffset, float beta,
                             float[] c, int cOffset, int ldc, float[] tile, float[] bias, int biasOffset,
                             boolean relu) {
        GemmKernels kern = kernels;
        // With an edge shift the last full sliver computes only its first edge rows, and the
        // short sliver packed after it starts there (see packABlock).
        int shortened = edgeShift(mc) > 0 ? mc / mr * mr - mr : -1;
        // Whole tiles of a one-block sum add the bias in their own store; every other tile (a
        // partial one through the buffer, or the last of several k blocks) is followed by biasRows.
        boolean fused = bias != null && beta == 0f && alpha == 1f;
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int bOff = bpOffset + jr * kc;
            for (int ir = 0, aOff = 0, rows; ir < mc; ir += rows, aOff += mr * kc) {
                rows = ir == shortened ? edge : Math.min(mr, mc - ir);
                int cOff = cOffset + ir * ldc + jr;
                if (fused && cols == nr && (rows == mr || rows == edge)) {
                    if (rows == mr) {
                        kern.tileBias(kc, ap, aOff, bp, bOff, bias, biasOffset + jr, relu, c, cOff, ldc);
                    } else {
                        kern.tileEdgeBias(kc, ap, aOff, bp, bOff, bias, biasOffset + jr, relu, c, cOff, ldc);
                    }
                    continue;
                }
                if (beta == 0f && rows == mr && cols == nr) {
                    kern.tile(kc, ap, aOff, bp, bOff, alpha, c, cOff, ldc);
                } else if (beta == 0f && rows == edge && cols == nr) {
                    kern.tileEdge(kc, ap, aOff, bp, bOff, alpha, c, cOff, ldc);
                } else if (beta == 0f) {
                    // Edge tile: into the buffer, then copy the valid part.
                    edgeIntoBuffer(kern, rows, kc, ap, aOff, bp, bOff, alpha, tile);
                    for (int i = 0; i < rows; i++) {
                        System.arraycopy(tile, i * nr, c, cOff + i * ldc, cols);
                    }
                } else if (rows == mr && cols == nr) {
                    kern.tileBeta(kc, ap, aOff, bp, bOff, alpha, beta, c, cOff, ldc);
                } else {
                    edgeIntoBuffer(kern, rows, kc, ap, aOff, bp, bOff, alpha, tile);
                    kern.mergeTile(rows, cols, tile, beta, c, cOff, ldc);
                }
                if (bias != null) {
                    kern.biasRows(rows, cols, bias, biasOffset + jr, relu, c, cOff, ldc);
                }
            }
        }
    }

    /**
     * A partial tile of {@code rows} rows into the buffer: the narrower edge tile when it is used
     * and its rows suffice (the same bits), else the full tile.
     */
    private void edgeIntoBuffer(GemmKernels kern, int rows, int kc, float[] ap, int aOff, float[] bp, int bOff,
                                float alpha, float[] tile) {
        if (rows <= edge && edge < mr) {
            kern.tileEdge(kc, ap, aOff, bp, bOff, alpha, tile, 0, nr);
        } else {
            kern.tile(kc, ap, aOff, bp, bOff, alpha, tile, 0, nr);
        }
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
