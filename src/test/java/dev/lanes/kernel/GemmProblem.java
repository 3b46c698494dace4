package dev.lanes.kernel;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One sgemm or dgemm call in the style of the reference BLAS test programs (sblat3, dblat3):
 * operands stored in windows of larger arrays, with an offset before and leading-dimension
 * padding between rows; an expected value computed more precisely than the element type; and an
 * error ratio {@code |c − expected| / (eps·G + tiny)} with {@code G = |alpha|·Σ|a||b| + |beta|·|c_old|}.
 *
 * <p>The padding and the space before and after each window are poison: NaN in A and B (so a
 * kernel that lets padding into a result produces NaN, which no ratio accepts) and a sentinel in
 * C that must keep its exact bits. When the contract says an operand is not read (C when
 * beta == 0; A and B when alpha == 0 or k == 0) its whole window is NaN as well.
 *
 * <p>{@code A} is the array type, {@code float[]} ({@link #of}, {@link #integers}: sgemm) or
 * {@code double[]} ({@link #ofDouble}: dgemm); the geometry, the poison and the checks are the
 * same for both. Two ways to use one: {@link #run} then {@link #verify} on the problem's own C; or
 * {@link #runOnCopy} as often as needed (implementations, widths, thread counts) and
 * {@link #verify(Object, String)} or {@link #assertSameBits} on the results. The one GEMM test
 * fixture of the project, shared by the tests of {@code dev.lanes.kernel} and its subpackages.
 */
public final class GemmProblem<A> {

    /** float, sgemm: a double sum of float products is exact enough for the expected value. */
    static final Element<float[]> FLOAT = new Element<>("sgemm", Math.ulp(1f), Float.MIN_NORMAL, -98765.4f,
            false) {
        float[] filled(int length, double v) {
            float[] x = new float[length];
            java.util.Arrays.fill(x, (float) v);
            return x;
        }

        double get(float[] x, int i) {
            return x[i];
        }

        void set(float[] x, int i, double v) {
            x[i] = (float) v;
        }

        long bits(float[] x, int i) {
            return Float.floatToRawIntBits(x[i]);
        }

        int length(float[] x) {
            return x.length;
        }

        float[] copy(float[] x) {
            return x.clone();
        }

        String show(double v) {
            return Float.toString((float) v);
        }

        void gemm(Kernels k, GemmProblem<float[]> p, float[] c) {
            k.sgemm(p.transA, p.transB, p.m, p.n, p.k, (float) p.alpha, p.a, p.aOffset, p.lda, p.b, p.bOffset, p.ldb,
                    (float) p.beta, c, p.cOffset, p.ldc);
        }
    };

    /**
     * double, dgemm: a plain double sum is no more precise than the kernel under test, so the
     * expected value is summed in double-double (error ~2^-104).
     */
    static final Element<double[]> DOUBLE = new Element<>("dgemm", Math.ulp(1d), Double.MIN_NORMAL, -98765.4321,
            true) {
        double[] filled(int length, double v) {
            double[] x = new double[length];
            java.util.Arrays.fill(x, v);
            return x;
        }

        double get(double[] x, int i) {
            return x[i];
        }

        void set(double[] x, int i, double v) {
            x[i] = v;
        }

        long bits(double[] x, int i) {
            return Double.doubleToRawLongBits(x[i]);
        }

        int length(double[] x) {
            return x.length;
        }

        double[] copy(double[] x) {
            return x.clone();
        }

        String show(double v) {
            return Double.toString(v);
        }

        void gemm(Kernels k, GemmProblem<double[]> p, double[] c) {
            k.dgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.aOffset, p.lda, p.b, p.bOffset, p.ldb,
                    p.beta, c, p.cOffset, p.ldc);
        }
    };

    final Element<A> element;
    final Transpose transA;
    final Transpose transB;
    final int m;
    final int n;
    final int k;
    /** Exactly the float alpha and beta of an sgemm problem, widened. */
    final double alpha;
    final double beta;
    final A a;
    final int aOffset;
    final int lda;
    final A b;
    final int bOffset;
    final int ldb;
    final A c;
    final int cOffset;
    final int ldc;
    private final A aBefore;
    private final A bBefore;
    private final A cBefore;

    private GemmProblem(Element<A> element, Transpose transA, Transpose transB, int m, int n, int k, double alpha,
                        double beta, int offset, int pad, SplittableRandom rnd, boolean integers) {
        this.element = element;
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        boolean ta = transA == Transpose.TRANSPOSE;
        boolean tb = transB == Transpose.TRANSPOSE;
        boolean operandsUnread = alpha == 0 || k == 0;
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        // Different offsets and paddings per operand, so a kernel that mixes up lda/ldb/ldc fails.
        this.aOffset = offset;
        this.lda = Math.max(1, aCols) + pad;
        this.a = storage(element, aRows, aCols, aOffset, lda, pad, Double.NaN, operandsUnread ? null : rnd, integers);
        this.bOffset = offset == 0 ? 0 : offset + 2;
        this.ldb = Math.max(1, bCols) + (pad == 0 ? 0 : pad + 1);
        this.b = storage(element, bRows, bCols, bOffset, ldb, pad, Double.NaN, operandsUnread ? null : rnd, integers);
        this.cOffset = offset == 0 ? 0 : offset + 1;
        this.ldc = Math.max(1, n) + (pad == 0 ? 0 : pad + 2);
        this.c = storage(element, m, n, cOffset, ldc, pad, element.sentinel, beta == 0 ? null : rnd, integers);
        if (beta == 0) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    element.set(c, cOffset + i * ldc + j, Double.NaN);
                }
            }
        }
        this.aBefore = element.copy(a);
        this.bBefore = element.copy(b);
        this.cBefore = element.copy(c);
    }

    private GemmProblem(GemmProblem<A> o) {
        this.element = o.element;
        this.transA = o.transA;
        this.transB = o.transB;
        this.m = o.m;
        this.n = o.n;
        this.k = o.k;
        this.alpha = o.alpha;
        this.beta = o.beta;
        this.a = element.copy(o.a);
        this.aOffset = o.aOffset;
        this.lda = o.lda;
        this.b = element.copy(o.b);
        this.bOffset = o.bOffset;
        this.ldb = o.ldb;
        this.c = element.copy(o.c);
        this.cOffset = o.cOffset;
        this.ldc = o.ldc;
        this.aBefore = o.aBefore;
        this.bBefore = o.bBefore;
        this.cBefore = o.cBefore;
    }

    /** The same problem on fresh copies of its arrays, as this one was before any run. */
    GemmProblem<A> copy() {
        return new GemmProblem<>(this);
    }

    /**
     * A random sgemm problem. {@code offset} is the distance of A's window from the start of its
     * array (B and C get slightly different ones); {@code pad} is the extra leading dimension.
     */
    public static GemmProblem<float[]> of(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                                          float beta, int offset, int pad, SplittableRandom rnd) {
        return new GemmProblem<>(FLOAT, transA, transB, m, n, k, alpha, beta, offset, pad, rnd, false);
    }

    /** A random sgemm problem with A's window 5 floats into its array and 3 floats of padding per row. */
    public static GemmProblem<float[]> of(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                          float beta, long seed) {
        return new GemmProblem<>(FLOAT, transpose(transA), transpose(transB), m, n, k, alpha, beta, 5, 3,
                new SplittableRandom(seed), false);
    }

    /**
     * An sgemm problem whose operands are small integers (−3..3) and whose alpha and beta should
     * be too: every product and partial sum is then exact in float, so every implementation,
     * blocking and order of summation must give the same bits. {@code pad} 0 means tight leading
     * dimensions and windows at offset 0.
     */
    public static GemmProblem<float[]> integers(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                                float beta, long seed, int pad) {
        return new GemmProblem<>(FLOAT, transpose(transA), transpose(transB), m, n, k, alpha, beta,
                pad == 0 ? 0 : 5, pad, new SplittableRandom(seed), true);
    }

    /**
     * A random dgemm problem: the windows, offsets, paddings and random draws of the sgemm problem
     * {@code of} builds from the same arguments, in double.
     */
    public static GemmProblem<double[]> ofDouble(Transpose transA, Transpose transB, int m, int n, int k,
                                                 double alpha, double beta, int offset, int pad,
                                                 SplittableRandom rnd) {
        return new GemmProblem<>(DOUBLE, transA, transB, m, n, k, alpha, beta, offset, pad, rnd, false);
    }

    private static Transpose transpose(boolean t) {
        return t ? Transpose.TRANSPOSE : Transpose.NONE;
    }

    /**
     * A float array holding a rows×cols window at {@code offset} with leading dimension {@code ld},
     * a tail after it, everything outside the window set to {@code fill}; the window gets uniform
     * values in [-1, 1) when {@code rnd} is given, else {@code fill} too.
     */
    static float[] storage(int rows, int cols, int offset, int ld, int pad, float fill, SplittableRandom rnd) {
        return storage(FLOAT, rows, cols, offset, ld, pad, fill, rnd, false);
    }

    /** The tail after a window is {@code pad + 3} elements, so even tight operands have poison after them. */
    private static <A> A storage(Element<A> element, int rows, int cols, int offset, int ld, int pad, double fill,
                                 SplittableRandom rnd, boolean integers) {
        int extent = rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
        A x = element.filled(offset + extent + pad + 3, fill);
        if (rnd != null) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    element.set(x, offset + i * ld + j, integers ? rnd.nextInt(7) - 3 : 2 * rnd.nextDouble() - 1);
                }
            }
        }
        return x;
    }

    /** Runs the problem on its own C (once: C then holds the result). */
    public void run(Kernels kernels) {
        element.gemm(kernels, this, c);
    }

    /** Runs the problem on a copy of the original C and returns it; the problem stays unchanged. */
    public A runOnCopy(Kernels kernels) {
        A out = element.copy(cBefore);
        element.gemm(kernels, this, out);
        return out;
    }

    /** Checks bit-for-bit equality of two results (exact integer problems, determinism, parity). */
    public static <A> void assertSameBits(A expected, A actual, String label) {
        Element<A> e = elementOf(expected);
        if (e.length(expected) != e.length(actual)) {
            fail(label + ": " + e.length(actual) + " elements but expected " + e.length(expected));
        }
        for (int i = 0; i < e.length(expected); i++) {
            if (e.bits(expected, i) != e.bits(actual, i)) {
                fail(label + ": element " + i + " is " + e.show(e.get(actual, i)) + " but expected "
                        + e.show(e.get(expected, i)));
            }
        }
    }

    @SuppressWarnings("unchecked") // the class of the array decides the element, and it is A's
    private static <A> Element<A> elementOf(A array) {
        return (Element<A>) switch (array) {
            case float[] _ -> FLOAT;
            case double[] _ -> DOUBLE;
            default -> throw new IllegalArgumentException("not a float[] or double[]: " + array);
        };
    }

    /** The same product through {@link Kernels#packB} and the prepacked sgemm; returns the packed B. */
    PackedMatrix runPacked(Kernels kernels) {
        requireFloat("the prepacked product");
        PackedMatrix packed = kernels.packB(transB, k, n, (float[]) b, bOffset, ldb);
        kernels.sgemm(transA, m, (float) alpha, (float[]) a, aOffset, lda, packed, (float) beta, (float[]) c,
                cOffset, ldc);
        return packed;
    }

    private void requireFloat(String what) {
        if (element != FLOAT) {
            throw new UnsupportedOperationException(what + " is for sgemm problems only, not " + this);
        }
    }

    double opA(int i, int p) {
        return element.get(a, transA == Transpose.TRANSPOSE ? aOffset + p * lda + i : aOffset + i * lda + p);
    }

    double opB(int p, int j) {
        return element.get(b, transB == Transpose.TRANSPOSE ? bOffset + j * ldb + p : bOffset + p * ldb + j);
    }

    /** Machine epsilon of the element type: 2^-23 for float, 2^-52 for double (twice the unit roundoff u). */
    double eps() {
        return element.eps;
    }

    /** Added to the denominator of the ratio so a zero G demands an (almost) exactly zero error. */
    double tiny() {
        return element.tiny;
    }

    /**
     * The largest error ratio sgemm or dgemm may show. Higham (Accuracy and Stability of
     * Numerical Algorithms, 2nd ed., §3.1) bounds an inner product of length k, in any summation
     * order, by γ_k·Σ|a||b| with γ_k = k·u/(1 − k·u) ≈ k·u, u the unit roundoff of the element
     * type. Scaling by alpha, scaling C by beta and adding the two cost three more roundings; a
     * kernel blocked over k (KC, the registry's {@code blocking().kc()}) that adds each block's
     * partial product into C costs about two more per extra block (four blocks at most for the k
     * used here, up to 3·KC + 1). So the error is at most (k + 11)·u·G = (k + 11)/2·eps·G; the
     * bound k + 10 is about twice that worst case, while an indexing bug gives ratios near 1/eps.
     * (sblat3 uses a constant threshold of 16, fine for its k ≤ 9 and typical random rounding; a
     * worst-case bound must grow with k.)
     */
    static double ratioBound(int k) {
        return k + 10;
    }

    /** Checks every element of C's window against the more precise value, and everything else for changes. */
    public void verify(String label) {
        verify(c, label);
    }

    /** {@link #verify(String)} for a result of {@link #runOnCopy}. */
    public void verify(A result, String label) {
        checkOperandsUnchanged(label);
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
     * sgemm problems only (see {@link #verifyResidual}).
     */
    void verifySampled(String label, int samples, SplittableRandom rnd) {
        requireFloat("the sampled check");
        checkOperandsUnchanged(label);
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
     * (n + k)·2^-53 relative, a million times below the float bound (which is why it is for
     * sgemm problems only: for dgemm it would be as coarse as the kernel). This catches gross
     * errors (a wrong or missing tile or block); the element checks catch the fine ones.
     */
    void verifyResidual(String label, SplittableRandom rnd) {
        requireFloat("the residual check");
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
                ct += element.get(c, cOffset + i * ldc + j) * t[j];
                if (beta != 0) {
                    double old = element.get(cBefore, cOffset + i * ldc + j);
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
            double r = ct - alpha * abt - beta * oldT;
            double g = Math.abs(alpha) * absAbt + Math.abs(beta) * oldAbs;
            double limit = bound * eps() * g + tiny();
            if (!(Math.abs(r) <= limit)) {
                fail(label + ": residual of row " + i + " is " + r + ", more than the bound " + limit);
            }
        }
    }

    private void checkOperandsUnchanged(String label) {
        for (int q = 0; q < element.length(a); q++) {
            if (element.bits(a, q) != element.bits(aBefore, q)) {
                fail(label + ": A was modified at " + q);
            }
        }
        for (int q = 0; q < element.length(b); q++) {
            if (element.bits(b, q) != element.bits(bBefore, q)) {
                fail(label + ": B was modified at " + q);
            }
        }
    }

    private void checkOutsideWindow(A result, String label) {
        for (int idx = 0; idx < element.length(result); idx++) {
            int rel = idx - cOffset;
            boolean inWindow = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inWindow && element.bits(result, idx) != element.bits(cBefore, idx)) {
                fail(label + ": C[" + idx + "] outside the window was overwritten: "
                        + element.show(element.get(cBefore, idx)) + " -> " + element.show(element.get(result, idx))
                        + " (cOffset=" + cOffset + ", ldc=" + ldc + ")");
            }
        }
    }

    private void checkElement(A result, String label, int i, int j) {
        double hi = 0;
        double lo = 0;
        double abs = 0;
        if (alpha != 0) {
            for (int p = 0; p < k; p++) {
                double x = opA(i, p);
                double y = opB(p, j);
                double prod = x * y;
                abs += Math.abs(prod);
                if (element.compensated) {
                    // TwoProduct by fma, TwoSum for the running sum: hi + lo is the sum to ~2^-104.
                    double s = hi + prod;
                    double bb = s - hi;
                    lo += (hi - (s - bb)) + (prod - bb) + Math.fma(x, y, -prod);
                    hi = s;
                } else {
                    hi += prod;
                }
            }
        }
        double old = beta == 0 ? 0 : cBefore(i, j);
        double expected = alpha * hi + (alpha * lo + beta * old);
        double g = Math.abs(alpha) * abs + Math.abs(beta) * Math.abs(old);
        double got = element.get(result, cOffset + i * ldc + j);
        double ratio = Math.abs(got - expected) / (eps() * g + tiny());
        double bound = ratioBound(k);
        if (!(ratio <= bound)) {
            fail(label + ": C(" + i + "," + j + ") = " + element.show(got) + " but expected " + expected
                    + " (error ratio " + ratio + " > " + bound + ")");
        }
    }

    /** The value C held before the call (NaN in the window when beta == 0). */
    double cBefore(int i, int j) {
        return element.get(cBefore, cOffset + i * ldc + j);
    }

    @Override
    public String toString() {
        return element.routine + "(" + transA + "," + transB + ", m=" + m + ", n=" + n + ", k=" + k
                + ", alpha=" + element.show(alpha) + ", beta=" + element.show(beta) + ", aOffset=" + aOffset
                + ", lda=" + lda + ", bOffset=" + bOffset + ", ldb=" + ldb + ", cOffset=" + cOffset
                + ", ldc=" + ldc + ")";
    }

    /**
     * What the element type decides: the arrays and their rounding, epsilon and the smallest
     * normal, the sentinel around C, how precisely the expected value is summed, and the routine
     * called.
     */
    abstract static class Element<A> {
        final String routine;
        final double eps;
        final double tiny;
        final double sentinel;
        /** Sum the expected value in double-double rather than double. */
        final boolean compensated;

        Element(String routine, double eps, double tiny, double sentinel, boolean compensated) {
            this.routine = routine;
            this.eps = eps;
            this.tiny = tiny;
            this.sentinel = sentinel;
            this.compensated = compensated;
        }

        abstract A filled(int length, double v);

        abstract double get(A x, int i);

        /** Stores {@code v} rounded to the element type. */
        abstract void set(A x, int i, double v);

        abstract long bits(A x, int i);

        abstract int length(A x);

        abstract A copy(A x);

        abstract String show(double v);

        abstract void gemm(Kernels k, GemmProblem<A> p, A c);
    }
}
