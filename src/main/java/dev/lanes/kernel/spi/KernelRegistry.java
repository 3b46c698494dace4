package dev.lanes.kernel.spi;

import dev.lanes.kernel.gemm.Blocking;

/**
 * Everything the library knows about one SIMD vector width, in one place: the GEMM micro-tile, the
 * cache blocking, how B stored transposed is packed, whether the width is wide enough to be chosen
 * by itself, and so the names of the generated kernel classes. The kernel selection, the SIMD
 * kernels, the source generator ({@code KernelGenerator}, run by {@code ci/gen-kernels}) and the
 * tests all enumerate this enum; a width that is not listed here does not exist anywhere else.
 *
 * <p>The kernels are one class per width and family because C2 compiles the Vector API into
 * vector instructions only where the species is a compile-time constant. Those classes are
 * generated from the templates in {@code src/main/kernel-templates} into
 * {@code src/main/generated-java}; this enum names them ({@link #gemmClass()} and the others) and
 * the SIMD package instantiates them reflectively, so this class itself never loads a Vector API
 * type and can be read without {@code --add-modules jdk.incubator.vector}.
 *
 * <p>Each width has its own blocking (see {@link Blocking}). A product deeper than one k block
 * sums each block's tile separately and then adds it to C, so a product with k above 512 has
 * different rounding at 128 bits (KC = 512) than at 256 and 512 bits (KC = 1024); every width is
 * checked against the reference within the usual tolerance, and within one width the bits do not
 * depend on the thread count.
 */
public enum KernelRegistry {

    /**
     * 128 bits (SSE, NEON; 4 float lanes): a 4×8 tile, 8 accumulators; a 3×8 edge tile, which Gemm
     * does not use (6 accumulators are too few: {@code Gemm.MIN_EDGE_CHAINS}). Four rows,
     * not six, for the reason given at {@link #W256}. Not chosen by {@code Kernels.best()} on its
     * own: that default was never measured on 128-bit hardware (NEON). Forced to 128 bits on an
     * AVX2 machine these kernels ran a 256×784·784×512 product 18–20× faster than the scalar ones
     * (README, Requirements), so the default wants a measurement on NEON before it changes.
     */
    W128(128, 4, 3, 8, new Blocking(240, 512, 3072), TransposedBPacking.GATHER, false, false),

    /**
     * 256 bits (AVX2; 8 float lanes): a 4×16 tile, 8 ymm accumulators, two B vectors and four
     * broadcasts, 14 of AVX2's 16 registers; a 3×16 edge tile, which Gemm does not use (6
     * accumulators took 1.3× the time of the full tile: {@code Gemm.MIN_EDGE_CHAINS}). C2 schedules a step's
     * broadcasts ahead of its FMAs (all of them first in the 4- and 5-row loops), so an MR-row tile
     * can want up to 2·MR accumulators + 2 B vectors + MR broadcasts. In the classic 6×16 shape
     * (12 accumulators) C2 kept three broadcasts live and one accumulator on the stack, a store
     * and a reload in the loop-carried chain of every k step, which halved the
     * micro-kernel (39 against 85–93 GFLOP/s on Zen 3, native-notes/gemm.md). Eight accumulators
     * still cover the FMA latency of two pipes (4 cycles × 2). A, and B stored n×k, are packed by
     * 4×8 and 8×8 register transposes, which need no gathers (see {@link TransposedBPacking#SHUFFLE_8}).
     * Blocks one KC = 1024 deep, as at 512 bits (see {@code Blocking}).
     */
    W256(256, 4, 3, 16, new Blocking(240, 1024, 3072), TransposedBPacking.SHUFFLE_8, true, false),

    /**
     * 512 bits (AVX-512; 16 float lanes): a 12×32 tile, 24 zmm accumulators plus two B vectors and
     * a broadcast, 27 of AVX-512's 32 registers: 24 FMAs per 14 loads. Measured 1.15–1.30× a 6×32
     * tile on the large shapes (native-notes/gemm.md). B stored n×k is packed by 16×16 register
     * transposes. An 8×32 edge tile for last slivers of up to 8 rows. Blocks one KC = 1024 deep
     * (see {@code Blocking}).
     */
    W512(512, 12, 8, 32, new Blocking(240, 1024, 1536), TransposedBPacking.REGISTER_TRANSPOSE_16, true, true);

