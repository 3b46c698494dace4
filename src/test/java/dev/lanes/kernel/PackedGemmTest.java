package dev.lanes.kernel;

import dev.lanes.kernel.gemm.Blocking;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The prepacked GEMM ({@link Kernels#packB} and the sgemm that takes a {@link PackedMatrix}):
 * the sblat3-style error check over every transpose, alpha/beta edge and shape class, the same
 * bits as the plain sgemm for m ≥ 2, rows independent of their batch and of the thread count,
 * and the argument checks.
 */
class PackedGemmTest {

    private static final Transpose[] BOTH = Transpose.values();
    /** alpha, beta pairs: the edges the contract names and a general pair. */
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {0.7f, 1f}, {-1.5f, -0.25f}, {0f, 0.5f}, {1f, 1f}};

    /** The cache blockings of the registered widths, each once. */
    private static Set<Blocking> blockings() {
        Set<Blocking> all = new LinkedHashSet<>();
        for (KernelRegistry w : KernelRegistry.values()) {
            all.add(w.blocking());
        }
        return all;
    }

    /** (m, n, k) covering every path and block boundary of the packed layouts. */
    static List<int[]> shapes() {
        int skinny = Blocking.SKINNY_N;
        int minK = Blocking.SKINNY_MIN_K;
        List<int[]> list = new ArrayList<>();
        for (int m : new int[] {0, 1, 2, 7, 13, 31}) {
            for (int n : new int[] {0, 1, 5, 17, 33}) {
                for (int k : new int[] {0, 1, 9, 16}) {
                    list.add(new int[] {m, n, k});
                }
            }
        }
        // Dot-product (rows) layout and its edges.
        list.add(new int[] {37, skinny, minK});
        list.add(new int[] {3, 10, 784});
        list.add(new int[] {1, 10, 257});
        list.add(new int[] {40, skinny, minK - 1});
        list.add(new int[] {40, skinny + 1, minK});
        for (Blocking b : blockings()) {
            // Several depth blocks, uneven ones, and a tall A that takes several A blocks.
            list.add(new int[] {29, 67, b.kc() + 1});
            list.add(new int[] {13, 40, 2 * b.kc() + 3});
            list.add(new int[] {b.mc() + 13, 35, 20});
            // Several column panels of B (NC), with a ragged last one.
            list.add(new int[] {5, b.nc() + 37, 3});
        }
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void errorRatiosAndUntouchedPaddingOverEveryShapeTransposeAndScale(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(42);
        int count = 0;
        for (int[] s : shapes()) {
            for (Transpose ta : BOTH) {
                for (Transpose tb : BOTH) {
                    for (float[] ab : ALPHA_BETA) {
                        int offset = count % 3 == 0 ? 0 : 3;
                        int pad = count % 2 == 0 ? 0 : 2;
                        GemmProblem<float[]> p = GemmProblem.of(ta, tb, s[0], s[1], s[2], ab[0], ab[1], offset, pad,
                                rnd);
                        PackedMatrix packed = p.runPacked(kernels);
                        assertEquals(s[2], packed.k());
                        assertEquals(s[1], packed.n());
                        String label = kernels.name() + " " + ta + "," + tb + " " + s[0] + "x" + s[1] + "x" + s[2]
                                + " alpha=" + ab[0] + " beta=" + ab[1];
                        p.verify(label);
                        count++;
                    }
                }
            }
        }
    }

    /** For m ≥ 2 the prepacked product takes the plain product's path and blocks: the same bits. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void sameBitsAsThePlainSgemmForTwoRowsOrMore(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(7);
        List<int[]> shapes = new ArrayList<>(List.of(new int[][] {{2, 10, 784}, {37, 24, 64}, {260, 100, 300},
                {64, 512, 784}, {3, 5, 9}}));
        for (Blocking b : blockings()) {
            shapes.add(new int[] {13, 40, 2 * b.kc() + 3});
            shapes.add(new int[] {5, b.nc() + 37, 3});
        }
        for (int[] s : shapes) {
            for (Transpose ta : BOTH) {
                for (Transpose tb : BOTH) {
                    GemmProblem<float[]> plain = GemmProblem.of(ta, tb, s[0], s[1], s[2], 0.9f, 0.5f, 1, 1, rnd);
                    GemmProblem<float[]> packed = plain.copy();
                    plain.run(kernels);
                    packed.runPacked(kernels);
                    assertArrayEquals(plain.c, packed.c, () -> kernels + " " + ta + "," + tb + " "
                            + s[0] + "x" + s[1] + "x" + s[2]);
                }
            }
        }
    }

    /**
     * sgemmBias is bit for bit the prepacked sgemm (alpha 1, beta 0) followed by addRowVector and,
     * with relu, relu on every row: over every shape class (empty, dot-product layout, several k
     * blocks where only the last may take the bias, several A blocks and B panels, the batch
     * sizes that end in edge tiles), both transposes of A, offsets and padded leading dimensions,
     * with padding that must stay untouched, and C full of NaN that must not be read. The bias
     * holds −0 and values that make some sums cross zero.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void biasAndReluFusedGiveTheBitsOfTheSeparatePasses(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(11);
        List<int[]> shapes = new ArrayList<>(shapes());
        for (int m : new int[] {16, 32, 64, 256}) {
            shapes.add(new int[] {m, 512, 784});
        }
        shapes.add(new int[] {256, 10, 512});
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (Transpose ta : BOTH) {
                for (boolean relu : new boolean[] {false, true}) {
                    int lda = (ta == Transpose.NONE ? k : m) + 2;
                    float[] a = GemmProblem.storage(ta == Transpose.NONE ? m : k, ta == Transpose.NONE ? k : m, 3, lda,
                            0, 0f, rnd);
                    float[] w = GemmProblem.storage(n, k, 0, Math.max(1, k), 0, 0f, rnd);
                    if (relu && m >= 2 && k >= 1) {
                        // A NaN and an infinity in the input: NaN must pass the bias and ReLU.
                        a[3] = Float.NaN; // row 0, p = 0 in either layout
                        a[3 + (ta == Transpose.NONE ? lda + k - 1 : (k - 1) * lda + 1)] = Float.NEGATIVE_INFINITY;
                    }
                    PackedMatrix packed = kernels.packB(Transpose.TRANSPOSE, k, n, w, 0, Math.max(1, k));
                    float[] bias = new float[n + 4];
                    for (int j = 0; j < bias.length; j++) {
                        bias[j] = j % 7 == 3 ? -0f : (float) rnd.nextDouble(-0.5, 0.5);
                    }
                    int ldc = n + 3;
                    float[] want = new float[2 + m * ldc + 5];
                    java.util.Arrays.fill(want, -7777.25f);
                    float[] got = want.clone();
                    kernels.sgemm(ta, m, 1f, a, 3, lda, packed, 0f, want, 2, ldc);
                    kernels.addRowVector(m, n, bias, 2, want, 2, ldc);
                    for (int i = 0; relu && i < m; i++) {
                        kernels.relu(n, want, 2 + i * ldc);
                    }
                    for (int i = 0; i < m; i++) {
                        java.util.Arrays.fill(got, 2 + i * ldc, 2 + i * ldc + n, Float.NaN);
                    }
                    kernels.sgemmBias(ta, m, a, 3, lda, packed, bias, 2, relu, got, 2, ldc);
                    for (int i = 0; i < want.length; i++) {
                        if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                            fail(kernels + " " + ta + " " + m + "x" + n + "x" + k + " relu=" + relu + " at " + i
                                    + ": want " + want[i] + " got " + got[i]);
                        }
                    }
                }
            }
        }
    }

    /**
     * The plain sgemmBias (B not packed beforehand: training's forward pass) is bit for bit the
     * plain sgemm (alpha 1, beta 0) followed by addRowVector and, with relu, relu: over every
     * shape class and so every path (one row, dot products, packed with several k blocks, A
     * blocks and B panels, and every thread count of the variants), all four transposes, offsets
     * and padded leading dimensions whose padding must stay untouched, C full of NaN that must
     * not be read, −0 biases, and a NaN and a −∞ in A.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void unpackedBiasProductGivesTheBitsOfTheSeparatePasses(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(12);
        List<int[]> shapes = new ArrayList<>(shapes());
        for (int m : new int[] {16, 128, 256}) {
            shapes.add(new int[] {m, 512, 784});
        }
        shapes.add(new int[] {256, 10, 512});
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (Transpose ta : BOTH) {
                for (Transpose tb : BOTH) {
                    boolean relu = rnd.nextBoolean();
                    int lda = (ta == Transpose.NONE ? k : m) + 2;
                    float[] a = GemmProblem.storage(ta == Transpose.NONE ? m : k, ta == Transpose.NONE ? k : m, 3, lda,
                            0, 0f, rnd);
                    if (m >= 2 && k >= 1) {
                        a[3] = Float.NaN; // row 0, p = 0 in either layout
                        a[3 + (ta == Transpose.NONE ? lda + k - 1 : (k - 1) * lda + 1)] = Float.NEGATIVE_INFINITY;
                    }
                    int ldb = (tb == Transpose.NONE ? n : k) + 1;
                    float[] b = GemmProblem.storage(tb == Transpose.NONE ? k : n, tb == Transpose.NONE ? n : k, 1, ldb,
                            0, 0f, rnd);
                    float[] bias = new float[n + 4];
                    for (int j = 0; j < bias.length; j++) {
                        bias[j] = j % 7 == 3 ? -0f : (float) rnd.nextDouble(-0.5, 0.5);
                    }
                    int ldc = n + 3;
                    float[] want = new float[2 + m * ldc + 5];
                    java.util.Arrays.fill(want, -7777.25f);
                    float[] got = want.clone();
                    kernels.sgemm(ta, tb, m, n, k, 1f, a, 3, lda, b, 1, ldb, 0f, want, 2, ldc);
                    kernels.addRowVector(m, n, bias, 2, want, 2, ldc);
                    for (int i = 0; relu && i < m; i++) {
                        kernels.relu(n, want, 2 + i * ldc);
                    }
                    for (int i = 0; i < m; i++) {
                        java.util.Arrays.fill(got, 2 + i * ldc, 2 + i * ldc + n, Float.NaN);
                    }
                    kernels.sgemmBias(ta, tb, m, n, k, a, 3, lda, b, 1, ldb, bias, 2, relu, got, 2, ldc);
                    for (int i = 0; i < want.length; i++) {
                        if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                            fail(kernels + " " + ta + "," + tb + " " + m + "x" + n + "x" + k + " relu=" + relu + " at "
                                    + i + ": want " + want[i] + " got " + got[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void unpackedBiasProductChecksItsArguments() {
        Kernels kernels = Kernels.reference();
        float[] c = new float[8];
        java.util.Arrays.fill(c, 5f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernels.sgemmBias(Transpose.NONE, Transpose.NONE, 2, 4, 3, new float[6], 0, 3, new float[12], 0,
                        4, new float[5], 2, true, c, 0, 4));
        assertTrue(e.getMessage().contains("bias"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kernels.sgemmBias(Transpose.NONE, Transpose.NONE, 2, 4, 3, new float[6], 0, 3, new float[11], 0,
                        4, new float[4], 0, true, c, 0, 4));
        assertTrue(e.getMessage().contains("b"), e.getMessage());
        assertThrows(NullPointerException.class,
                () -> kernels.sgemmBias(Transpose.NONE, Transpose.NONE, 2, 4, 3, new float[6], 0, 3, new float[12], 0,
                        4, null, 0, false, c, 0, 4));
        for (float v : c) {
            assertEquals(5f, v);
        }
        // k = 0: C is the bias on every row, then ReLU; A and B are not read.
        float[] d = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        kernels.sgemmBias(Transpose.NONE, Transpose.NONE, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2,
                new float[] {-1f, 2f}, 0, true, d, 0, 2);
        assertArrayEquals(new float[] {0f, 2f, 0f, 2f}, d);
    }

    @Test
    void biasProductRejectsABadBiasBeforeWritingAnything() {
        Kernels kernels = Kernels.reference();
        PackedMatrix packed = kernels.packB(Transpose.NONE, 3, 4, new float[12], 0, 4);
        float[] c = new float[8];
        java.util.Arrays.fill(c, 5f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernels.sgemmBias(Transpose.NONE, 2, new float[6], 0, 3, packed, new float[5], 2, true, c, 0, 4));
        assertTrue(e.getMessage().contains("bias"), e.getMessage());
        assertThrows(NullPointerException.class,
                () -> kernels.sgemmBias(Transpose.NONE, 2, new float[6], 0, 3, packed, null, 0, false, c, 0, 4));
        for (float v : c) {
            assertEquals(5f, v);
        }
        // k = 0: C is the bias on every row, then ReLU.
        PackedMatrix empty = kernels.packB(Transpose.NONE, 0, 2, new float[0], 0, 2);
        float[] d = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        kernels.sgemmBias(Transpose.NONE, 2, new float[0], 0, 1, empty, new float[] {-1f, 2f}, 0, true, d, 0, 2);
        assertArrayEquals(new float[] {0f, 2f, 0f, 2f}, d);
    }

    /**
     * A row of C is the same alone (m = 1), in any batch and at any thread count: what lets a
     * predictor promise that a row's outputs do not depend on the rows it was batched with.
     */
    @Test
    void aRowGivesTheSameBitsAloneInEveryBatchAndAtEveryThreadCount() {
        SplittableRandom rnd = new SplittableRandom(3);
        int[][] shapes = {{300, 512, 784}, {300, 10, 512}, {50, 33, 1100}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = GemmProblem.storage(m, k, 0, k, 0, 0f, rnd);
            float[] w = GemmProblem.storage(n, k, 0, k, 0, 0f, rnd);
            float[] expected = null;
            for (int threads : new int[] {1, 2, 3, 8}) {
                Kernels kernels = KernelVariants.simd(0, threads);
                PackedMatrix packed = kernels.packB(Transpose.TRANSPOSE, k, n, w, 0, k);
                float[] c = new float[m * n];
                kernels.sgemm(Transpose.NONE, m, 1f, a, 0, k, packed, 0f, c, 0, n);
                if (expected == null) {
                    expected = c;
                    // Each row alone, and a batch of a few rows from the middle.
                    float[] one = new float[n];
                    for (int i = 0; i < m; i += 37) {
                        kernels.sgemm(Transpose.NONE, 1, 1f, a, i * k, k, packed, 0f, one, 0, n);
                        for (int j = 0; j < n; j++) {
                            assertEquals(Float.floatToRawIntBits(c[i * n + j]), Float.floatToRawIntBits(one[j]),
                                    "row " + i + " alone, column " + j + ", shape " + m + "x" + n + "x" + k);
                        }
                    }
                    float[] five = new float[5 * n];
                    kernels.sgemm(Transpose.NONE, 5, 1f, a, 11 * k, k, packed, 0f, five, 0, n);
                    float[] slice = java.util.Arrays.copyOfRange(c, 11 * n, 16 * n);
                    assertArrayEquals(slice, five, "rows 11-15 as a batch of five");
                } else {
                    assertArrayEquals(expected, c, threads + " threads");
                }
            }
        }
    }

    /**
     * A prepacked product of at most one block of rows is split over threads by ranges of B's
     * panels, claimed a few per thread, all reading one packed A: the bits are those of one thread
     * at 2, 3, 8 and 16 threads, for alpha/beta and for the fused bias and ReLU, both layouts of A,
     * with several k blocks (one hand-off each), several column blocks (NC), ragged last panels
     * and slivers, a batch just over one row block (split by rows instead), and products of one
     * to six rows small enough that only this split takes them off one thread. Every width this
     * machine runs.
     */
    @Test
    void aRowBlockSplitByPanelsGivesTheBitsOfOneThread() {
        SplittableRandom rnd = new SplittableRandom(21);
        int preferred = KernelVariants.preferredBits();
        Set<Integer> widths = new LinkedHashSet<>(List.of(preferred));
        for (int bits : new int[] {256, 128}) {
            if (bits < preferred) {
                widths.add(bits);
            }
        }
        for (int bits : widths) {
            Blocking b = KernelRegistry.forBits(bits).blocking();
            int[][] shapes = {{32, 512, 784}, {61, 65, 1800}, {8, b.nc() + 37, 300}, {b.mc(), 100, 2 * b.kc() + 3},
                    {b.mc() + 1, 512, 784}, {18, 512, 784},
                    // Below PARALLEL_MNK but above the shared-A threshold: a few rows through a layer.
                    {1, 512, 600}, {2, 512, 300}, {3, 200, 600}, {5, 96, 640}, {6, 512, 90}};
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                for (Transpose ta : BOTH) {
                    int lda = (ta == Transpose.NONE ? k : m) + 3;
                    float[] a = GemmProblem.storage(ta == Transpose.NONE ? m : k, ta == Transpose.NONE ? k : m, 5, lda,
                            0, 0f, rnd);
                    float[] w = GemmProblem.storage(n, k, 0, k, 0, 0f, rnd);
                    float[] bias = new float[n + 1];
                    for (int j = 0; j < bias.length; j++) {
                        bias[j] = (float) rnd.nextDouble(-0.5, 0.5);
                    }
                    int ldc = n + 2;
                    float[] c0 = GemmProblem.storage(m, n, 1, ldc, 0, 0f, rnd);
                    float[] plainOne = null;
                    float[] biasOne = null;
                    for (int threads : new int[] {1, 2, 3, 8, 16}) {
                        Kernels kernels = KernelVariants.simd(bits, threads);
                        PackedMatrix packed = kernels.packB(Transpose.TRANSPOSE, k, n, w, 0, k);
                        float[] plain = c0.clone();
                        kernels.sgemm(ta, m, 0.9f, a, 5, lda, packed, 0.5f, plain, 1, ldc);
                        float[] fused = c0.clone();
                        kernels.sgemmBias(ta, m, a, 5, lda, packed, bias, 1, true, fused, 1, ldc);
                        if (threads == 1) {
                            plainOne = plain;
                            biasOne = fused;
                            continue;
                        }
                        String where = bits + " bits, " + threads + " threads, " + ta + " " + m + "x" + n + "x" + k;
                        assertArrayEquals(plainOne, plain, where + ", alpha 0.9, beta 0.5");
                        assertArrayEquals(biasOne, fused, where + ", bias and ReLU");
                    }
                }
            }
        }
    }

    /** Packing copies: the matrix is used many times and later changes to the source do not reach it. */
    @Test
    void thePackedCopyIsReusableAndIndependentOfItsSource() {
        Kernels kernels = KernelVariants.simd(0, 2);
        SplittableRandom rnd = new SplittableRandom(5);
        int m = 40;
        int n = 70;
        int k = 90;
        float[] b = GemmProblem.storage(k, n, 0, n, 0, 0f, rnd);
        PackedMatrix packed = kernels.packB(Transpose.NONE, k, n, b, 0, n);
        float[] original = b.clone();
        java.util.Arrays.fill(b, Float.NaN);
        for (int round = 0; round < 3; round++) {
            float[] a = GemmProblem.storage(m, k, 0, k, 0, 0f, rnd);
            float[] viaPacked = new float[m * n];
            float[] plain = new float[m * n];
            kernels.sgemm(Transpose.NONE, m, 1f, a, 0, k, packed, 0f, viaPacked, 0, n);
            kernels.sgemm(Transpose.NONE, Transpose.NONE, m, n, k, 1f, a, 0, k, original, 0, n, 0f, plain, 0, n);
            assertArrayEquals(plain, viaPacked, "round " + round);
        }
        assertTrue(packed.size() >= (long) k * n, "size counts at least the k x n values: " + packed.size());
    }

    /**
     * repackB writes new values into a packed matrix, part by part: whatever the number of parts
     * and the order they run in, a product with it then has the bits of a product with a matrix
     * packed afresh from the new values — over both layouts (rows and blocks), several column
     * panels and depth blocks, both storages of B, padded ldb and an offset, on the reference,
     * every width and thread count. Parts that would have nothing to do are allowed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void repackingPartByPartEqualsPackingAfresh(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(31);
        List<int[]> shapes = new ArrayList<>(List.of(new int[][] {{9, 5}, {100, 70}, {784, 512}, {512, 10},
                {Blocking.SKINNY_MIN_K, Blocking.SKINNY_N}, {1, 40}, {0, 5}, {4, 0}}));
        for (Blocking b : blockings()) {
            shapes.add(new int[] {2 * b.kc() + 3, 40});
            shapes.add(new int[] {3, b.nc() + 37});
        }
        for (int[] s : shapes) {
            int k = s[0];
            int n = s[1];
            for (Transpose tb : BOTH) {
                int rows = tb == Transpose.NONE ? k : n;
                int cols = tb == Transpose.NONE ? n : k;
                int ldb = Math.max(1, cols) + 3;
                float[] first = GemmProblem.storage(rows, cols, 2, ldb, 0, Float.NaN, rnd);
                float[] next = GemmProblem.storage(rows, cols, 2, ldb, 0, Float.NaN, rnd);
                PackedMatrix fresh = kernels.packB(tb, k, n, next, 2, ldb);
                for (int parts : new int[] {1, 2, 3, 7, 64}) {
                    PackedMatrix into = kernels.packB(tb, k, n, first, 2, ldb);
                    for (int part = parts - 1; part >= 0; part--) {
                        kernels.repackB(tb, next, 2, ldb, into, part, parts);
                    }
                    int m = 5;
                    float[] a = GemmProblem.storage(m, k, 0, Math.max(1, k), 0, 0f, rnd);
                    float[] want = new float[m * Math.max(1, n)];
                    float[] got = new float[want.length];
                    kernels.sgemm(Transpose.NONE, m, 1f, a, 0, Math.max(1, k), fresh, 0f, want, 0, Math.max(1, n));
                    kernels.sgemm(Transpose.NONE, m, 1f, a, 0, Math.max(1, k), into, 0f, got, 0, Math.max(1, n));
                    assertBitsInRows(want, got, m, n, Math.max(1, n),
                            kernels + " " + tb + " " + k + "x" + n + " in " + parts + " parts");
                }
            }
        }
    }

    @Test
    void repackingChecksItsArguments() {
        Kernels simd = KernelVariants.simd(0, 1);
        float[] b = new float[6 * 4];
        PackedMatrix packed = simd.packB(Transpose.NONE, 6, 4, b, 0, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> simd.repackB(Transpose.NONE, b, 0, 4, packed, 2, 2));
        assertTrue(e.getMessage().contains("part 2 of 2"), e::getMessage);
        e = assertThrows(IllegalArgumentException.class, () -> simd.repackB(Transpose.NONE, b, 0, 4, packed, 0, 0));
        assertTrue(e.getMessage().contains("parts >= 1"), e::getMessage);
        e = assertThrows(IllegalArgumentException.class, () -> simd.repackB(Transpose.NONE, b, 0, 4, packed, -1, 3));
        assertTrue(e.getMessage().contains("part -1 of 3"), e::getMessage);
        // B stored n×k (4×6, ldb 6) for the same 6×4 op(B) is accepted.
        simd.repackB(Transpose.TRANSPOSE, b, 0, 6, packed, 0, 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> simd.repackB(Transpose.NONE, new float[23], 0, 4, packed, 0, 1));
        assertTrue(e.getMessage().startsWith("b is too short"), e::getMessage);
        PackedMatrix byReference = Kernels.reference().packB(Transpose.NONE, 6, 4, b, 0, 4);
        e = assertThrows(IllegalArgumentException.class, () -> simd.repackB(Transpose.NONE, b, 0, 4, byReference, 0, 1));
        assertTrue(e.getMessage().startsWith("into was packed as") && e.getMessage().contains("simd"), e::getMessage);
        assertThrows(NullPointerException.class, () -> simd.repackB(Transpose.NONE, b, 0, 4, null, 0, 1));
    }

    @Test
    void argumentsAreCheckedAndLayoutsMustMatch() {
        Kernels reference = Kernels.reference();
        Kernels simd = KernelVariants.simd(0, 1);
        float[] b = new float[6 * 4];
        float[] a = new float[3 * 6];
        float[] c = new float[3 * 4];
        PackedMatrix byReference = reference.packB(Transpose.NONE, 6, 4, b, 0, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> simd.sgemm(Transpose.NONE, 3, 1f, a, 0, 6, byReference, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains(byReference.layout()) && e.getMessage().contains("simd"), e::getMessage);
        // The same layout (same width, another thread count) is accepted.
        PackedMatrix bySimd = simd.packB(Transpose.NONE, 6, 4, b, 0, 4);
        KernelVariants.simd(0, 3).sgemm(Transpose.NONE, 3, 1f, a, 0, 6, bySimd, 0f, c, 0, 4);
        if (KernelVariants.preferredBits() > 128) {
            Kernels narrow = KernelVariants.simd(128, 1);
            PackedMatrix big = simd.packB(Transpose.NONE, 20, 40, new float[800], 0, 40);
            e = assertThrows(IllegalArgumentException.class,
                    () -> narrow.sgemm(Transpose.NONE, 1, 1f, new float[20], 0, 20, big, 0f, new float[40], 0, 40));
            assertTrue(e.getMessage().contains("simd128"), e::getMessage);
        }
        PackedMatrix foreign = new PackedMatrix() {
            public int k() {
                return 6;
            }

            public int n() {
                return 4;
            }

            public String layout() {
                return bySimd.layout();
            }

            public long size() {
                return 24;
            }
        };
        e = assertThrows(IllegalArgumentException.class,
                () -> simd.sgemm(Transpose.NONE, 3, 1f, a, 0, 6, foreign, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains("Kernels.packB"), e::getMessage);
        assertThrows(NullPointerException.class, () -> simd.sgemm(Transpose.NONE, 3, 1f, a, 0, 6, null, 0f, c, 0, 4));
        e = assertThrows(IllegalArgumentException.class,
                () -> simd.sgemm(Transpose.NONE, 3, 1f, new float[17], 0, 6, bySimd, 0f, c, 0, 4));
        assertTrue(e.getMessage().startsWith("a is too short"), e::getMessage);
        e = assertThrows(IllegalArgumentException.class,
                () -> simd.sgemm(Transpose.NONE, 3, 1f, a, 0, 6, bySimd, 0f, c, 0, 3));
        assertTrue(e.getMessage().contains("ldc"), e::getMessage);
        e = assertThrows(IllegalArgumentException.class,
                () -> simd.sgemm(Transpose.NONE, -1, 1f, a, 0, 6, bySimd, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains("m"), e::getMessage);
        e = assertThrows(IllegalArgumentException.class, () -> simd.packB(Transpose.NONE, 6, 4, b, 0, 3));
        assertTrue(e.getMessage().contains("ldb"), e::getMessage);
        e = assertThrows(IllegalArgumentException.class, () -> simd.packB(Transpose.TRANSPOSE, 6, 5, b, 0, 6));
        assertTrue(e.getMessage().startsWith("b is too short"), e::getMessage);
        e = assertThrows(IllegalArgumentException.class, () -> simd.packB(Transpose.NONE, -2, 4, b, 0, 4));
        assertTrue(e.getMessage().contains("k"), e::getMessage);
    }

    private static void assertBitsInRows(float[] want, float[] got, int m, int n, int ldc, String label) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = i * ldc + j;
                if (Float.floatToRawIntBits(want[at]) != Float.floatToRawIntBits(got[at])) {
                    fail(label + " at row " + i + ", column " + j + ": want " + want[at] + " got " + got[at]);
                }
            }
        }
    }
}
