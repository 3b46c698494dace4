package dev.lanes.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a network's batched float gradients ({@link Network#lossAndGradients}) against two
 * independent references computed in double precision from the same parameters:
 * <ul>
 *   <li>central finite differences of the batch cost, {@code (C(θ+h) − C(θ−h)) / 2h} per
 *       parameter;</li>
 *   <li>plain per-example backpropagation (forward one example, output error, the recurrence
 *       δ_ℓ = (W_{ℓ+1}ᵀ δ_{ℓ+1}) ∘ σ'(z_ℓ), accumulate δ·aᵀ and δ, divide by the batch size).</li>
 * </ul>
 * For each parameter tensor it reports the largest element-wise relative error
 * {@code |g − r| / (|g| + |r|)} over the elements whose {@code |g| + |r|} is at least
 * {@code max(1e-8, 1e-4 · max|r|)}: float rounding makes elements far below the tensor's scale
 * noise, so they count as agreeing. Meant for small networks: the finite differences cost two
 * forward passes over the batch per parameter.
 */
public final class GradientCheck {

    private GradientCheck() {
    }

    /**
     * The worst errors of one parameter tensor.
     *
     * @param name                 {@code W1}, {@code b1}, {@code W2}, … (1-based layer numbers)
     * @param rows                 m_ℓ
     * @param cols                 m_{ℓ−1} for weights, 1 for biases
     * @param vsFiniteDifferences  worst relative error of the batched gradient against finite differences
     * @param vsPerExample         worst relative error against per-example backpropagation
     * @param maxAbsGradient       the largest |element| of the batched gradient, for scale
     */
    public record TensorError(String name, int rows, int cols, double vsFiniteDifferences,
                              double vsPerExample, double maxAbsGradient) {

        /** The larger of the two errors. */
        public double worst() {
            return Math.max(vsFiniteDifferences, vsPerExample);
        }
    }

    /**
     * Runs the check on one batch.
     *
     * @param x    inputs, rows×m₀ row-major
     * @param y    targets, rows×m_L row-major (one-hot for cross-entropy)
     * @param rows the batch size B ≥ 1
     * @param h    the finite-difference step (in double), e.g. 1e-5
     */
    public static List<TensorError> run(Network net, float[] x, float[] y, int rows, double h) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1 but was " + rows);
        }
        if (!(h > 0) || !Double.isFinite(h)) {
            throw new IllegalArgumentException("h must be positive and finite but was " + h);
        }
        Gradients g = net.newGradients();
        net.lossAndGradients(x, y, rows, g);
        Reference ref = new Reference(net, x, y, rows);
        double[][][] perExample = ref.backprop();
        double[][][] fd = ref.finiteDifferences(h);
        List<TensorError> out = new ArrayList<>();
        int[] m = net.spec().sizes();
        for (int l = 0; l < net.depth(); l++) {
            if (!(net.layer(l) instanceof Dense)) {
                continue;
            }
            float[] gw = g.weights(l);
            float[] gb = g.biases(l);
            out.add(new TensorError("W" + (l + 1), m[l + 1], m[l], relError(gw, fd[l][0]),
                    relError(gw, perExample[l][0]), maxAbs(gw)));
            out.add(new TensorError("b" + (l + 1), m[l + 1], 1, relError(gb, fd[l][1]),
                    relError(gb, perExample[l][1]), maxAbs(gb)));
        }
        return out;
    }

    private static double relError(float[] got, double[] want) {
        double scale = 0;
        for (double w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        double floor = Math.max(1e-8, 1e-4 * scale);
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            double denom = Math.abs(got[i]) + Math.abs(want[i]);
            if (denom >= floor) {
                worst = Math.max(worst, Math.abs(got[i] - want[i]) / denom);
            }
        }
        return worst;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    /** The network's parameters and batch in double, with per-example forward and backward passes. */
    private static final class Reference {
        final int[] m;
        final Activation[] act;      // null for a dropout layer
        final double[][][] masks;    // [ℓ][row][k] for a dropout layer, else null
        final Loss loss;
        final double[][] w;   // [ℓ][j * m_{ℓ-1} + k]
        final double[][] b;   // [ℓ][j]
        final double[][] xs;
        final double[][] ys;

        Reference(Network net, float[] x, float[] y, int rows) {
            NetworkSpec spec = net.spec();
            m = spec.sizes();
            loss = spec.loss();
            int depth = spec.depth();
            act = new Activation[depth];
            w = new double[depth][];
            b = new double[depth][];
            masks = new double[depth][][];
            for (int l = 0; l < depth; l++) {
                if (net.layer(l) instanceof Dropout d) {
                    float[] mask = d.lastMask();
                    w[l] = new double[0];
                    b[l] = new double[0];
                    masks[l] = new double[rows][m[l]];
                    for (int r = 0; r < rows; r++) {
                        for (int k = 0; k < m[l]; k++) {
                            masks[l][r][k] = mask[r * m[l] + k];
                        }
                    }
                    continue;
                }
                act[l] = ((DenseSpec) spec.layers().get(l)).activation();
                w[l] = toDouble(net.weights(l));
                b[l] = toDouble(net.biases(l));
            }
            xs = new double[rows][];
            ys = new double[rows][];
            for (int r = 0; r < rows; r++) {
                xs[r] = new double[m[0]];
                ys[r] = new double[m[depth]];
                for (int k = 0; k < m[0]; k++) {
                    xs[r][k] = x[r * m[0] + k];
                }
                for (int k = 0; k < m[depth]; k++) {
                    ys[r][k] = y[r * m[depth] + k];
                }
            }
        }

        /** Layer outputs a_0 … a_L of example {@code row}; zs[ℓ+1] receives z of dense layers. */
        double[][] forward(int row, double[][] zs) {
            int depth = w.length;
            double[][] a = new double[depth + 1][];
            a[0] = xs[row];
            for (int l = 0; l < depth; l++) {
                int in = m[l];
                if (masks[l] != null) {
                    a[l + 1] = new double[in];
                    for (int k = 0; k < in; k++) {
                        a[l + 1][k] = a[l][k] * masks[l][row][k];
                    }
                    continue;
                }
                double[] z = new double[m[l + 1]];
                for (int j = 0; j < z.length; j++) {
                    double s = b[l][j];
                    for (int k = 0; k < in; k++) {
                        s += w[l][j * in + k] * a[l][k];
                    }
                    z[j] = s;
                }
                if (zs != null) {
                    zs[l + 1] = z;
                }
                a[l + 1] = activate(act[l], z);
            }
            return a;
        }

        double cost() {
            int depth = w.length;
            double total = 0;
            for (int r = 0; r < xs.length; r++) {
                double[] out = forward(r, null)[depth];
                for (int k = 0; k < out.length; k++) {
                    if (loss == Loss.MSE) {
                        double d = out[k] - ys[r][k];
                        total += d * d;
                    } else if (ys[r][k] != 0) {
                        total -= ys[r][k] * Math.log(out[k]);
                    }
                }
            }
            return total / xs.length;
        }

        /** [ℓ][0] = dW flattened like W, [ℓ][1] = db. */
        double[][][] backprop() {
            int depth = w.length;
            double[][][] grad = new double[depth][2][];
            for (int l = 0; l < depth; l++) {
                grad[l][0] = new double[w[l].length];
                grad[l][1] = new double[b[l].length];
            }
            for (int r = 0; r < xs.length; r++) {
                double[][] zs = new double[depth + 1][];
                double[][] a = forward(r, zs);
                // delta = ∂C/∂(output of layer ℓ), then each layer turns it into ∂C/∂(its input)
                double[] delta = new double[m[depth]];
                boolean fusedSoftmax = loss == Loss.CROSS_ENTROPY;
                for (int k = 0; k < delta.length; k++) {
                    delta[k] = fusedSoftmax ? a[depth][k] - ys[r][k] : 2 * (a[depth][k] - ys[r][k]);
                }
                for (int l = depth - 1; l >= 0; l--) {
                    int in = m[l];
                    if (masks[l] != null) {
                        double[] prev = new double[in];
                        for (int k = 0; k < in; k++) {
                            prev[k] = delta[k] * masks[l][r][k];
                        }
                        delta = prev;
                        continue;
                    }
                    if (!(l == depth - 1 && fusedSoftmax)) {
                        for (int j = 0; j < delta.length; j++) {
                            delta[j] *= derivative(act[l], zs[l + 1][j], a[l + 1][j]);
                        }
                    }
                    for (int j = 0; j < delta.length; j++) {
                        grad[l][1][j] += delta[j];
                        for (int k = 0; k < in; k++) {
                            grad[l][0][j * in + k] += delta[j] * a[l][k];
                        }
                    }
                    double[] prev = new double[in];
                    for (int k = 0; k < in; k++) {
                        double s = 0;
                        for (int j = 0; j < delta.length; j++) {
                            s += w[l][j * in + k] * delta[j];
                        }
                        prev[k] = s;
                    }
                    delta = prev;
                }
            }
            for (double[][] layer : grad) {
                for (double[] t : layer) {
                    for (int i = 0; i < t.length; i++) {
                        t[i] /= xs.length;
                    }
                }
            }
            return grad;
        }

        double[][][] finiteDifferences(double h) {
            int depth = w.length;
            double[][][] grad = new double[depth][2][];
            for (int l = 0; l < depth; l++) {
                grad[l][0] = central(w[l], h);
                grad[l][1] = central(b[l], h);
            }
            return grad;
        }

        private double[] central(double[] p, double h) {
            double[] d = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                double keep = p[i];
                p[i] = keep + h;
                double plus = cost();
                p[i] = keep - h;
                double minus = cost();
                p[i] = keep;
                d[i] = (plus - minus) / (2 * h);
            }
            return d;
        }

        private static double[] activate(Activation s, double[] z) {
            double[] a = new double[z.length];
            switch (s) {
                case SIGMOID -> {
                    for (int j = 0; j < z.length; j++) {
                        a[j] = 1 / (1 + Math.exp(-z[j]));
                    }
                }
                case TANH -> {
                    for (int j = 0; j < z.length; j++) {
                        a[j] = Math.tanh(z[j]);
                    }
                }
                case RELU -> {
                    for (int j = 0; j < z.length; j++) {
                        a[j] = Math.max(0, z[j]);
                    }
                }
                case IDENTITY -> System.arraycopy(z, 0, a, 0, z.length);
                case GELU -> {
                    for (int j = 0; j < z.length; j++) {
                        double v = z[j];
                        a[j] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                    }
                }
                case SILU -> {
                    for (int j = 0; j < z.length; j++) {
                        a[j] = z[j] / (1 + Math.exp(-z[j]));
                    }
                }
                case SOFTMAX -> {
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : z) {
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    for (int j = 0; j < z.length; j++) {
                        a[j] = Math.exp(z[j] - max);
                        sum += a[j];
                    }
                    for (int j = 0; j < z.length; j++) {
                        a[j] /= sum;
                    }
                }
            }
            return a;
        }

        private static double derivative(Activation s, double z, double a) {
            return switch (s) {
                case SIGMOID -> a * (1 - a);
                case TANH -> 1 - a * a;
                case RELU -> a > 0 ? 1 : 0;
                case IDENTITY -> 1;
                case GELU -> {
                    double c = Math.sqrt(2 / Math.PI);
                    double t = Math.tanh(c * (z + 0.044715 * z * z * z));
                    yield 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * c * (1 + 3 * 0.044715 * z * z);
                }
                case SILU -> {
                    double sg = 1 / (1 + Math.exp(-z));
                    yield sg + z * sg * (1 - sg);
                }
                case SOFTMAX -> throw new IllegalStateException("softmax is only valid with cross-entropy");
            };
        }

        private static double[] toDouble(float[] f) {
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
    }
}