    /**
     * How a kernel transposes while packing, when vector packing is on: B stored n×k (op(B) = Bᵀ)
     * into its micro-panels, and A stored m×k (not transposed) into its slivers.
     */
    public enum TransposedBPacking {
        /** Each panel row gathered across nr stored rows, lanes values at a time; A by scalar copies. */
        GATHER,
        /** 16×16 blocks transposed in registers by two-vector selects; needs 16 float lanes, and mr ≤ 16 for A. */
        REGISTER_TRANSPOSE_16,
        /**
         * 8×8 blocks of B, and the 4 rows of an A sliver 8 values of p at a time, transposed in
         * registers by rearranges and blends (vpermps and vblendvps on AVX2): needs 8 float lanes
         * and mr = 4. Uses no gather and no masked store, so the GEMM packs with it on any CPU,
         * AVX2 included (A in 0.38×, B in 0.78× the time of the scalar copies on Zen 3,
         * native-notes/gemm.md).
         */
        SHUFFLE_8;

        /** Whether this packing is fast only where gathers and masked stores are native instructions. */
        public boolean needsNativeGathers() {
            return this != SHUFFLE_8;
        }
    }

    /**
     * The element types the GEMM kernels are generated for. A double kernel is its float twin with
     * the type rewritten: same width, same mr, half the lanes and so half the columns (the tile
     * stays two vectors wide and holds the same bytes), same blocking. The float kernels are the
     * source; adding a type is an entry here.
     */
    public enum ElementType {
        /** 32-bit float, {@code Kernels.sgemm}. */
        FLOAT("Float", Float.SIZE),
        /** 64-bit double, {@code Kernels.dgemm}. */
        DOUBLE("Double", Double.SIZE);

        private final String prefix;
        private final int bits;

        ElementType(String prefix, int bits) {
            this.prefix = prefix;
            this.bits = bits;
        }

        /** The prefix of its generated class names and of its boxed type: {@code Double}. */
        public String prefix() {
            return prefix;
        }

        /** Bits of one element. */
        public int bits() {
            return bits;
        }
    }

    /** The package of the generated kernel classes. */
    public static final String KERNEL_PACKAGE = "dev.lanes.kernel.simd";

    private final int bits;
    private final int mr;
    private final int edgeRows;
    private final int nr;
    private final Blocking blocking;
    private final TransposedBPacking transposedB;
    private final boolean wideEnough;
    private final boolean nativeGathers;

    KernelRegistry(int bits, int mr, int edgeRows, int nr, Blocking blocking, TransposedBPacking transposedB,
                   boolean wideEnough, boolean nativeGathers) {
        int lanes = bits / Float.SIZE;
        if (edgeRows < 1 || edgeRows >= mr) {
            throw new IllegalStateException(bits + "-bit edge tile of " + edgeRows + " rows must be narrower than the "
                    + mr + "-row tile");
        }
        if (nr % lanes != 0) {
            throw new IllegalStateException(bits + "-bit tile columns " + nr + " must be whole vectors of "
                    + lanes + " lanes");
        }
        if (transposedB == TransposedBPacking.REGISTER_TRANSPOSE_16 && (lanes != 16 || mr > 16)) {
            throw new IllegalStateException("the 16x16 register transpose needs 16 float lanes and at most 16 tile rows, not "
                    + lanes + " lanes and " + mr + " rows");
        }
        if (transposedB == TransposedBPacking.SHUFFLE_8 && (lanes != 8 || mr != 4)) {
            throw new IllegalStateException("the 8-lane shuffle transpose needs 8 float lanes and 4 tile rows, not "
                    + lanes + " lanes and " + mr + " rows");
        }
        blocking.check(mr, nr);
        this.bits = bits;
        this.mr = mr;
        this.edgeRows = edgeRows;
        this.nr = nr;
        this.blocking = blocking;
        this.transposedB = transposedB;
        this.wideEnough = wideEnough;
        this.nativeGathers = nativeGathers;
    }

    /** The vector width in bits. */
    public int bits() {
        return bits;
    }

    /** Float lanes of one vector. */
    public int lanes() {
        return bits / Float.SIZE;
    }

    /** Lanes of one vector of this element type. */
    public int lanes(ElementType type) {
        return bits / type.bits();
    }

