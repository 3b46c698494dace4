package dev.lanes.nn;

/**
 * The "Algorithmic Summary" A/B/C of §6.4 of the notes, written literally, per example, in
 * double precision: the oracle the batched float path is compared against.
 *
 * <p>A. forward each example; B. output error δ_L and the recurrence (59) for every example;
 * C. accumulate δ·aᵀ and δ over the examples, then divide by N (eqs. (60)–(63)).
 *
 * <p>Two generalisations of the notes, both exact derivatives: σ' is that of each layer's own
 * activation (the notes use the sigmoid throughout), and a softmax output with cross-entropy has
 * per-example error δ_L = p − y. For MSE, {@code asPrinted} chooses between eq. (58) exactly as
 * printed, δ_L = (a − y) ∘ σ'(z), and the derivative of the per-example loss L_i = ‖a − y‖² that
 * (58) claims to be, δ_L = 2(a − y) ∘ σ'(z) (eq. (51) in §5).
 */
final class NotesAlgorithmOracle {

    final int[] m;              // m_0 … m_L
    final Activation[] sigma;   // σ of layers 1…L at [ℓ−1]
    final Loss loss;
    final double[][][] w;       // W^(ℓ) at [ℓ−1][j][k], m_ℓ × m_{ℓ−1}
    final double[][] b;         // b^(ℓ) at [ℓ−1][j]

    /** The gradients of C: dW[ℓ−1][j][k], db[ℓ−1][j]. */
    record Grads(double[][][] dW, double[][] db) {
    }

    NotesAlgorithmOracle(Network net) {
        NetworkSpec spec = net.spec();
        m = spec.sizes();
        loss = spec.loss();
        int depth = spec.depth();
        sigma = new Activation[depth];
        w = new double[depth][][];
        b = new double[depth][];
        for (int l = 0; l < depth; l++) {
            sigma[l] = ((DenseSpec) spec.layers().get(l)).activation();
            float[] wf = net.weights(l);
            float[] bf = net.biases(l);
            w[l] = new double[m[l + 1]][m[l]];
            b[l] = new double[m[l + 1]];
            for (int j = 0; j < m[l + 1]; j++) {
                b[l][j] = bf[j];
                for (int k = 0; k < m[l]; k++) {
                    w[l][j][k] = wf[j * m[l] + k];
                }
            }
        }
    }

    int depth() {
        return w.length;
    }

    /** a^(0…L) of one example: [ℓ][j]. A. Forward pass. */
    double[][] forward(double[] x) {
        int depth = depth();
        double[][] a = new double[depth + 1][];
        a[0] = x.clone();
        for (int l = 1; l <= depth; l++) {
            double[] z = new double[m[l]];
            for (int j = 0; j < m[l]; j++) {
                double s = b[l - 1][j];
                for (int k = 0; k < m[l - 1]; k++) {
                    s += w[l - 1][j][k] * a[l - 1][k];
                }
                z[j] = s;
            }
            a[l] = activate(sigma[l - 1], z);
        }
        return a;
    }

