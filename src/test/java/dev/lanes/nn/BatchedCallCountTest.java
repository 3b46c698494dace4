package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.PackedMatrix;
import dev.lanes.kernel.Transpose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A training step is a fixed sequence of kernel calls over the whole batch — never a loop over
 * examples — and the GEMMs use the transpose flags of the design (forward N·T, weight gradient
 * T·N, back-propagated error N·N), so no transposed copy is ever made.
 */
class BatchedCallCountTest {

    /** Records every call and delegates to the reference kernels. */
    static final class RecordingKernels implements Kernels {
        final Kernels k = Kernels.reference();
        final List<String> calls = new ArrayList<>();

        @Override public String name() { return "recording"; }
        @Override public int vectorBits() { return k.vectorBits(); }
        @Override public int threads() { return 1; }
        @Override public String describe() { return "recording " + k.describe(); }
        @Override public Kernels singleThreaded() { return this; }
        @Override public void forEachTask(int tasks, java.util.function.IntConsumer body) {
            calls.add("forEachTask " + tasks); k.forEachTask(tasks, body); }
        @Override public void softmaxCrossEntropyRows(int rows, int cols, float[] z, int zo, float[] y, int yo,
                                                      double[] loss, int lo) {
            calls.add("softmaxCrossEntropyRows"); k.softmaxCrossEntropyRows(rows, cols, z, zo, y, yo, loss, lo); }
        @Override public void scaledDifference(int n, float scale, float[] a, int ao, float[] y, int yo, float[] out, int oo) {
            calls.add("scaledDifference"); k.scaledDifference(n, scale, a, ao, y, yo, out, oo); }

