package dev.lanes.kernel;

import dev.lanes.kernel.spi.KernelRegistry;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * sgemm against an independent oracle — Apache Commons Math's double-precision
 * {@code RealMatrix.multiply}, transposes through {@code transpose()} — on moderate shapes, and,
 * for sizes where a full double reference would be slow, the O(n²) residual check of BLIS's
 * test_gemm.c plus element spot checks ({@link GemmProblem#verifySampled}).
 */
class GemmOracleTest {

    /** The deepest cache block of any registered width: the shapes below cross it. */
    private static final int KC = maxKc();

    /** Shapes m, n, k: odd, thin, flat, and crossing KC. */
    private static final int[][] ORACLE_SHAPES = {
            {37, 29, 41}, {64, 65, 63}, {5, 200, 3}, {130, 17, KC + 6}, {1, 97, 33}, {97, 1, 33},
            {33, 97, 1}, {48, 96, KC + 1},
    };

    private static int maxKc() {
        int kc = 0;
        for (KernelRegistry w : KernelRegistry.values()) {
            kc = Math.max(kc, w.blocking().kc());
        }
        return kc;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void matchesCommonsMath(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(31);
        int count = 0;
        for (int[] s : ORACLE_SHAPES) {
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    boolean plain = count++ % 2 == 0;
                    float alpha = plain ? 1f : 0.7f;
                    float beta = plain ? 0f : 1.3f;
                    GemmProblem<float[]> p = GemmProblem.of(ta, tb, s[0], s[1], s[2], alpha, beta, plain ? 0 : 6,
                            plain ? 0 : 2, rnd);
                    p.run(kernels);
                    compareWithCommonsMath(kernels.name() + "/" + kernels.vectorBits() + "/"
                            + kernels.threads() + " " + p, p);
                }
            }
        }
    }

    /**
     * Large products where the full O(m·n·k) double reference is replaced by the residual check:
     * 512×384 with k = KC + 64 crossing KC, and 1024 in each dimension in turn.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void largeProductsPassTheResidualCheck(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(37);
        String name = kernels.name() + "/" + kernels.vectorBits() + "/" + kernels.threads() + " ";
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                GemmProblem<float[]> p = GemmProblem.of(ta, tb, 512, 384, KC + 64, 0.7f, ta == tb ? 1.3f : 0f,
                        ta == tb ? 0 : 3, ta == tb ? 0 : 5, rnd);
                p.run(kernels);
                p.verifySampled(name + p, 500, rnd);
            }
        }
        int[][] shapes = {{1024, 96, 200}, {64, 1024, 160}, {96, 80, 1024}};
        Transpose[][] pairs = {
                {Transpose.TRANSPOSE, Transpose.NONE}, {Transpose.NONE, Transpose.TRANSPOSE},
                {Transpose.TRANSPOSE, Transpose.TRANSPOSE},
        };
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            for (Transpose[] pair : new Transpose[][] {{Transpose.NONE, Transpose.NONE}, pairs[i]}) {
                GemmProblem<float[]> p = GemmProblem.of(pair[0], pair[1], s[0], s[1], s[2], 1f, 0f, 1, 1, rnd);
                p.run(kernels);
                p.verifySampled(name + p, 300, rnd);
            }
        }
    }

    /**
     * The same error ratio as {@link GemmProblem#ratioBound}, with both the expected value and G
     * computed by Commons Math: {@code alpha·op(A)·op(B) + beta·C_old} and
     * {@code |alpha|·|op(A)|·|op(B)| + |beta|·|C_old|}.
     */
    private static void compareWithCommonsMath(String label, GemmProblem<float[]> p) {
        RealMatrix a = stored(p.a, p.aOffset, p.lda, p.transA == Transpose.NONE ? p.m : p.k,
                p.transA == Transpose.NONE ? p.k : p.m, false);
        RealMatrix absA = stored(p.a, p.aOffset, p.lda, a.getRowDimension(), a.getColumnDimension(), true);
        RealMatrix b = stored(p.b, p.bOffset, p.ldb, p.transB == Transpose.NONE ? p.k : p.n,
                p.transB == Transpose.NONE ? p.n : p.k, false);
        RealMatrix absB = stored(p.b, p.bOffset, p.ldb, b.getRowDimension(), b.getColumnDimension(), true);
        if (p.transA == Transpose.TRANSPOSE) {
            a = a.transpose();
            absA = absA.transpose();
        }
        if (p.transB == Transpose.TRANSPOSE) {
            b = b.transpose();
            absB = absB.transpose();
        }
        RealMatrix expected = a.multiply(b).scalarMultiply(p.alpha);
        RealMatrix g = absA.multiply(absB).scalarMultiply(Math.abs(p.alpha));
        if (p.beta != 0) {
            Array2DRowRealMatrix old = new Array2DRowRealMatrix(p.m, p.n);
            for (int i = 0; i < p.m; i++) {
                for (int j = 0; j < p.n; j++) {
                    old.setEntry(i, j, p.cBefore(i, j));
                }
            }
            expected = expected.add(old.scalarMultiply(p.beta));
            g = g.add(abs(old).scalarMultiply(Math.abs(p.beta)));
        }
        double bound = GemmProblem.ratioBound(p.k);
        for (int i = 0; i < p.m; i++) {
            for (int j = 0; j < p.n; j++) {
                float got = p.c[p.cOffset + i * p.ldc + j];
                double ratio = Math.abs(got - expected.getEntry(i, j))
                        / (p.eps() * g.getEntry(i, j) + p.tiny());
                if (!(ratio <= bound)) {
                    fail(label + ": C(" + i + "," + j + ") = " + got + " but Commons Math gives "
                            + expected.getEntry(i, j) + " (error ratio " + ratio + " > " + bound + ")");
                }
            }
        }
        p.verify(label);
    }

    private static RealMatrix stored(float[] x, int offset, int ld, int rows, int cols, boolean abs) {
        double[][] d = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = x[offset + i * ld + j];
                d[i][j] = abs ? Math.abs(v) : v;
            }
        }
        return new Array2DRowRealMatrix(d, false);
    }

    private static RealMatrix abs(RealMatrix m) {
        RealMatrix r = m.copy();
        for (int i = 0; i < r.getRowDimension(); i++) {
            for (int j = 0; j < r.getColumnDimension(); j++) {
                r.setEntry(i, j, Math.abs(r.getEntry(i, j)));
            }
        }
        return r;
    }
}
