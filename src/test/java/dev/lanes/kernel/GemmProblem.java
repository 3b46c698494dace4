package dev.lanes.kernel;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One sgemm call in the style of the reference BLAS test program (sblat3): operands stored in
 * windows of larger arrays, with an offset before and leading-dimension padding between rows;
 * an expected value computed in double; and an error ratio
 * {@code |c − expected| / (eps·G + tiny)} with {@code G = |alpha|·Σ|a||b| + |beta|·|c_old|}.
 *
 * <p>The padding and the space before and after each window are poison: NaN in A and B (so a
 * kernel that lets padding into a result produces NaN, which no ratio accepts) and a sentinel in
 * C that must keep its exact bits. When the contract says an operand is not read (C when
 * beta == 0; A and B when alpha == 0 or k == 0) its whole window is NaN as well.
 *
 * <p>Two ways to use one: {@link #run} then {@link #verify} on the problem's own C; or
 * {@link #runOnCopy} as often as needed (implementations, widths, thread counts) and
 * {@link #verify(float[], String)} or {@link #assertSameBits} on the results. The one GEMM test
 * fixture of the project, shared by the tests of {@code dev.lanes.kernel} and its subpackages.
 */
public final class GemmProblem {

    /** Written around C's window; must survive bit for bit. */
    static final float C_SENTINEL = -98765.4f;
    /** Float machine epsilon, 2^-23 (twice the unit roundoff u = 2^-24). */
    static final double EPS = Math.ulp(1f);
    /** Added to the denominator so a zero G demands an (almost) exactly zero error. */
    static final double TINY = Float.MIN_NORMAL;

    final Transpose transA;
    final Transpose transB;
    final int m;
    final int n;
    final int k;
    final float alpha;
    final float beta;
    final float[] a;
    final int aOffset;
    final int lda;
    final float[] b;
    final int bOffset;
    final int ldb;
    final float[] c;
    final int cOffset;
    final int ldc;
    private final float[] aBefore;
    private final float[] bBefore;
    private final float[] cBefore;

    private GemmProblem(Transpose transA, Transpose transB, int m, int n, int k, float alpha, float beta,
                        int offset, int pad, SplittableRandom rnd, boolean integers) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        boolean ta = transA == Transpose.TRANSPOSE;
        boolean tb = transB == Transpose.TRANSPOSE;
        boolean operandsUnread = alpha == 0f || k == 0;
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        // Different offsets and paddings per operand, so a kernel that mixes up lda/ldb/ldc fails.
        this.aOffset = offset;
        this.lda = Math.max(1, aCols) + pad;
        this.a = storage(aRows, aCols, aOffset, lda, pad, Float.NaN, operandsUnread ? null : rnd, integers);
        this.bOffset = offset == 0 ? 0 : offset + 2;
        this.ldb = Math.max(1, bCols) + (pad == 0 ? 0 : pad + 1);
        this.b = storage(bRows, bCols, bOffset, ldb, pad, Float.NaN, operandsUnread ? null : rnd, integers);
        this.cOffset = offset == 0 ? 0 : offset + 1;
        this.ldc = Math.max(1, n) + (pad == 0 ? 0 : pad + 2);
        this.c = storage(m, n, cOffset, ldc, pad, C_SENTINEL, beta == 0f ? null : rnd, integers);
        if (beta == 0f) {
            fillWindow(c, m, n, cOffset, ldc, Float.NaN);
        }
        this.aBefore = a.clone();
        this.bBefore = b.clone();
        this.cBefore = c.clone();
    }

    private GemmProblem(GemmProblem o) {
        this.transA = o.transA;
        this.transB = o.transB;
        this.m = o.m;
        this.n = o.n;
        this.k = o.k;
        this.alpha = o.alpha;
        this.beta = o.beta;
        this.a = o.a.clone();
        this.aOffset = o.aOffset;
        this.lda = o.lda;
        this.b = o.b.clone();
        this.bOffset = o.bOffset;
        this.ldb = o.ldb;
        this.c = o.c.clone();
        this.cOffset = o.cOffset;
        this.ldc = o.ldc;
        this.aBefore = o.aBefore;
        this.bBefore = o.bBefore;
        this.cBefore = o.cBefore;
    }

    /** The same problem on fresh copies of its arrays, as this one was before any run. */
    GemmProblem copy() {
        return new GemmProblem(this);
    }

    /**
     * A random problem. {@code offset} is the distance of A's window from the start of its array
     * (B and C get slightly different ones); {@code pad} is the extra leading dimension.
     */
    public static GemmProblem of(Transpose transA, Transpose transB, int m, int n, int k, float alpha, float beta,
                                 int offset, int pad, SplittableRandom rnd) {
        return new GemmProblem(transA, transB, m, n, k, alpha, beta, offset, pad, rnd, false);
    }

    /** A random problem with A's window 5 floats into its array and 3 floats of padding per row. */
    public static GemmProblem of(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                                 long seed) {
        return new GemmProblem(transpose(transA), transpose(transB), m, n, k, alpha, beta, 5, 3,
                new SplittableRandom(seed), false);
    }

    /**
     * A problem whose operands are small integers (−3..3) and whose alpha and beta should be too:
     * every product and partial sum is then exact in float, so every implementation, blocking and
     * order of summation must give the same bits. {@code pad} 0 means tight leading dimensions and
     * windows at offset 0.
     */
    public static GemmProblem integers(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                                       long seed, int pad) {
        return new GemmProblem(transpose(transA), transpose(transB), m, n, k, alpha, beta, pad == 0 ? 0 : 5, pad,
                new SplittableRandom(seed), true);
    }

    private static Transpose transpose(boolean t) {
        return t ? Transpose.TRANSPOSE : Transpose.NONE;
    }

    /**
     * An array holding a rows×cols window at {@code offset} with leading dimension {@code ld}, a
     * tail after it, everything outside the window set to {@code fill}; the window gets uniform
     * values in [-1, 1) when {@code rnd} is given, else {@code fill} too.
     */
    static float[] storage(int rows, int cols, int offset, int ld, int pad, float fill, SplittableRandom rnd) {
        return storage(rows, cols, offset, ld, pad, fill, rnd, false);
    }

    private static float[] storage(int rows, int cols, int offset, int ld, int pad, float fill, SplittableRandom rnd,
                                   boolean integers) {
        int extent = rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
        float[] x = new float[offset + extent + pad + 1];
        Arrays.fill(x, fill);
        if (rnd != null) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    x[offset + i * ld + j] = integers ? rnd.nextInt(7) - 3 : (float) (2 * rnd.nextDouble() - 1);
                }
            }
        }
        return x;
    }

    static void fillWindow(float[] x, int rows, int cols, int offset, int ld, float v) {
        if (cols == 0) {
            return;
        }
        for (int i = 0; i < rows; i++) {
            Arrays.fill(x, offset + i * ld, offset + i * ld + cols, v);
        }
    }

    /** Runs the problem on its own C (once: C then holds the result). */
    public void run(Kernels kernels) {
        kernels.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /** Runs the problem on a copy of the original C and returns it; the problem stays unchanged. */
    public float[] runOnCopy(Kernels kernels) {
        float[] out = cBefore.clone();
        kernels.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, out, cOffset, ldc);
        return out;
    }

    /** Checks bit-for-bit equality of two results (exact integer problems, determinism, parity). */
    public static void assertSameBits(float[] expected, float[] actual, String label) {
        if (expected.length != actual.length) {
            fail(label + ": " + actual.length + " elements but expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(label + ": element " + i + " is " + actual[i] + " but expected " + expected[i]);
            }
        }
    }

    /** The same product through {@link Kernels#packB} and the prepacked sgemm; returns the packed B. */
    PackedMatrix runPacked(Kernels kernels) {
        PackedMatrix packed = kernels.packB(transB, k, n, b, bOffset, ldb);
        kernels.sgemm(transA, m, alpha, a, aOffset, lda, packed, beta, c, cOffset, ldc);
        return packed;
    }

    double opA(int i, int p) {
        return transA == Transpose.TRANSPOSE ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
    }

    double opB(int p, int j) {
        return transB == Transpose.TRANSPOSE ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
    }

    /**
     * The largest error ratio sgemm may show. Higham (Accuracy and Stability of Numerical
     * Algorithms, 2nd ed., §3.1) bounds a float inner product of length k, in any summation
     * order, by γ_k·Σ|a||b| with γ_k = k·u/(1 − k·u) ≈ k·u. Scaling by alpha, scaling C by beta
     * and adding the two cost three more roundings; a kernel blocked over k (KC, the registry's
     * {@code blocking().kc()}) that adds each block's partial product into C costs about two more
     * per extra block (four blocks at most for the k used here, up to 3·KC + 1). So the error is at
     * most (k + 11)·u·G = (k + 11)/2·eps·G; the bound k + 10 is about twice that worst case, while an
     * indexing bug gives ratios near 1/eps ≈ 10^7.
     * (sblat3 uses a constant threshold of 16, fine for its k ≤ 9 and typical random rounding; a
     * worst-case bound must grow with k.)
     */
    static double ratioBound(int k) {
        return k + 10;
    }

    /** Checks every element of C's window against the double-precision value, and everything else for changes. */
    public void verify(String label) {
        verify(c, label);
    }

    /** {@link #verify(String)} for a result of {@link #runOnCopy}. */
    public void verify(float[] result, String label) {
        assertArrayEquals(aBefore, a, () -> label + ": A was modified");
        assertArrayEquals(bBefore, b, () -> label + ": B was modified");
        checkOutsideWindow(result, label);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                checkElement(result, label, i, j);
            }
        }
    }

    /**
     * Checks the product on a sample instead of every element, for sizes where an O(m·n·k) double
     * reference would dominate the run time: the full error-ratio check on every element of the
     * first and last row and column of C (where fringe tiles live) and on {@code samples} random
     * elements; the residual check below for the rest; and the untouched padding and operands.
     */
    void verifySampled(String label, int samples, SplittableRandom rnd) {
        assertArrayEquals(aBefore, a, () -> label + ": A was modified");
        assertArrayEquals(bBefore, b, () -> label + ": B was modified");
        checkOutsideWindow(c, label);
        if (m == 0 || n == 0) {
            return;
        }
        for (int i = 0; i < m; i++) {
            checkElement(c, label, i, 0);
            checkElement(c, label, i, n - 1);
        }
        for (int j = 0; j < n; j++) {
            checkElement(c, label, 0, j);
            checkElement(c, label, m - 1, j);
        }
        for (int s = 0; s < samples; s++) {
            checkElement(c, label, rnd.nextInt(m), rnd.nextInt(n));
        }
        verifyResidual(label, rnd);
    }

    /**
     * The O(n²) residual check of BLIS's test_gemm.c, in double: for a random vector t,
     * {@code r = C·t − alpha·op(A)·(op(B)·t) − beta·C_old·t} must vanish up to rounding. Each
     * element of C is within {@link #ratioBound}(k)·eps·G_ij of the exact value, so
     * {@code |r_i| ≤ ratioBound(k)·eps·Σ_j G_ij·|t_j|}, and
     * {@code Σ_j G_ij|t_j| = |alpha|·Σ_p |op(A)_ip|·(Σ_j |op(B)_pj|·|t_j|) + |beta|·Σ_j |C_old,ij|·|t_j|}
     * costs O(n²) as well. The double arithmetic of the check itself adds errors of order
     * (n + k)·2^-53 relative, a million times below the bound. This catches gross errors (a
     * wrong or missing tile or block); the element checks catch the fine ones.
     */
    void verifyResidual(String label, SplittableRandom rnd) {
        double[] t = new double[n];
        double[] absT = new double[n];
        for (int j = 0; j < n; j++) {
            t[j] = 2 * rnd.nextDouble() - 1;
            absT[j] = Math.abs(t[j]);
        }
        double[] bt = new double[k];
        double[] absBt = new double[k];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                double v = opB(p, j);
                bt[p] += v * t[j];
                absBt[p] += Math.abs(v) * absT[j];
            }
        }
        double bound = ratioBound(k);
        for (int i = 0; i < m; i++) {
            double ct = 0;
            double oldT = 0;
            double oldAbs = 0;
            for (int j = 0; j < n; j++) {
                ct += (double) c[cOffset + i * ldc + j] * t[j];
                if (beta != 0f) {
                    double old = cBefore[cOffset + i * ldc + j];
                    oldT += old * t[j];
                    oldAbs += Math.abs(old) * absT[j];
                }
            }
            double abt = 0;
            double absAbt = 0;
            for (int p = 0; p < k; p++) {
                double v = opA(i, p);
                abt += v * bt[p];
                absAbt += Math.abs(v) * absBt[p];
            }
            double r = ct - (double) alpha * abt - (double) beta * oldT;
            double g = Math.abs((double) alpha) * absAbt + Math.abs((double) beta) * oldAbs;
            double limit = bound * EPS * g + TINY;
            if (!(Math.abs(r) <= limit)) {
                fail(label + ": residual of row " + i + " is " + r + ", more than the bound " + limit);
            }
        }
    }

    private void checkOutsideWindow(float[] c, String label) {
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOffset;
            boolean inWindow = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inWindow && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(cBefore[idx])) {
                fail(label + ": C[" + idx + "] outside the window was overwritten: " + cBefore[idx]
                        + " -> " + c[idx] + " (cOffset=" + cOffset + ", ldc=" + ldc + ")");
            }
        }
    }

    private void checkElement(float[] c, String label, int i, int j) {
        double sum = 0;
        double abs = 0;
        if (alpha != 0f) {
            for (int p = 0; p < k; p++) {
                double prod = opA(i, p) * opB(p, j);
                sum += prod;
                abs += Math.abs(prod);
            }
        }
        double old = cBefore[cOffset + i * ldc + j];
        double expected = (double) alpha * sum + (beta == 0f ? 0 : (double) beta * old);
        double g = Math.abs((double) alpha) * abs + (beta == 0f ? 0 : Math.abs((double) beta) * Math.abs(old));
        float got = c[cOffset + i * ldc + j];
        double ratio = Math.abs(got - expected) / (EPS * g + TINY);
        double bound = ratioBound(k);
        if (!(ratio <= bound)) {
            fail(label + ": C(" + i + "," + j + ") = " + got + " but expected " + expected
                    + " (error ratio " + ratio + " > " + bound + ")");
        }
    }

    /** The value C held before the call (NaN in the window when beta == 0). */
    float cBefore(int i, int j) {
        return cBefore[cOffset + i * ldc + j];
    }

    @Override
    public String toString() {
        return "sgemm(" + transA + "," + transB + ", m=" + m + ", n=" + n + ", k=" + k + ", alpha=" + alpha
                + ", beta=" + beta + ", aOffset=" + aOffset + ", lda=" + lda + ", bOffset=" + bOffset
                + ", ldb=" + ldb + ", cOffset=" + cOffset + ", ldc=" + ldc + ")";
    }
}