        @Override
        public void sgemm(Transpose transA, Transpose transB, int m, int n, int kk, float alpha, float[] a, int aOffset,
                          int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
            calls.add("sgemm " + transA + "," + transB + " " + m + "x" + n + "x" + kk);
            k.sgemm(transA, transB, m, n, kk, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }

        @Override
        public void dgemm(Transpose transA, Transpose transB, int m, int n, int kk, double alpha, double[] a,
                          int aOffset, int lda, double[] b, int bOffset, int ldb, double beta, double[] c,
                          int cOffset, int ldc) {
            calls.add("dgemm " + transA + "," + transB + " " + m + "x" + n + "x" + kk);
            k.dgemm(transA, transB, m, n, kk, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }

        @Override
        public PackedMatrix packB(Transpose transB, int kk, int n, float[] b, int bOffset, int ldb) {
            calls.add("packB " + transB + " " + kk + "x" + n);
            return k.packB(transB, kk, n, b, bOffset, ldb);
        }

        @Override
        public void repackB(Transpose transB, float[] b, int bOffset, int ldb, PackedMatrix into, int part, int parts) {
            calls.add("repackB " + transB + " " + into.k() + "x" + into.n() + " part " + part + "/" + parts);
            k.repackB(transB, b, bOffset, ldb, into, part, parts);
        }

        @Override
        public void sgemm(Transpose transA, int m, float alpha, float[] a, int aOffset, int lda, PackedMatrix b,
                          float beta, float[] c, int cOffset, int ldc) {
            calls.add("sgemm " + transA + ",packed " + m + "x" + b.n() + "x" + b.k());
            k.sgemm(transA, m, alpha, a, aOffset, lda, b, beta, c, cOffset, ldc);
        }

        @Override
        public void sgemv(Transpose trans, int m, int n, float alpha, float[] a, int aOffset, int lda,
                          float[] x, int xOffset, float beta, float[] y, int yOffset) {
            calls.add("sgemv " + trans + " " + m + "x" + n);
            k.sgemv(trans, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
        }

        @Override public void addRowVector(int rows, int cols, float[] v, int vo, float[] x, int xo, int ldx) {
            calls.add("addRowVector"); k.addRowVector(rows, cols, v, vo, x, xo, ldx); }
        @Override public void sgemmBias(Transpose transA, Transpose transB, int m, int n, int kk, float[] a, int ao,
                                        int lda, float[] b, int bo, int ldb, float[] bias, int biasOffset,
                                        boolean relu, float[] c, int co, int ldc) {
            calls.add("sgemmBias " + transA + "," + transB + " " + m + "x" + n + "x" + kk + (relu ? " relu" : ""));
            k.sgemmBias(transA, transB, m, n, kk, a, ao, lda, b, bo, ldb, bias, biasOffset, relu, c, co, ldc); }
        @Override public void sgemmBias(Transpose transA, int m, float[] a, int ao, int lda, PackedMatrix b,
                                        float[] bias, int bo, boolean relu, float[] c, int co, int ldc) {
            calls.add("sgemmBias"); k.sgemmBias(transA, m, a, ao, lda, b, bias, bo, relu, c, co, ldc); }
        @Override public int standardize(int rows, int cols, float[] x, int xo, int ldx, float[] mean, int mo,
                                         float[] std, int so, float[] y, int yo, int ldy) {
            calls.add("standardize"); return k.standardize(rows, cols, x, xo, ldx, mean, mo, std, so, y, yo, ldy); }
        @Override public void columnSums(int rows, int cols, float[] x, int xo, int ldx, float[] out, int oo) {
            calls.add("columnSums"); k.columnSums(rows, cols, x, xo, ldx, out, oo); }
        @Override public void axpy(int n, float alpha, float[] x, int xo, float[] y, int yo) {
            calls.add("axpy"); k.axpy(n, alpha, x, xo, y, yo); }
        @Override public void scale(int n, float alpha, float[] x, int xo) {
            calls.add("scale"); k.scale(n, alpha, x, xo); }
        @Override public void exp(int n, float[] x, int xo) {
            calls.add("exp"); k.exp(n, x, xo); }
        @Override public void sigmoid(int n, float[] x, int xo) {
            calls.add("sigmoid"); k.sigmoid(n, x, xo); }
        @Override public void tanh(int n, float[] x, int xo) {
            calls.add("tanh"); k.tanh(n, x, xo); }
        @Override public void relu(int n, float[] x, int xo) {
            calls.add("relu"); k.relu(n, x, xo); }
        @Override public void sigmoidBackward(int n, float[] a, int ao, float[] d, int dOff) {
            calls.add("sigmoidBackward"); k.sigmoidBackward(n, a, ao, d, dOff); }
        @Override public void tanhBackward(int n, float[] a, int ao, float[] d, int dOff) {
            calls.add("tanhBackward"); k.tanhBackward(n, a, ao, d, dOff); }
        @Override public void reluBackward(int n, float[] a, int ao, float[] d, int dOff) {
            calls.add("reluBackward"); k.reluBackward(n, a, ao, d, dOff); }
        @Override public void softmaxRows(int rows, int cols, float[] x, int xo, int ldx) {
            calls.add("softmaxRows"); k.softmaxRows(rows, cols, x, xo, ldx); }
        @Override public double mseLoss(int rows, int cols, float[] a, int ao, float[] y, int yo, float[] g, int go) {
            calls.add("mseLoss"); return k.mseLoss(rows, cols, a, ao, y, yo, g, go); }
        @Override public double softmaxCrossEntropy(int rows, int cols, float[] z, int zo, float[] y, int yo, float[] g, int go) {
            calls.add("softmaxCrossEntropy"); return k.softmaxCrossEntropy(rows, cols, z, zo, y, yo, g, go); }
        @Override public void multiply(int n, float[] x, int xo, float[] y, int yo, float[] out, int oo) {
            calls.add("multiply"); k.multiply(n, x, xo, y, yo, out, oo); }
        @Override public void sqrt(int n, float[] x, int xo) {
            calls.add("sqrt"); k.sqrt(n, x, xo); }
        @Override public void gelu(int n, float[] x, int xo) {
            calls.add("gelu"); k.gelu(n, x, xo); }
        @Override public void geluBackward(int n, float[] z, int zo, float[] d, int dOff) {
            calls.add("geluBackward"); k.geluBackward(n, z, zo, d, dOff); }
        @Override public void silu(int n, float[] x, int xo) {
            calls.add("silu"); k.silu(n, x, xo); }
        @Override public void siluBackward(int n, float[] z, int zo, float[] d, int dOff) {
            calls.add("siluBackward"); k.siluBackward(n, z, zo, d, dOff); }
        @Override public double sumOfSquares(int n, float[] x, int xo) {
            calls.add("sumOfSquares"); return k.sumOfSquares(n, x, xo); }
        @Override public void momentumUpdate(int n, float lr, float mu, float wd, float[] g, float[] v, float[] p, int o) {
            calls.add("momentumUpdate"); k.momentumUpdate(n, lr, mu, wd, g, v, p, o); }
        @Override public void adamUpdate(int n, float lr, float b1, float b2, float c1, float c2, float eps, float wd,
                                         float[] g, float[] m, float[] v, float[] p, int o) {
            calls.add("adamUpdate"); k.adamUpdate(n, lr, b1, b2, c1, c2, eps, wd, g, m, v, p, o); }
    }

    private static List<String> stepCalls(NetworkSpec spec, int batch) {
        return stepCalls(spec, batch, false);
    }

    /** With {@code fusedSgd}, the step carries an SGD update ({@link StepUpdate}). */
    private static List<String> stepCalls(NetworkSpec spec, int batch, boolean fusedSgd) {
        RecordingKernels rec = new RecordingKernels();
        Network net = Network.create(spec, 1, rec);
        Random rnd = new Random(1);
        float[] x = GradientAssert.randomInputs(rnd, batch, spec.inputs());
        float[] y = GradientAssert.randomTargets(rnd, batch, spec.outputs(), spec.loss());
        Gradients g = net.newGradients();
        net.lossAndGradients(x, y, batch, g, fusedSgd ? new dev.lanes.optim.Sgd(0.1f).stepUpdate(net, g) : null);
        return rec.calls;
    }

    @Test
    void reluSoftmaxStepIsOneCallPerOperationWhateverTheBatch() {
        NetworkSpec spec = NetworkSpec.of(new int[] {6, 5, 4, 3}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
        int b = 9;
        List<String> expected = List.of(
                // forward, layers 1..3 (the output's softmax is fused into the loss)
                "sgemmBias NONE,TRANSPOSE " + b + "x5x6 relu",
                "sgemmBias NONE,TRANSPOSE " + b + "x4x5 relu",
                "sgemmBias NONE,TRANSPOSE " + b + "x3x4",
                "softmaxCrossEntropyRows", "scaledDifference",
                // row-wise backward, layer 3 then 2 then 1 (no input gradient)
                "sgemm NONE,NONE " + b + "x4x3", "reluBackward", "sgemm NONE,NONE " + b + "x5x4", "reluBackward",
                // parameter gradients, layer 1 then 2 then 3
                "sgemm TRANSPOSE,NONE 5x6x" + b, "columnSums",
                "sgemm TRANSPOSE,NONE 4x5x" + b, "columnSums",
                "sgemm TRANSPOSE,NONE 3x4x" + b, "columnSums");
        assertEquals(expected, stepCalls(spec, b));
        assertEquals(expected.size(), stepCalls(spec, 1).size());
        assertEquals(expected.size(), stepCalls(spec, 100).size());
    }

    @Test
    void sigmoidMseStepAppliesTheOutputDerivativeOnce() {
        NetworkSpec spec = NetworkSpec.of(new int[] {3, 4, 2}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE);
        List<String> expected = List.of(
                "sgemmBias NONE,TRANSPOSE 7x4x3", "sigmoid",
                "sgemmBias NONE,TRANSPOSE 7x2x4", "sigmoid",
                "scaledDifference", "sigmoidBackward", "sgemm NONE,NONE 7x4x2", "sigmoidBackward",
                // the loss value, known before the parameter gradients: a fused update is applied
                // only when it is finite
                "mseLoss",
                "sgemm TRANSPOSE,NONE 4x3x7", "columnSums",
                "sgemm TRANSPOSE,NONE 2x4x7", "columnSums");
        assertEquals(expected, stepCalls(spec, 7));
    }

    @Test
    void aFusedSgdUpdateFollowsEachLayersGradientsAsTwoAxpys() {
        NetworkSpec spec = NetworkSpec.of(new int[] {3, 4, 2}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE);
        List<String> expected = List.of(
                "sgemmBias NONE,TRANSPOSE 7x4x3", "sigmoid",
                "sgemmBias NONE,TRANSPOSE 7x2x4", "sigmoid",
                "scaledDifference", "sigmoidBackward", "sgemm NONE,NONE 7x4x2", "sigmoidBackward",
                "mseLoss",
                // each layer's W rows then b entries, right after its gradients
                "sgemm TRANSPOSE,NONE 4x3x7", "columnSums", "axpy", "axpy",
                "sgemm TRANSPOSE,NONE 2x4x7", "columnSums", "axpy", "axpy");
        assertEquals(expected, stepCalls(spec, 7, true));
    }
}
