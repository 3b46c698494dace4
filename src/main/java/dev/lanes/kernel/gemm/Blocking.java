package dev.lanes.kernel.gemm;

/**
 * The one place the GEMM blocking sizes live, and why they have these values.
 *
 * <p>The Goto/BLIS loop nest keeps three working sets in three cache levels. The cache sizes
 * below are those of the 2-core Xeon (Ice Lake server) the library is tuned on, as reported by
 * {@code /sys/devices/system/cpu/cpu0/cache}: L1d 48 KiB 12-way, L2 1.25 MiB 20-way, L3 48 MiB
 * shared.
 * <ul>
 *   <li>{@link #KC}: one KC×NR micro-panel of packed B is re-read by every MR-row micro-tile of
 *       the macro-kernel, so it should stay in L1 next to the MR×KC sliver of A streaming past it.
 *       With NR = 32 floats (two 512-bit vectors) KC = 256 makes the B micro-panel 32 KiB and the
 *       6-row A sliver 6 KiB: 38 of the 48 KiB. Narrower vectors make the panel smaller still. A larger
 *       KC also amortizes loading and storing the C tile (a KC-long loop per C tile).</li>
 *   <li>{@link #MC}: the packed MC×KC block of A is re-read once per NR-column micro-panel of B,
 *       so it should stay in L2: 480·256·4 B = 480 KiB, well under half of the 1.25 MiB L2, which
 *       leaves room for the B panel and for C. 480 is a multiple of the MR used (6) and of 8.</li>
 *   <li>{@link #NC}: the packed KC×NC panel of B is re-read for every MC block of A and lives in
 *       L3: 256·3072·4 B = 3 MiB per thread, a small part of the 48 MiB L3. 3072 is a multiple of
 *       every NR used (8, 16 and 32).</li>
 * </ul>
 * The micro-tile MR×NR is a property of each micro-kernel ({@link GemmKernels#mr()},
 * {@link GemmKernels#nr()}); MC and NC must be multiples of it, which {@link #check} verifies.
 *
 * <p>The other thresholds decide which path a product takes; the measurements behind them are
 * quoted where they are defined.
 */
public final class Blocking {

    /** Depth of one packed block (the k extent shared by the A block and the B panel). */
    public static final int KC = 256;
    /** Rows of op(A) in one packed A block. */
    public static final int MC = 480;
    /** Columns of op(B) in one packed B panel. */
    public static final int NC = 3072;

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

    private Blocking() {
    }

    /** Throws unless the cache blocks are whole multiples of the micro-tile. */
    static void check(int mr, int nr) {
        if (MC % mr != 0 || NC % nr != 0) {
            throw new IllegalStateException("MC=" + MC + " and NC=" + NC
                    + " must be multiples of the micro-tile " + mr + "x" + nr);
        }
    }
}