    /** Columns of the GEMM micro-tile for this element type: the float tile's bytes, two vectors wide. */
    public int nr(ElementType type) {
        return nr * Float.SIZE / type.bits();
    }

    /**
     * How the GEMM kernels of this type pack B stored n×k: the register transposes need the lane
     * count they are written for (16, or 8), every other lane count gathers.
     */
    public TransposedBPacking transposedB(ElementType type) {
        int needed = switch (transposedB) {
            case REGISTER_TRANSPOSE_16 -> 16;
            case SHUFFLE_8 -> 8;
            case GATHER -> lanes(type);
        };
        return lanes(type) != needed ? TransposedBPacking.GATHER : transposedB;
    }

    /** Simple name of the generated GEMM kernels of a type: {@code Double512Gemm12x16}. */
    public String gemmClass(ElementType type) {
        return type.prefix() + bits + "Gemm" + mr + "x" + nr(type);
    }

    /** Rows of the GEMM micro-tile. */
    public int mr() {
        return mr;
    }

    /**
     * Rows of the narrower edge tile: a last sliver of at most this many rows is computed by a
     * tile of this height instead of the full mr, reading the same packed sliver. Chosen for the
     * batch sizes networks use: at 512 bits a batch of 32 is 12 + 12 + 8 rows, and its last sliver
     * costs 8 rows of arithmetic instead of 12 (a ninth of the product).
     */
    public int edgeRows() {
        return edgeRows;
    }

    /** Columns of the GEMM micro-tile, a whole number of vectors. */
    public int nr() {
        return nr;
    }

    /** The GEMM cache blocks used with this width's micro-kernel. */
    public Blocking blocking() {
        return blocking;
    }

    /** How the GEMM kernels of this width pack B stored n×k. */
    public TransposedBPacking transposedB() {
        return transposedB;
    }

    /**
     * Whether {@code Kernels.best()} may choose this width as the CPU's preferred one; a narrower
     * width still runs when the user asks for it.
     */
    public boolean wideEnough() {
        return wideEnough;
    }

    /**
     * Whether a CPU that prefers this width has gathers, scatters and masked stores as native
     * instructions (preferring 512-bit vectors means AVX-512 or a CPU like it), so the GEMM packs A,
     * and B stored n×k, with vector code (up to 2× faster than the scalar copies on AVX-512). On
     * AVX2 gathers made a forward product 3.5× slower, so there only a packing that needs no
     * gathers ({@link TransposedBPacking#needsNativeGathers()}) is vector code. A property of the
     * CPU's preferred width, used whatever width the kernels run at.
     */
    public boolean nativeGathers() {
        return nativeGathers;
    }

    /** Simple name of the generated GEMM kernels, type, width and tile: {@code Float512Gemm12x32}. */
    public String gemmClass() {
        return "Float" + bits + "Gemm" + mr + "x" + nr;
    }

    /** Simple name of the generated element-wise kernels: {@code Float512Elementwise}. */
    public String elementwiseClass() {
        return "Float" + bits + "Elementwise";
    }

    /** Simple name of the generated matrix-vector kernels: {@code Float512Gemv}. */
    public String gemvClass() {
        return "Float" + bits + "Gemv";
    }

    /** The entry for a width in bits. */
    public static KernelRegistry forBits(int bits) {
        for (KernelRegistry w : values()) {
            if (w.bits == bits) {
                return w;
            }
        }
        throw new IllegalArgumentException("no kernels for " + bits + "-bit vectors; the registered widths are "
                + describeWidths());
    }

    /** The registered widths in bits, narrowest first. */
    public static int[] allBits() {
        KernelRegistry[] all = values();
        int[] bits = new int[all.length];
        for (int i = 0; i < all.length; i++) {
            bits[i] = all[i].bits;
        }
        return bits;
    }

    /** Whether a width in bits is registered. */
    public static boolean isRegistered(int bits) {
        for (KernelRegistry w : values()) {
            if (w.bits == bits) {
                return true;
            }
        }
        return false;
    }

    /** The registered widths, for messages: {@code "128, 256 or 512"}. */
    public static String describeWidths() {
        KernelRegistry[] all = values();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            s.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(all[i].bits);
        }
        return s.toString();
    }
}