    /** C over the examples: eq. (57) for MSE, mean cross-entropy for softmax. */
    double cost(double[][] x, double[][] y) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            double[] aL = forward(x[i])[depth()];
            for (int k = 0; k < aL.length; k++) {
                if (loss == Loss.MSE) {
                    double d = aL[k] - y[i][k];
                    total += d * d;
                } else if (y[i][k] != 0) {
                    total -= y[i][k] * Math.log(aL[k]);
                }
            }
        }
        return total / x.length;
    }

    /** The Algorithmic Summary, A then B then C. */
    Grads gradients(double[][] x, double[][] y, boolean asPrinted) {
        int depth = depth();
        int n = x.length;
        double[][][] dW = new double[depth][][];
        double[][] db = new double[depth][];
        for (int l = 0; l < depth; l++) {
            dW[l] = new double[m[l + 1]][m[l]];
            db[l] = new double[m[l + 1]];
        }
        for (int i = 0; i < n; i++) {
            // A. forward
            double[][] a = forward(x[i]);
            // B. output error, then the recurrence (59) down to ℓ = 1
            double[][] delta = new double[depth + 1][];
            double[] aL = a[depth];
            delta[depth] = new double[m[depth]];
            for (int k = 0; k < m[depth]; k++) {
                if (loss == Loss.CROSS_ENTROPY) {
                    delta[depth][k] = aL[k] - y[i][k];
                } else {
                    double factor = asPrinted ? 1.0 : 2.0;
                    delta[depth][k] = factor * (aL[k] - y[i][k]) * derivative(sigma[depth - 1], aL[k]);
                }
            }
            for (int l = depth - 1; l >= 1; l--) {
                delta[l] = new double[m[l]];
                for (int k = 0; k < m[l]; k++) {
                    double s = 0;   // [(W^(ℓ+1))ᵀ δ^(ℓ+1)]_k
                    for (int j = 0; j < m[l + 1]; j++) {
                        s += w[l][j][k] * delta[l + 1][j];
                    }
                    delta[l][k] = s * derivative(sigma[l - 1], a[l][k]);
                }
            }
            // C. accumulate δ^(ℓ) (a^(ℓ−1))ᵀ and δ^(ℓ)
            for (int l = 1; l <= depth; l++) {
                for (int j = 0; j < m[l]; j++) {
                    db[l - 1][j] += delta[l][j];
                    for (int k = 0; k < m[l - 1]; k++) {
                        dW[l - 1][j][k] += delta[l][j] * a[l - 1][k];
                    }
                }
            }
        }
        for (int l = 0; l < depth; l++) {
            for (int j = 0; j < m[l + 1]; j++) {
                db[l][j] /= n;
                for (int k = 0; k < m[l]; k++) {
                    dW[l][j][k] /= n;
                }
            }
        }
        return new Grads(dW, db);
    }

    /** Central finite differences of {@link #cost} in double, step h, for every parameter. */
    Grads finiteDifferences(double[][] x, double[][] y, double h) {
        int depth = depth();
        double[][][] dW = new double[depth][][];
        double[][] db = new double[depth][];
        for (int l = 0; l < depth; l++) {
            dW[l] = new double[m[l + 1]][m[l]];
            db[l] = new double[m[l + 1]];
            for (int j = 0; j < m[l + 1]; j++) {
                for (int k = 0; k < m[l]; k++) {
                    double keep = w[l][j][k];
                    w[l][j][k] = keep + h;
                    double plus = cost(x, y);
                    w[l][j][k] = keep - h;
                    double minus = cost(x, y);
                    w[l][j][k] = keep;
                    dW[l][j][k] = (plus - minus) / (2 * h);
                }
                double keep = b[l][j];
                b[l][j] = keep + h;
                double plus = cost(x, y);
                b[l][j] = keep - h;
                double minus = cost(x, y);
                b[l][j] = keep;
                db[l][j] = (plus - minus) / (2 * h);
            }
        }
        return new Grads(dW, db);
    }

    static double[] activate(Activation s, double[] z) {
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
                    a[j] = Math.max(z[j], 0);
                }
            }
            case IDENTITY -> System.arraycopy(z, 0, a, 0, z.length);
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

    /** σ'(z) written through a = σ(z), as §6.5 item 3 does for the sigmoid. */
    static double derivative(Activation s, double a) {
        return switch (s) {
            case SIGMOID -> a * (1 - a);
            case TANH -> 1 - a * a;
            case RELU -> a > 0 ? 1 : 0;
            case IDENTITY -> 1;
            case SOFTMAX -> throw new IllegalArgumentException("softmax only with cross-entropy");
            case GELU, SILU -> throw new IllegalArgumentException(s + "' is not a function of a; the notes have no " + s);
        };
    }
}
