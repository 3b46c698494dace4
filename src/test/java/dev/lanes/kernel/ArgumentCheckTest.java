package dev.lanes.kernel;

import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every invalid-argument path of the contract (BLAS's xerbla, in Java): negative sizes, leading
 * dimensions too small, negative offsets, arrays too short for the window, null arrays and
 * transposes. Each call must throw {@link IllegalArgumentException} ({@link NullPointerException}
 * for nulls) whose message names the offending argument — it must be the first of the method's
 * parameter names that the message mentions — and must leave every array as it was.
 */
class ArgumentCheckTest {

    private static final List<String> GEMM_ARGS = List.of("transA", "transB", "m", "n", "k", "alpha", "a",
            "aOffset", "lda", "b", "bOffset", "ldb", "beta", "c", "cOffset", "ldc");

    /** One rejected call: which argument it must name, and every array it was given. */
    private record Case(String label, Class<? extends RuntimeException> type, String argument,
                        List<String> parameters, float[][] arrays, Consumer<Kernels> call) {
    }

    /** A valid sgemm call whose fields the cases spoil one at a time. */
    private static final class Gemm {
        Transpose ta;
        Transpose tb;
        int m = 5;
        int n = 6;
        int k = 7;
        float alpha = 0.5f;
        float beta = 1f;
        int aOffset = 2;
        int bOffset = 3;
        int cOffset = 1;
        int lda;
        int ldb;
        int ldc;
        float[] a;
        float[] b;
        float[] c;

        Gemm(Transpose ta, Transpose tb) {
            this.ta = ta;
            this.tb = tb;
            lda = aCols() + 1;
            ldb = bCols() + 2;
            ldc = n + 3;
            a = filled(aOffset + (aRows() - 1) * lda + aCols(), 1f);
            b = filled(bOffset + (bRows() - 1) * ldb + bCols(), 2f);
            c = filled(cOffset + (m - 1) * ldc + n, 3f);
        }

        int aRows() {
            return ta == Transpose.NONE ? m : k;
        }

        int aCols() {
            return ta == Transpose.NONE ? k : m;
        }

        int bRows() {
            return tb == Transpose.NONE ? k : n;
        }

        int bCols() {
            return tb == Transpose.NONE ? n : k;
        }

        void call(Kernels kernels) {
            kernels.sgemm(ta, tb, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void sgemmRejectsEveryInvalidArgument(Kernels kernels) {
        List<Case> cases = new ArrayList<>();
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                String t = "(" + ta + "," + tb + ") ";
                // The valid call itself must pass, or every case below proves nothing.
                new Gemm(ta, tb).call(kernels);
                gemm(cases, t + "m < 0", IllegalArgumentException.class, "m", g -> g.m = -1, ta, tb);
                gemm(cases, t + "n < 0", IllegalArgumentException.class, "n", g -> g.n = -1, ta, tb);
                gemm(cases, t + "k < 0", IllegalArgumentException.class, "k", g -> g.k = -1, ta, tb);
                gemm(cases, t + "lda too small", IllegalArgumentException.class, "lda", g -> g.lda = g.aCols() - 1, ta, tb);
                gemm(cases, t + "ldb too small", IllegalArgumentException.class, "ldb", g -> g.ldb = g.bCols() - 1, ta, tb);
                gemm(cases, t + "ldc too small", IllegalArgumentException.class, "ldc", g -> g.ldc = g.n - 1, ta, tb);
                gemm(cases, t + "a one short", IllegalArgumentException.class, "a", g -> g.a = Arrays.copyOf(g.a, g.a.length - 1), ta, tb);
                gemm(cases, t + "b one short", IllegalArgumentException.class, "b", g -> g.b = Arrays.copyOf(g.b, g.b.length - 1), ta, tb);
                gemm(cases, t + "c one short", IllegalArgumentException.class, "c", g -> g.c = Arrays.copyOf(g.c, g.c.length - 1), ta, tb);
                gemm(cases, t + "aOffset past the fit", IllegalArgumentException.class, "a", g -> g.aOffset++, ta, tb);
                gemm(cases, t + "cOffset past the fit", IllegalArgumentException.class, "c", g -> g.cOffset++, ta, tb);
                gemm(cases, t + "aOffset < 0", IllegalArgumentException.class, "aOffset", g -> g.aOffset = -1, ta, tb);
                gemm(cases, t + "bOffset < 0", IllegalArgumentException.class, "bOffset", g -> g.bOffset = -1, ta, tb);
                gemm(cases, t + "cOffset < 0", IllegalArgumentException.class, "cOffset", g -> g.cOffset = -1, ta, tb);
                gemm(cases, t + "a null", NullPointerException.class, "a", g -> g.a = null, ta, tb);
                gemm(cases, t + "b null", NullPointerException.class, "b", g -> g.b = null, ta, tb);
                gemm(cases, t + "c null", NullPointerException.class, "c", g -> g.c = null, ta, tb);
                // Unread operands are still checked (the contract: a wrong call fails every time).
                gemm(cases, t + "alpha 0, a short", IllegalArgumentException.class, "a", g -> {
                    g.alpha = 0f;
                    g.a = Arrays.copyOf(g.a, g.a.length - 1);
                }, ta, tb);
                gemm(cases, t + "beta 0, c short", IllegalArgumentException.class, "c", g -> {
                    g.beta = 0f;
                    g.c = Arrays.copyOf(g.c, g.c.length - 1);
                }, ta, tb);
                // The leading dimension must be >= 1 even when the window is empty.
                gemm(cases, t + "m 0, ldc 0", IllegalArgumentException.class, "ldc", g -> {
                    g.m = 0;
                    g.ldc = 0;
                }, ta, tb);
                gemm(cases, t + "k 0, lda 0", IllegalArgumentException.class, "lda", g -> {
                    g.k = 0;
                    g.lda = ta == Transpose.NONE ? 0 : g.m - 1;
                }, ta, tb);
            }
        }
        gemm(cases, "transA null", NullPointerException.class, "transA", g -> g.ta = null, Transpose.NONE, Transpose.NONE);
        gemm(cases, "transB null", NullPointerException.class, "transB", g -> g.tb = null, Transpose.NONE, Transpose.NONE);
        runAll(kernels, cases);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void elementWiseKernelsRejectEveryInvalidArgument(Kernels kernels) {
        List<Case> cases = new ArrayList<>();
        Class<IllegalArgumentException> bad = IllegalArgumentException.class;
        Class<NullPointerException> npe = NullPointerException.class;

        // addRowVector(rows, cols, v, vOffset, x, xOffset, ldx): 4×5 in ld 7 at 2.
        List<String> arv = List.of("rows", "cols", "v", "vOffset", "x", "xOffset", "ldx");
        add(cases, "addRowVector rows < 0", bad, "rows", arv, (v, x) -> k -> k.addRowVector(-1, 5, v, 1, x, 2, 7));
        add(cases, "addRowVector cols < 0", bad, "cols", arv, (v, x) -> k -> k.addRowVector(4, -1, v, 1, x, 2, 7));
        add(cases, "addRowVector ldx < cols", bad, "ldx", arv, (v, x) -> k -> k.addRowVector(4, 5, v, 1, x, 2, 4));
        add(cases, "addRowVector ldx 0, empty", bad, "ldx", arv, (v, x) -> k -> k.addRowVector(0, 0, v, 1, x, 2, 0));
        add(cases, "addRowVector x short", bad, "x", arv, (v, x) -> k -> k.addRowVector(4, 5, v, 1, x, 3, 7));
        add(cases, "addRowVector xOffset < 0", bad, "xOffset", arv, (v, x) -> k -> k.addRowVector(4, 5, v, 1, x, -1, 7));
        add(cases, "addRowVector v short", bad, "v", arv, (v, x) -> k -> k.addRowVector(4, 5, v, 2, x, 2, 7));
        add(cases, "addRowVector vOffset < 0", bad, "vOffset", arv, (v, x) -> k -> k.addRowVector(4, 5, v, -1, x, 2, 7));
        add(cases, "addRowVector v null", npe, "v", arv, (v, x) -> k -> k.addRowVector(4, 5, null, 1, x, 2, 7));
        add(cases, "addRowVector x null", npe, "x", arv, (v, x) -> k -> k.addRowVector(4, 5, v, 1, null, 2, 7));

        // standardize(rows, cols, x, xOffset, ldx, mean, meanOffset, std, stdOffset, y, yOffset, ldy):
        // 4×5 in ld 7 at 2, in place, with mean and std the same length-5 vector at 1.
        List<String> st = List.of("rows", "cols", "x", "xOffset", "ldx", "mean", "meanOffset", "std", "stdOffset",
                "y", "yOffset", "ldy");
        add(cases, "standardize rows < 0", bad, "rows", st, (v, x) -> k -> k.standardize(-1, 5, x, 2, 7, v, 1, v, 1, x, 2, 7));
        add(cases, "standardize cols < 0", bad, "cols", st, (v, x) -> k -> k.standardize(4, -1, x, 2, 7, v, 1, v, 1, x, 2, 7));
        add(cases, "standardize ldx < cols", bad, "ldx", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 4, v, 1, v, 1, x, 2, 7));
        add(cases, "standardize x short", bad, "x", st, (v, x) -> k -> k.standardize(4, 5, x, 3, 7, v, 1, v, 1, x, 2, 7));
        add(cases, "standardize xOffset < 0", bad, "xOffset", st, (v, x) -> k -> k.standardize(4, 5, x, -1, 7, v, 1, v, 1, x, 2, 7));
        add(cases, "standardize ldy < cols", bad, "ldy", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, v, 1, v, 1, x, 2, 4));
        add(cases, "standardize y short", bad, "y", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, v, 1, v, 1, x, 3, 7));
        add(cases, "standardize yOffset < 0", bad, "yOffset", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, v, 1, v, 1, x, -1, 7));
        add(cases, "standardize mean short", bad, "mean", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, v, 2, v, 1, x, 2, 7));
        add(cases, "standardize meanOffset < 0", bad, "meanOffset", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, v, -1, v, 1, x, 2, 7));
        add(cases, "standardize std short", bad, "std", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, v, 1, v, 2, x, 2, 7));
        add(cases, "standardize stdOffset < 0", bad, "stdOffset", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, v, 1, v, -1, x, 2, 7));
        add(cases, "standardize x null", npe, "x", st, (v, x) -> k -> k.standardize(4, 5, null, 2, 7, v, 1, v, 1, x, 2, 7));
        add(cases, "standardize mean null", npe, "mean", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, null, 1, v, 1, x, 2, 7));
        add(cases, "standardize std null", npe, "std", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, v, 1, null, 1, x, 2, 7));
        add(cases, "standardize y null", npe, "y", st, (v, x) -> k -> k.standardize(4, 5, x, 2, 7, v, 1, v, 1, null, 2, 7));

        // columnSums(rows, cols, x, xOffset, ldx, out, outOffset) with the same shapes.
        List<String> cs = List.of("rows", "cols", "x", "xOffset", "ldx", "out", "outOffset");
        add(cases, "columnSums rows < 0", bad, "rows", cs, (o, x) -> k -> k.columnSums(-1, 5, x, 2, 7, o, 1));
        add(cases, "columnSums cols < 0", bad, "cols", cs, (o, x) -> k -> k.columnSums(4, -1, x, 2, 7, o, 1));
        add(cases, "columnSums ldx < cols", bad, "ldx", cs, (o, x) -> k -> k.columnSums(4, 5, x, 2, 4, o, 1));
        add(cases, "columnSums x short", bad, "x", cs, (o, x) -> k -> k.columnSums(4, 5, x, 3, 7, o, 1));
        add(cases, "columnSums xOffset < 0", bad, "xOffset", cs, (o, x) -> k -> k.columnSums(4, 5, x, -1, 7, o, 1));
        add(cases, "columnSums out short", bad, "out", cs, (o, x) -> k -> k.columnSums(4, 5, x, 2, 7, o, 2));
        add(cases, "columnSums outOffset < 0", bad, "outOffset", cs, (o, x) -> k -> k.columnSums(4, 5, x, 2, 7, o, -1));
        add(cases, "columnSums out null", npe, "out", cs, (o, x) -> k -> k.columnSums(4, 5, x, 2, 7, null, 1));
        add(cases, "columnSums rows 0, out null", npe, "out", cs, (o, x) -> k -> k.columnSums(0, 5, x, 2, 7, null, 1));
        add(cases, "columnSums x null", npe, "x", cs, (o, x) -> k -> k.columnSums(4, 5, null, 2, 7, o, 1));

        // Vector kernels over n = 6 at offsets 1 (x: 7 elements, y: 8 elements).
        List<String> ax = List.of("n", "alpha", "x", "xOffset", "y", "yOffset");
        add(cases, "axpy n < 0", bad, "n", ax, (x, y) -> k -> k.axpy(-1, 2f, x, 1, y, 1));
        add(cases, "axpy x short", bad, "x", ax, (x, y) -> k -> k.axpy(6, 2f, x, 2, y, 1));
        add(cases, "axpy y short", bad, "y", ax, (x, y) -> k -> k.axpy(6, 2f, x, 1, y, 3));
        add(cases, "axpy xOffset < 0", bad, "xOffset", ax, (x, y) -> k -> k.axpy(6, 2f, x, -1, y, 1));
        add(cases, "axpy yOffset < 0", bad, "yOffset", ax, (x, y) -> k -> k.axpy(6, 2f, x, 1, y, -1));
        add(cases, "axpy x null", npe, "x", ax, (x, y) -> k -> k.axpy(6, 2f, null, 1, y, 1));
        add(cases, "axpy y null", npe, "y", ax, (x, y) -> k -> k.axpy(6, 2f, x, 1, null, 1));

        List<String> un = List.of("n", "alpha", "x", "xOffset");
        List<Unary> unary = List.of(
                new Unary("scale", (k, n, x, o) -> k.scale(n, 2f, x, o)),
                new Unary("exp", Kernels::exp), new Unary("sigmoid", Kernels::sigmoid),
                new Unary("tanh", Kernels::tanh), new Unary("relu", Kernels::relu));
        for (Unary u : unary) {
            add(cases, u.name + " n < 0", bad, "n", un, (x, y) -> k -> u.op.apply(k, -1, x, 1));
            add(cases, u.name + " x short", bad, "x", un, (x, y) -> k -> u.op.apply(k, 6, x, 2));
            add(cases, u.name + " xOffset < 0", bad, "xOffset", un, (x, y) -> k -> u.op.apply(k, 6, x, -1));
            add(cases, u.name + " x null", npe, "x", un, (x, y) -> k -> u.op.apply(k, 6, null, 1));
        }

        List<String> bw = List.of("n", "activations", "aOffset", "d", "dOffset");
        List<Backward> backward = List.of(new Backward("sigmoidBackward", Kernels::sigmoidBackward),
                new Backward("tanhBackward", Kernels::tanhBackward), new Backward("reluBackward", Kernels::reluBackward));
        for (Backward b : backward) {
            add(cases, b.name + " n < 0", bad, "n", bw, (a, d) -> k -> b.op.apply(k, -1, a, 1, d, 1));
            add(cases, b.name + " activations short", bad, "activations", bw, (a, d) -> k -> b.op.apply(k, 6, a, 2, d, 1));
            add(cases, b.name + " d short", bad, "d", bw, (a, d) -> k -> b.op.apply(k, 6, a, 1, d, 3));
            add(cases, b.name + " aOffset < 0", bad, "aOffset", bw, (a, d) -> k -> b.op.apply(k, 6, a, -1, d, 1));
            add(cases, b.name + " dOffset < 0", bad, "dOffset", bw, (a, d) -> k -> b.op.apply(k, 6, a, 1, d, -1));
            add(cases, b.name + " activations null", npe, "activations", bw, (a, d) -> k -> b.op.apply(k, 6, null, 1, d, 1));
            add(cases, b.name + " d null", npe, "d", bw, (a, d) -> k -> b.op.apply(k, 6, a, 1, null, 1));
        }

        List<String> sm = List.of("rows", "cols", "x", "xOffset", "ldx");
        add(cases, "softmaxRows rows < 0", bad, "rows", sm, (v, x) -> k -> k.softmaxRows(-1, 5, x, 2, 7));
        add(cases, "softmaxRows cols < 0", bad, "cols", sm, (v, x) -> k -> k.softmaxRows(4, -1, x, 2, 7));
        add(cases, "softmaxRows ldx < cols", bad, "ldx", sm, (v, x) -> k -> k.softmaxRows(4, 5, x, 2, 4));
        add(cases, "softmaxRows x short", bad, "x", sm, (v, x) -> k -> k.softmaxRows(4, 5, x, 3, 7));
        add(cases, "softmaxRows xOffset < 0", bad, "xOffset", sm, (v, x) -> k -> k.softmaxRows(4, 5, x, -1, 7));
        add(cases, "softmaxRows x null", npe, "x", sm, (v, x) -> k -> k.softmaxRows(4, 5, null, 2, 7));

        // Losses over 2×3 (6 elements) at offset 1; arrays hold 7 (first) and 8 (second).
        List<Loss> losses = List.of(new Loss("mseLoss", "a", "aOffset", Kernels::mseLoss),
                new Loss("softmaxCrossEntropy", "z", "zOffset", Kernels::softmaxCrossEntropy));
        for (Loss l : losses) {
            List<String> ls = List.of("rows", "cols", l.in, l.inOffset, "y", "yOffset", "grad", "gradOffset");
            add(cases, l.name + " rows < 0", bad, "rows", ls, (x, y) -> k -> l.op.apply(k, -1, 3, x, 1, y, 1, y, 2));
            add(cases, l.name + " cols < 0", bad, "cols", ls, (x, y) -> k -> l.op.apply(k, 2, -1, x, 1, y, 1, y, 2));
            add(cases, l.name + " rows*cols overflows", bad, "rows", ls,
                    (x, y) -> k -> l.op.apply(k, 1 << 16, 1 << 16, x, 1, y, 1, y, 2));
            add(cases, l.name + " " + l.in + " short", bad, l.in, ls, (x, y) -> k -> l.op.apply(k, 2, 3, x, 2, y, 1, y, 2));
            add(cases, l.name + " " + l.inOffset + " < 0", bad, l.inOffset, ls, (x, y) -> k -> l.op.apply(k, 2, 3, x, -1, y, 1, y, 2));
            add(cases, l.name + " y short", bad, "y", ls, (x, y) -> k -> l.op.apply(k, 2, 3, x, 1, y, 3, y, 2));
            add(cases, l.name + " yOffset < 0", bad, "yOffset", ls, (x, y) -> k -> l.op.apply(k, 2, 3, x, 1, y, -1, y, 2));
            add(cases, l.name + " grad short", bad, "grad", ls, (x, y) -> k -> l.op.apply(k, 2, 3, x, 1, y, 1, y, 3));
            add(cases, l.name + " gradOffset < 0", bad, "gradOffset", ls, (x, y) -> k -> l.op.apply(k, 2, 3, x, 1, y, 1, y, -1));
            add(cases, l.name + " " + l.in + " null", npe, l.in, ls, (x, y) -> k -> l.op.apply(k, 2, 3, null, 1, y, 1, y, 2));
            add(cases, l.name + " y null", npe, "y", ls, (x, y) -> k -> l.op.apply(k, 2, 3, x, 1, null, 1, y, 2));
        }
        List<String> ce = List.of("rows", "cols", "z", "zOffset", "y", "yOffset", "grad", "gradOffset");
        add(cases, "softmaxCrossEntropy cols 0", bad, "cols", ce,
                (x, y) -> k -> k.softmaxCrossEntropy(2, 0, x, 1, y, 1, null, 0));
        runAll(kernels, cases);
    }

    /** Valid calls next to the invalid ones: a null grad, and empty sizes with null arrays. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void emptyAndOptionalArgumentsAreAccepted(Kernels kernels) {
        float[] x = {1f, 2f, 3f, 4f, 5f, 6f, 7f};
        float[] y = {0f, 1f, 0f, 0f, 0f, 1f, 0f, 0f};
        kernels.mseLoss(2, 3, x.clone(), 1, y, 1, null, 0);
        kernels.softmaxCrossEntropy(2, 3, x.clone(), 1, y, 1, null, 0);
        assertEquals(0.0, kernels.mseLoss(0, 3, null, 0, null, 0, null, 0));
        assertEquals(0.0, kernels.softmaxCrossEntropy(0, 0, null, 0, null, 0, null, 0));
        kernels.axpy(0, 1f, null, 0, null, 0);
        kernels.scale(0, 1f, null, 0);
        kernels.exp(0, null, 0);
        kernels.sigmoidBackward(0, null, 0, null, 0);
        kernels.addRowVector(0, 5, null, 0, null, 0, 5);
        kernels.addRowVector(3, 0, null, 0, null, 0, 1);
        kernels.softmaxRows(0, 4, null, 0, 4);
        kernels.columnSums(4, 0, null, 0, 1, null, 0);
    }

    private interface UnaryOp {
        void apply(Kernels k, int n, float[] x, int offset);
    }

    private record Unary(String name, UnaryOp op) {
    }

    private interface BackwardOp {
        void apply(Kernels k, int n, float[] a, int aOffset, float[] d, int dOffset);
    }

    private record Backward(String name, BackwardOp op) {
    }

    private interface LossOp {
        double apply(Kernels k, int rows, int cols, float[] x, int xOffset, float[] y, int yOffset,
                     float[] grad, int gradOffset);
    }

    private record Loss(String name, String in, String inOffset, LossOp op) {
    }

    private interface CallOn {
        Consumer<Kernels> with(float[] first, float[] second);
    }

    /**
     * A case over two fresh arrays sized so that the valid call fits exactly and an offset one
     * larger does not. Matrix kernels: the first holds 6 (a length-5 vector at offset 1), the
     * second 2 + 3·7 + 5 = 28 (a 4×5 matrix with ld 7 at offset 2). Vector kernels and losses: the
     * first holds 7 (6 elements at offset 1), the second 8 (6 at offset 1, or at offset 2 for grad).
     */
    private static void add(List<Case> cases, String label, Class<? extends RuntimeException> type, String argument,
                            List<String> parameters, CallOn call) {
        boolean matrix = parameters.contains("ldx");
        float[] first = filled(matrix ? 6 : 7, 1.5f);
        float[] second = filled(matrix ? 2 + 3 * 7 + 5 : 8, 0.25f);
        cases.add(new Case(label, type, argument, parameters, new float[][] {first, second}, call.with(first, second)));
    }

    private static void gemm(List<Case> cases, String label, Class<? extends RuntimeException> type, String argument,
                             Consumer<Gemm> spoil, Transpose ta, Transpose tb) {
        Gemm g = new Gemm(ta, tb);
        spoil.accept(g);
        cases.add(new Case("sgemm " + label, type, argument, GEMM_ARGS, new float[][] {g.a, g.b, g.c}, g::call));
    }

    private static void runAll(Kernels kernels, List<Case> cases) {
        for (Case c : cases) {
            float[][] before = new float[c.arrays.length][];
            for (int i = 0; i < before.length; i++) {
                before[i] = c.arrays[i] == null ? null : c.arrays[i].clone();
            }
            Executable call = () -> c.call.accept(kernels);
            RuntimeException e = assertThrows(c.type, call, c.label);
            String named = firstParameterNamed(e.getMessage(), c.parameters);
            assertEquals(c.argument, named, () -> c.label + ": the message must name " + c.argument
                    + " but was: " + e.getMessage());
            for (int i = 0; i < before.length; i++) {
                assertArrayEquals(before[i], c.arrays[i], c.label + ": an array was modified before the check failed");
            }
        }
        assertTrue(cases.size() > 20, "the case list was built");
    }

    /** The first of {@code parameters} that occurs in the message as a whole word, or null. */
    private static String firstParameterNamed(String message, List<String> parameters) {
        if (message == null) {
            return null;
        }
        for (String word : message.split("[^A-Za-z0-9_]+")) {
            if (parameters.contains(word)) {
                return word;
            }
        }
        return null;
    }

    private static float[] filled(int n, float v) {
        float[] x = new float[n];
        Arrays.fill(x, v);
        return x;
    }
}
