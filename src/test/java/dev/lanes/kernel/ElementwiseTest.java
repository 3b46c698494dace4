package dev.lanes.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The element-wise kernels against their definitions, computed here in double (not against the
 * reference implementation), over awkward lengths and offsets, with the space around every window
 * poisoned ({@link Slab}) and read-only inputs checked unchanged. Runs against every
 * implementation.
 *
 * <p>Tolerances, with eps = 2^-23 (float machine epsilon) and u = eps/2:
 * <ul>
 *   <li>exact: addRowVector, scale, relu, reluBackward (one correctly rounded operation or a
 *       selection), standardize (a rounded difference, then a correctly rounded quotient), and
 *       columnSums against a float sum in row order, which the contract promises;</li>
 *   <li>columnSums vs the exact sum: rows·eps·Σ|x| (twice the worst case of recursive summation);</li>
 *   <li>axpy: eps·(|alpha·x| + |y|), two roundings without FMA;</li>
 *   <li>exp: 4 ulp of the correctly rounded result (the SIMD exp may use a polynomial); results
 *       below the smallest normal float may be flushed, so there ±Float.MIN_NORMAL;</li>
 *   <li>sigmoid and tanh: 8 ulp (an exp-based formula adds two roundings to exp's 4 ulp), or
 *       2·eps absolute — their outputs are bounded by 1, and the absolute floor admits the
 *       cancellation of formulas like (1 − e^(−2x))/(1 + e^(−2x)) near 0;</li>
 *   <li>backward products: 2·eps·|d|·(|f(a)| + a²), covering both a·(1 − a) and a − a², and
 *       1 − a² computed with or without FMA;</li>
 *   <li>softmax: eps·p·(8 + cols + |x − max|) + Float.MIN_NORMAL per element — exp's error,
 *       the float sum of cols terms, the division, and the rounding of x − max which exp
 *       magnifies by |x − max|; each row must sum to 1 within eps·(8 + 2·cols);</li>
 *   <li>losses: see the individual tests.</li>
 * </ul>
 */
class ElementwiseTest {

    private static final double EPS = Math.ulp(1f);
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 100, 1000};
    private static final int[] OFFSETS = {0, 3};
    private static final int[] ROWS = {0, 1, 2, 5, 17};

    /** Inputs that exercise the edges of exp, sigmoid and tanh. */
    private static final float[] SPECIALS = {
            0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 88.72f, 88.73f, 89f,
            -87.3f, -88f, -100f, -103.9f, -104f, -150f, 1e-8f, -1e-8f, Float.MIN_VALUE, 1f, -1f, 0.5f,
            20f, -20f, 1e4f, -1e4f,
    };

    // ---------------------------------------------------------------- broadcast and reductions

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void addRowVector(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(101);
        for (int rows : ROWS) {
            for (int cols : LENGTHS) {
                for (int offset : OFFSETS) {
                    int ld = Math.max(1, cols) + offset;
                    Slab x = Slab.matrix(random(rows * cols, -4, 4, rnd), rows, cols, offset, ld);
                    Slab v = Slab.vector(random(cols, -4, 4, rnd), offset + 1);
                    String label = name(kernels) + " addRowVector rows=" + rows + " cols=" + cols + " ld=" + ld;
                    kernels.addRowVector(rows, cols, v.array, v.offset, x.array, x.offset, x.ld);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            float expected = (float) ((double) x.old(i, j) + v.get(j));
                            exact(label + " (" + i + "," + j + ")", expected, x.get(i, j));
                        }
                    }
                    x.checkOutside(label);
                    v.checkUnchanged(label);
                }
            }
        }
    }

    /** (x − m)/s as the contract rounds it, from double arithmetic (each step rounds once to float). */
    private static float standardized(float x, float m, float s) {
        double difference = (float) ((double) x - m);
        return (float) (difference / s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void standardize(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(107);
        for (int rows : ROWS) {
            for (int cols : LENGTHS) {
                for (int offset : OFFSETS) {
                    int ldx = Math.max(1, cols) + offset;
                    int ldy = Math.max(1, cols) + 2;
                    Slab x = Slab.matrix(random(rows * cols, -50, 50, rnd), rows, cols, offset, ldx);
                    Slab mean = Slab.vector(random(cols, -5, 5, rnd), offset + 1);
                    Slab std = Slab.vector(random(cols, 0.01, 20, rnd), 2);
                    Slab y = Slab.matrix(new float[rows * cols], rows, cols, 1, ldy);
                    String label = name(kernels) + " standardize rows=" + rows + " cols=" + cols + " ldx=" + ldx;
                    int bad = kernels.standardize(rows, cols, x.array, x.offset, x.ld, mean.array, mean.offset,
                            std.array, std.offset, y.array, y.offset, y.ld);
                    if (bad != -1) {
                        fail(label + ": finite results, but position " + bad + " was reported");
                    }
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            exact(label + " (" + i + "," + j + ")", standardized(x.get(i, j), mean.get(j), std.get(j)),
                                    y.get(i, j));
                        }
                    }
                    y.checkOutside(label);
                    x.checkUnchanged(label);
                    mean.checkUnchanged(label);
                    std.checkUnchanged(label);

                    // In place: the same bits in X's own window, nothing outside it touched.
                    kernels.standardize(rows, cols, x.array, x.offset, x.ld, mean.array, mean.offset,
                            std.array, std.offset, x.array, x.offset, x.ld);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            exact(label + " in place (" + i + "," + j + ")", y.get(i, j), x.get(i, j));
                        }
                    }
                    x.checkOutside(label + " in place");
                }
            }
        }
    }

    /**
     * The position returned for the first non-finite result, whatever makes it: a NaN or infinite
     * input, a zero deviation (±∞, or NaN where the input equals the mean), or a quotient that
     * overflows; in the first or last column, inside a vector or in a row's masked tail.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void standardizeReportsTheFirstNonFiniteResult(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(109);
        int rows = 5;
        for (int cols : new int[] {1, 3, 7, 8, 15, 16, 17, 33, 100}) {
            for (String kind : new String[] {"NaN", "+inf", "-inf", "overflow", "zero std", "zero std, x = mean"}) {
                for (int[] at : new int[][] {{0, 0}, {0, cols - 1}, {2, cols / 2}, {rows - 1, cols - 1}}) {
                    float[] x = random(rows * cols, -3, 3, rnd);
                    float[] mean = random(cols, -1, 1, rnd);
                    float[] std = random(cols, 0.5, 2, rnd);
                    int i = at[0];
                    int j = at[1];
                    switch (kind) {
                        case "NaN" -> x[i * cols + j] = Float.NaN;
                        case "+inf" -> x[i * cols + j] = Float.POSITIVE_INFINITY;
                        case "-inf" -> x[i * cols + j] = Float.NEGATIVE_INFINITY;
                        case "overflow" -> {
                            x[i * cols + j] = 3e38f;
                            std[j] = 1e-3f;
                        }
                        case "zero std" -> std[j] = 0f;
                        default -> {
                            std[j] = 0f;
                            x[i * cols + j] = mean[j];
                        }
                    }
                    // A zero deviation spoils its whole column unless only the chosen row matches the mean.
                    int first = kind.equals("zero std") ? j : i * cols + j;
                    if (kind.equals("zero std, x = mean")) {
                        for (int r = 0; r < rows; r++) {
                            if (r != i) {
                                x[r * cols + j] = mean[j] + 1f;
                            }
                        }
                        first = j; // row 0 divides a non-zero difference by 0 (or is the chosen row)
                    }
                    // A later non-finite value must not be reported instead.
                    if (i * cols + j + 1 < rows * cols) {
                        x[rows * cols - 1] = Float.NaN;
                    }
                    String label = name(kernels) + " standardize " + kind + " at (" + i + "," + j + ") cols=" + cols;
                    Slab xs = Slab.matrix(x, rows, cols, 3, cols + 1);
                    Slab y = Slab.matrix(new float[rows * cols], rows, cols, 0, cols);
                    int bad = kernels.standardize(rows, cols, xs.array, xs.offset, xs.ld, mean, 0, std, 0,
                            y.array, y.offset, y.ld);
                    if (bad != first) {
                        fail(label + ": expected position " + first + " but got " + bad);
                    }
                    // Every element is still written, the non-finite ones included.
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            exact(label + " (" + r + "," + c + ")", standardized(x[r * cols + c], mean[c], std[c]),
                                    y.get(r, c));
                        }
                    }
                    y.checkOutside(label);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void columnSums(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(103);
        for (int rows : new int[] {0, 1, 2, 5, 17, 300}) {
            for (int cols : LENGTHS) {
                for (int offset : OFFSETS) {
                    int ld = Math.max(1, cols) + 2 * offset;
                    Slab x = Slab.matrix(random(rows * cols, -1, 1, rnd), rows, cols, offset, ld);
                    // out starts with garbage: it must be overwritten, not added to.
                    Slab out = Slab.vector(random(cols, 5, 9, rnd), offset + 2);
                    String label = name(kernels) + " columnSums rows=" + rows + " cols=" + cols + " ld=" + ld;
                    kernels.columnSums(rows, cols, x.array, x.offset, x.ld, out.array, out.offset);
                    for (int j = 0; j < cols; j++) {
                        double sum = 0;
                        double abs = 0;
                        float rowOrder = 0f;
                        for (int i = 0; i < rows; i++) {
                            sum += x.get(i, j);
                            abs += Math.abs(x.get(i, j));
                            rowOrder += x.get(i, j);
                        }
                        near(label + " column " + j, sum, out.get(j), Math.max(rows, 1) * EPS * abs);
                        exact(label + " column " + j + " (row-order float sum)", rowOrder, out.get(j));
                    }
                    out.checkOutside(label);
                    x.checkUnchanged(label);
                }
            }
        }
    }

    // ---------------------------------------------------------------- BLAS-1

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void axpy(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(107);
        for (float alpha : new float[] {0.7f, -2f, 1f, 0f}) {
            for (int n : LENGTHS) {
                for (int offset : OFFSETS) {
                    Slab x = Slab.vector(random(n, -3, 3, rnd), offset);
                    Slab y = Slab.vector(random(n, -3, 3, rnd), 2 * offset + 1);
                    String label = name(kernels) + " axpy alpha=" + alpha + " n=" + n;
                    kernels.axpy(n, alpha, x.array, x.offset, y.array, y.offset);
                    for (int i = 0; i < n; i++) {
                        double ax = (double) alpha * x.get(i);
                        near(label + " [" + i + "]", ax + y.old(i), y.get(i), EPS * (Math.abs(ax) + Math.abs(y.old(i))));
                    }
                    y.checkOutside(label);
                    x.checkUnchanged(label);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void scale(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(109);
        for (float alpha : new float[] {0.7f, -3f, 1f, 0f}) {
            for (int n : LENGTHS) {
                for (int offset : OFFSETS) {
                    float[] values = random(n, -3, 3, rnd);
                    if (alpha == 0f) {
                        // alpha == 0 writes zeros without reading x: NaN and infinities included.
                        withSpecials(values, new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
                    }
                    Slab x = Slab.vector(values, offset);
                    String label = name(kernels) + " scale alpha=" + alpha + " n=" + n;
                    kernels.scale(n, alpha, x.array, x.offset);
                    for (int i = 0; i < n; i++) {
                        float expected = alpha == 0f ? 0f : (float) ((double) alpha * x.old(i));
                        exact(label + " [" + i + "] of " + x.old(i), expected, x.get(i));
                    }
                    x.checkOutside(label);
                }
            }
        }
    }

    // ---------------------------------------------------------------- activations

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void exp(Kernels kernels) {
        unary(kernels, "exp", Kernels::exp, Math::exp, -20, 20, ElementwiseTest::expTolerance);
        // A sweep over the whole interesting range, overflow and underflow included.
        int n = 15_000;
        float[] sweep = new float[n];
        for (int i = 0; i < n; i++) {
            sweep[i] = -110f + i * 0.0137f;
        }
        checkUnary(kernels, "exp sweep", Kernels::exp, Math::exp, sweep, 1, ElementwiseTest::expTolerance);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void sigmoid(Kernels kernels) {
        DoubleUnaryOperator f = x -> 1 / (1 + Math.exp(-x));
        unary(kernels, "sigmoid", Kernels::sigmoid, f, -20, 20, ElementwiseTest::boundedTolerance);
        float[] sweep = new float[4000];
        for (int i = 0; i < sweep.length; i++) {
            sweep[i] = -100f + i * 0.05f;
        }
        float[] out = checkUnary(kernels, "sigmoid sweep", Kernels::sigmoid, f, sweep, 0,
                ElementwiseTest::boundedTolerance);
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] >= 0f && out[i] <= 1f)) {
                fail(name(kernels) + " sigmoid(" + sweep[i] + ") = " + out[i] + " is outside [0, 1]");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void tanh(Kernels kernels) {
        unary(kernels, "tanh", Kernels::tanh, Math::tanh, -10, 10, ElementwiseTest::boundedTolerance);
        float[] sweep = new float[4000];
        for (int i = 0; i < sweep.length; i++) {
            sweep[i] = -50f + i * 0.025f;
        }
        float[] out = checkUnary(kernels, "tanh sweep", Kernels::tanh, Math::tanh, sweep, 0,
                ElementwiseTest::boundedTolerance);
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] >= -1f && out[i] <= 1f)) {
                fail(name(kernels) + " tanh(" + sweep[i] + ") = " + out[i] + " is outside [-1, 1]");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void relu(Kernels kernels) {
        // The tolerance function returns 0: relu must be exact.
        unary(kernels, "relu", Kernels::relu, x -> Double.isNaN(x) ? x : Math.max(x, 0), -1, 1, e -> 0);
    }

    // ---------------------------------------------------------------- backward products

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void sigmoidBackward(Kernels kernels) {
        backward(kernels, "sigmoidBackward", Kernels::sigmoidBackward, 0, 1, new float[] {0f, 1f, 0.5f},
                (a, d) -> d * a * (1 - a), (a, d) -> 2 * EPS * Math.abs(d) * (Math.abs(a * (1 - a)) + a * a));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void tanhBackward(Kernels kernels) {
        backward(kernels, "tanhBackward", Kernels::tanhBackward, -1, 1, new float[] {-1f, 1f, 0f},
                (a, d) -> d * (1 - a * a), (a, d) -> 2 * EPS * Math.abs(d) * (Math.abs(1 - a * a) + a * a));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void reluBackward(Kernels kernels) {
        // The derivative at 0 is taken as 0, and a NaN activation is not > 0 either.
        backward(kernels, "reluBackward", Kernels::reluBackward, -1, 1,
                new float[] {0f, -0f, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE},
                (a, d) -> a > 0 ? d : 0, (a, d) -> 0);
    }

    // ---------------------------------------------------------------- softmax and losses

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void softmaxRows(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(113);
        for (int rows : ROWS) {
            for (int cols : LENGTHS) {
                for (int offset : OFFSETS) {
                    int ld = Math.max(1, cols) + offset;
                    Slab x = Slab.matrix(random(rows * cols, -10, 10, rnd), rows, cols, offset, ld);
                    String label = name(kernels) + " softmaxRows rows=" + rows + " cols=" + cols + " ld=" + ld;
                    kernels.softmaxRows(rows, cols, x.array, x.offset, x.ld);
                    checkSoftmax(label, x, rows, cols);
                    x.checkOutside(label);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void softmaxOfHugeLogitsStaysFinite(Kernels kernels) {
        float big = 1e30f;
        float[][] rows = {
                {big, -big, 0f, big, 1f, -3f, big, 2f, -big, big, 0f, 0f, big, -big, 5f, big, 7f},
                {big, big, big, big, big, big, big, big, big, big, big, big, big, big, big, big, big},
                {-big, -big, -big, -big, -big, -big, -big, -big, -big, -big, -big, -big, -big, -big, -big, -big, -big},
                {3e38f, -3e38f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, -3e38f},
                {100f, 99f, 98f, 0f, -50f, -100f, 88f, 89f, 90f, 91f, 92f, 93f, 94f, 95f, 96f, 97f, 101f},
        };
        int cols = rows[0].length;
        float[] values = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, values, i * cols, cols);
        }
        Slab x = Slab.matrix(values, rows.length, cols, 1, cols + 1);
        String label = name(kernels) + " softmaxRows of huge logits";
        kernels.softmaxRows(rows.length, cols, x.array, x.offset, x.ld);
        checkSoftmax(label, x, rows.length, cols);
        x.checkOutside(label);
        // Equal logits, however large, give exactly the uniform distribution up to rounding.
        for (int j = 0; j < cols; j++) {
            near(label + " uniform row", 1.0 / cols, x.get(1, j), 4 * EPS / cols);
            near(label + " uniform row", 1.0 / cols, x.get(2, j), 4 * EPS / cols);
        }
    }

    /**
     * MSE value and gradient. The value is a sum of squares of float differences (one rounding
     * each, doubled by squaring) accumulated in double per the contract; the bound
     * eps·(4 + cols)·C still admits float partial sums over a row. The gradient
     * (2/rows)·(a − y) takes at most three roundings: 2·eps·|g|.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void mseLoss(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(127);
        int count = 0;
        for (int rows : new int[] {1, 2, 5, 17}) {
            for (int cols : LENGTHS) {
                int n = rows * cols;
                int offset = count % 2 == 0 ? 0 : 3;
                boolean withGrad = count++ % 3 != 0;
                Slab a = Slab.vector(random(n, -2, 2, rnd), offset);
                Slab y = Slab.vector(random(n, -2, 2, rnd), offset + 1);
                Slab grad = Slab.vector(random(n, 5, 9, rnd), offset + 2);
                String label = name(kernels) + " mseLoss rows=" + rows + " cols=" + cols + " grad=" + withGrad;
                double loss = kernels.mseLoss(rows, cols, a.array, a.offset, y.array, y.offset,
                        withGrad ? grad.array : null, grad.offset);
                double expected = 0;
                for (int i = 0; i < n; i++) {
                    double d = (double) a.get(i) - y.get(i);
                    expected += d * d;
                }
                expected /= rows;
                near(label + " value", expected, loss, EPS * (4 + cols) * expected + Double.MIN_NORMAL);
                for (int i = 0; i < n && withGrad; i++) {
                    double g = 2.0 / rows * ((double) a.get(i) - y.get(i));
                    near(label + " grad[" + i + "]", g, grad.get(i), 2 * EPS * Math.abs(g));
                }
                if (withGrad) {
                    grad.checkOutside(label);
                } else {
                    grad.checkUnchanged(label + " (grad not requested)");
                }
                a.checkUnchanged(label);
                y.checkUnchanged(label);
            }
        }
    }

    /**
     * Softmax cross-entropy against log-sum-exp in double. With m = max z and
     * L = log Σ exp(z − m), log p_j = z_j − m − L; the implementation's log p_j carries errors
     * from rounding z − m (eps·|z − m|), from L (its float sum of cols terms and the log:
     * eps·(cols + 8 + |L|)), so the value may be off by
     * eps·Σ|y_j|·(8 + cols + |z_j − m| + |L|)/rows. The gradient (P − Y)/rows carries P's
     * softmax error and two more roundings.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void softmaxCrossEntropy(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(131);
        int count = 0;
        for (int rows : new int[] {1, 2, 5, 17}) {
            for (int cols : LENGTHS) {
                if (cols == 0) {
                    continue;
                }
                boolean oneHot = count % 2 == 0;
                boolean withGrad = count % 3 != 0;
                int offset = count++ % 4 < 2 ? 0 : 3;
                float[] y = oneHot ? oneHot(rows, cols, rnd) : distributions(rows, cols, rnd);
                crossEntropyCase(kernels, rows, cols, random(rows * cols, -8, 8, rnd), y, offset, withGrad);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void crossEntropyOfExtremeLogitsStaysFinite(Kernels kernels) {
        float big = 1e30f;
        float[] z = {
                big, -big, 0f,
                -big, big, 0f,
                big, big, -big,
                3e38f, -3e38f, 1f,
                -100f, 100f, 50f,
        };
        // Targets on the smallest logit (loss 2e30 per row, finite), on the largest (loss ~0),
        // split between two, and on probabilities that underflow to 0 in float.
        float[] y = {
                0f, 1f, 0f,
                0f, 1f, 0f,
                0.5f, 0f, 0.5f,
                0f, 0f, 1f,
                1f, 0f, 0f,
        };
        double loss = crossEntropyCase(kernels, 5, 3, z, y, 2, true);
        if (!Double.isFinite(loss)) {
            fail(name(kernels) + " softmaxCrossEntropy of extreme logits is " + loss);
        }
    }

    private double crossEntropyCase(Kernels kernels, int rows, int cols, float[] logits, float[] targets,
                                    int offset, boolean withGrad) {
        int n = rows * cols;
        Slab z = Slab.vector(logits, offset);
        Slab y = Slab.vector(targets, offset + 1);
        Slab grad = Slab.vector(random(n, 5, 9, new SplittableRandom(n)), offset + 2);
        String label = name(kernels) + " softmaxCrossEntropy rows=" + rows + " cols=" + cols + " grad=" + withGrad;
        double loss = kernels.softmaxCrossEntropy(rows, cols, z.array, z.offset, y.array, y.offset,
                withGrad ? grad.array : null, grad.offset);
        double expected = 0;
        double tolerance = 0;
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, z.old(i * cols + j));
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(z.old(i * cols + j) - max);
            }
            double lse = Math.log(sum);
            for (int j = 0; j < cols; j++) {
                double shifted = z.old(i * cols + j) - max;
                double yj = y.get(i * cols + j);
                expected -= yj * (shifted - lse);
                tolerance += EPS * Math.abs(yj) * (8 + cols + Math.abs(shifted) + lse);
                double p = Math.exp(shifted - lse);
                double pTol = softmaxTolerance(p, shifted, cols);
                near(label + " P(" + i + "," + j + ")", p, z.get(i * cols + j), pTol);
                if (withGrad) {
                    double g = (p - yj) / rows;
                    near(label + " grad(" + i + "," + j + ")", g, grad.get(i * cols + j),
                            (pTol + 2 * EPS * Math.abs(p - yj)) / rows + Float.MIN_NORMAL);
                }
            }
        }
        expected /= rows;
        tolerance /= rows;
        near(label + " value", expected, loss, tolerance + Double.MIN_NORMAL);
        z.checkOutside(label);
        y.checkUnchanged(label);
        if (withGrad) {
            grad.checkOutside(label);
        } else {
            grad.checkUnchanged(label + " (grad not requested)");
        }
        return loss;
    }

    // ---------------------------------------------------------------- helpers

    private interface UnaryKernel {
        void apply(Kernels k, int n, float[] x, int offset);
    }

    private interface BackwardKernel {
        void apply(Kernels k, int n, float[] activations, int aOffset, float[] d, int dOffset);
    }

    private interface Binary {
        double apply(double a, double d);
    }

    /** Random inputs in [lo, hi) over every length and offset, with specials mixed in. */
    private static void unary(Kernels kernels, String what, UnaryKernel kernel, DoubleUnaryOperator f,
                              double lo, double hi, DoubleUnaryOperator tolerance) {
        SplittableRandom rnd = new SplittableRandom(what.hashCode());
        for (int n : LENGTHS) {
            for (int offset : OFFSETS) {
                float[] values = random(n, lo, hi, rnd);
                withSpecials(values, SPECIALS);
                checkUnary(kernels, what + " n=" + n, kernel, f, values, offset, tolerance);
            }
        }
    }

    private static float[] checkUnary(Kernels kernels, String what, UnaryKernel kernel, DoubleUnaryOperator f,
                                      float[] values, int offset, DoubleUnaryOperator tolerance) {
        Slab x = Slab.vector(values, offset);
        String label = name(kernels) + " " + what + " offset=" + offset;
        kernel.apply(kernels, values.length, x.array, x.offset);
        for (int i = 0; i < values.length; i++) {
            double expected = f.applyAsDouble(x.old(i));
            near(label + " at x=" + x.old(i), expected, x.get(i), tolerance.applyAsDouble(expected));
        }
        x.checkOutside(label);
        return x.values();
    }

    private static void backward(Kernels kernels, String what, BackwardKernel kernel, double lo, double hi,
                                 float[] specials, Binary f, Binary tolerance) {
        SplittableRandom rnd = new SplittableRandom(what.hashCode());
        for (int n : LENGTHS) {
            for (int offset : OFFSETS) {
                float[] acts = random(n, lo, hi, rnd);
                withSpecials(acts, specials);
                Slab a = Slab.vector(acts, offset);
                Slab d = Slab.vector(random(n, -2, 2, rnd), offset + 1);
                String label = name(kernels) + " " + what + " n=" + n + " offset=" + offset;
                kernel.apply(kernels, n, a.array, a.offset, d.array, d.offset);
                for (int i = 0; i < n; i++) {
                    double ai = a.get(i);
                    double di = d.old(i);
                    near(label + " at a=" + ai + ", d=" + di, f.apply(ai, di), d.get(i), tolerance.apply(ai, di));
                }
                d.checkOutside(label);
                a.checkUnchanged(label);
            }
        }
    }

    private static void checkSoftmax(String label, Slab x, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x.old(i, j));
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x.old(i, j) - max);
            }
            double rowSum = 0;
            for (int j = 0; j < cols; j++) {
                double shifted = x.old(i, j) - max;
                double p = Math.exp(shifted) / sum;
                float got = x.get(i, j);
                near(label + " (" + i + "," + j + ") of logit " + x.old(i, j), p, got,
                        softmaxTolerance(p, shifted, cols));
                rowSum += got;
            }
            if (cols > 0) {
                near(label + " sum of row " + i, 1.0, rowSum, EPS * (8 + 2 * cols) + cols * Float.MIN_NORMAL);
            }
        }
    }

    private static double softmaxTolerance(double p, double shifted, int cols) {
        return EPS * p * (8 + cols + Math.abs(shifted)) + Float.MIN_NORMAL;
    }

    /** 4 ulp of the float result; flushed subnormals allowed; overflow within 4 ulp of MAX_VALUE allowed. */
    private static double expTolerance(double expected) {
        float f = (float) expected;
        if (Float.isInfinite(f)) {
            return 0;
        }
        return Math.max(4 * Math.ulp(f), expected < Float.MIN_NORMAL ? Float.MIN_NORMAL : 0);
    }

    private static double boundedTolerance(double expected) {
        return Math.max(8 * Math.ulp((float) expected), 2 * EPS);
    }

    private static void near(String label, double expected, double got, double tolerance) {
        if (Double.isNaN(expected)) {
            if (!Double.isNaN(got)) {
                fail(label + ": expected NaN but got " + got);
            }
            return;
        }
        if (Double.isInfinite(expected) || Double.isInfinite(got)) {
            boolean overflowAllowed = Double.isInfinite(got) && got > 0
                    && expected >= Float.MAX_VALUE * (1 - 4 * EPS);
            if (got != expected && !overflowAllowed) {
                fail(label + ": expected " + expected + " but got " + got);
            }
            return;
        }
        if (!(Math.abs(got - expected) <= tolerance)) {
            fail(label + ": expected " + expected + " but got " + got + " (error " + Math.abs(got - expected)
                    + " > tolerance " + tolerance + ")");
        }
    }

    private static void exact(String label, float expected, float got) {
        if (Float.isNaN(expected) ? !Float.isNaN(got) : expected != got) {
            fail(label + ": expected exactly " + expected + " but got " + got);
        }
    }

    private static float[] random(int n, double lo, double hi, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return x;
    }

    /** Spreads the specials over the array (every 7th element), so vector bodies and tails get some. */
    private static void withSpecials(float[] x, float[] specials) {
        for (int i = 0, s = 0; i < x.length; i += 7, s++) {
            x[i] = specials[s % specials.length];
        }
        if (x.length > 1) {
            x[x.length - 1] = specials[x.length % specials.length];
        }
    }

    private static float[] oneHot(int rows, int cols, SplittableRandom rnd) {
        float[] y = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            y[i * cols + rnd.nextInt(cols)] = 1f;
        }
        return y;
    }

    private static float[] distributions(int rows, int cols, SplittableRandom rnd) {
        float[] y = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                y[i * cols + j] = (float) rnd.nextDouble();
                sum += y[i * cols + j];
            }
            for (int j = 0; j < cols; j++) {
                y[i * cols + j] = (float) (y[i * cols + j] / sum);
            }
        }
        return y;
    }

    private static String name(Kernels k) {
        return k.name() + "/" + k.vectorBits() + "/" + k.threads();
    }
}
