package dev.lanes.kernel.gemm;

/**
 * The cache blocking of the packed GEMM: upper bounds on the three extents of the Goto/BLIS loop
 * nest. Each vector width has its own in {@code KernelRegistry}: 240/512/3072 at 128 bits, for the
 * reasons below, 240/1024/1536 at 512 bits and 240/1024/3072 at 256 bits, for the reasons after
 * them.
 *
 * <p>The Goto/BLIS loop nest keeps three working sets in three cache levels. The cache sizes
 * below are those of the 2-core Xeon (Ice Lake server) the library was first tuned on, as reported
 * by {@code /sys/devices/system/cpu/cpu0/cache}: L1d 48 KiB 12-way, L2 1.25 MiB 20-way, L3 48 MiB
 * shared.
 * <ul>
 *   <li>{@link #kc}: the depth of one block is how long a C tile is summed in registers before it
 *       is stored (and, for every block after the first, loaded again), so a deep block amortizes
 *       that traffic, which has no prefetch to hide it. At 512 the KC×NR micro-panel of B (64 KiB
 *       at NR = 32) no longer fits the 48 KiB L1 and streams from L2 instead, which the 12-row
 *       tile's 24 FMAs per two B loads tolerate easily. Measured with the 12×32 tile, one thread,
 *       variants timed in turns in one JVM (medians of 40 paired rounds): KC = 512 ran 1.10–1.20×
 *       KC = 256 at 512³, 1024³ and 256×784·784×512; 384 was in between; 768 and 1024 were no
 *       better than 512 except at 1024³ (+7 % for KC = 1024).</li>
 *   <li>{@link #mc}: the packed MC×KC block of A is re-read once per NR-column micro-panel of B,
 *       so it should stay in L2: 240·512·4 B = 480 KiB, well under half of the 1.25 MiB L2, which
 *       leaves room for the B micro-panels streaming through and for C. MC = 240, 360 and 480 were
 *       level within 3 % (blocks split evenly, see below); the smaller one leaves the most margin
 *       on CPUs with smaller L2 caches. 240 is a multiple of every MR used (6, 12) and of 8.</li>
 *   <li>{@link #nc}: the packed KC×NC panel of B is re-read for every MC block of A and lives in
 *       L3: 512·3072·4 B = 6 MiB per thread, an eighth of the 48 MiB L3. 3072 is a multiple of
 *       every NR used (8, 16 and 32).</li>
 * </ul>
 * On the AVX-512 Zen 5 machine (L1d 48 KiB, L2 1 MiB) the 12×32 micro-kernel ran as fast over a
 * 784-deep B micro-panel streaming from L2 as over one held in L1, so a block's cost is the C
 * tile's store and reload, and KC = 1024 took 0.92–0.98× the time of 512 at k = 784, 1024 and
 * 2048 (0.995× at k = 1000; unchanged at k ≤ 512); NC = 1536 keeps the packed B panel at 6 MiB
 * per thread (native-notes/gemm.md).
 * On the AVX2 Zen 3 machine (L1d 32 KiB, L2 512 KiB) the 4×16 tile's blocking went to KC = 1024
 * too. The A block is then 240·1024·4 B = 960 KiB, more than the L2, and the 64 KiB B micro-panel
 * streams from L2, yet builds timed in turns took 0.85–0.87× the time at 1024³, 0.87–0.91× at
 * 2048×1024·1024×512, 0.92× at 2048³ and 0.95–0.98× at 256×784·784×512 (no change at k ≤ 512),
 * and the training step and the predictor were level (0.92–1.04×: five step runs on one and two
 * threads, two predictor runs). On this core the store and reload of every C tile per k block
 * (and the later-block path it takes) cost more than streaming the A block from L3; the notes
 * say how far the two are separated.
 * These are upper bounds: an extent is cut into the fewest blocks that respect them, of nearly
 * equal size ({@code Gemm.evenSplit}), so no block is a short remainder.
 * The micro-tile MR×NR is a property of each micro-kernel ({@link GemmKernels#mr()},
 * {@link GemmKernels#nr()}); MC and NC must be multiples of it, which {@link #check} verifies.
 *
 * @param mc rows of op(A) in one packed A block
 * @param kc depth of one packed block (the k extent shared by the A block and the B panel)
 * @param nc columns of op(B) in one packed B panel
 *
 * <p>The other thresholds decide which path a product takes; the measurements behind them are
 * quoted where they are defined.
 */
public record Blocking(int mc, int kc, int nc) {

    public Blocking {
        if (mc <= 0 || kc <= 0 || nc <= 0) {
            throw new IllegalArgumentException("blocking sizes must be positive but were mc=" + mc
                    + ", kc=" + kc + ", nc=" + nc);
        }
    }

    /**
     * Products with at least this many multiply-adds may be split across threads. Measured on the
     * 2-core AVX-512 machine, square N,N products, one and two threads timed in turns in one JVM
     * (medians of 21 rounds; the hand-off to a parked pool thread is paid on every call): two
     * threads were slower than one at 64³–160³ (0.57–0.84×), broke even around 192³–256³
     * (0.9–1.8×, noisy) and reached 1.75–1.81× from 384³ to 1024³. Below 192³ products stay on the
     * calling thread.
     */
    public static final long PARALLEL_MNK = 192L * 192 * 192;

    /**
     * The smaller threshold of a prepacked product whose A is one block of rows (m ≤ MC) and whose
     * B has at least two panels per thread: the caller packs A once and the threads take B's
     * panels, one hand-off per k block (a predictor's batch of a few rows through a layer).
     * Measured on a 2-vCPU Zen 3 (AVX2), one and two threads timed in turns in one JVM, medians of
     * 11 rounds, layers n→n' with bias and ReLU: two threads took 0.55–0.77× the time of one at
     * 2¹⁸ multiply-adds (1×512·512×512, 4×256·256×256, 16×128·128×128: 0.55, 0.70, 0.77), and
     * 0.55–0.76× for batches of 1 to 32 rows through 784→512 and 512→512; just below 2¹⁸ they were
     * 0.87–1.18 (8×128·128×128 0.87, 2×256·256×256 1.00, 4×128·128×128 1.18).
     */
    public static final long PARALLEL_SHARED_A_MNK = 1L << 18;

    /**
     * n at or below which products take the dot-product path instead of padding n up to a wide
     * register tile. Measured at 512 bits (NR = 32), m = 256, k = 512, one thread, CPU time: n = 10
     * ran at 49 GFLOP/s as dot products against 8 padded to the tile; n = 16: 45 against 24;
     * n = 24: 42 against 22; n = 32: 33 against 46 (the tile is full from there on).
     */
    public static final int SKINNY_N = 24;

    /**
     * The dot-product path needs enough k to amortize summing each output's lanes (24³ ran at
     * ~2 GFLOP/s as dot products); shorter products take the packed path even when n is small.
     */
    public static final int SKINNY_MIN_K = 64;

    /** Throws unless the cache blocks are whole multiples of the micro-tile mr×nr. */
    public void check(int mr, int nr) {
        if (mc % mr != 0 || nc % nr != 0) {
            throw new IllegalStateException("mc=" + mc + " and nc=" + nc
                    + " must be multiples of the micro-tile " + mr + "x" + nr);
        }
    }
}
