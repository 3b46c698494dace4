package dev.lanes.nn;

import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random batches and tensor comparisons shared by the gradient tests. */
final class GradientAssert {

    private GradientAssert() {
    }

    /** rows×cols standard-normal inputs, row-major. */
    static float[] randomInputs(Random rnd, int rows, int cols) {
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /** Targets that fit the loss: one-hot rows for cross-entropy, uniform [0, 1) values for MSE. */
    static float[] randomTargets(Random rnd, int rows, int cols, Loss loss) {
        float[] y = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            if (loss == Loss.CROSS_ENTROPY) {
                y[r * cols + rnd.nextInt(cols)] = 1f;
            } else {
                for (int j = 0; j < cols; j++) {
                    y[r * cols + j] = rnd.nextFloat();
                }
            }
        }
        return y;
    }

    static double[][] rows(float[] flat, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                out[r][j] = flat[r * cols + j];
            }
        }
        return out;
    }

    static double[] flatten(double[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        double[] out = new double[m.length * cols];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * cols, cols);
        }
        return out;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /**
     * The largest element-wise relative error |a − n|/(|a| + |n|) over the elements whose
     * |a| + |n| is at least {@code floor} (smaller pairs count as agreeing: both are noise).
     */
    static double maxRelativeError(double[] a, double[] n, double floor) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double denom = Math.abs(a[i]) + Math.abs(n[i]);
            if (denom >= floor) {
                worst = Math.max(worst, Math.abs(a[i] - n[i]) / denom);
            }
        }
        return worst;
    }

    /**
     * Asserts that a float-path tensor matches a double reference within float accuracy:
     * |got − want| ≤ absTol + relTol·max|want| everywhere. Prints the max difference.
     */
    static void assertClose(String label, double[] got, double[] want, double relTol, double absTol) {
        double diff = maxAbsDiff(got, want);
        double bound = absTol + relTol * maxAbs(want);
        System.out.printf(Locale.ROOT, "    %-28s max|diff| %.3e  (max|ref| %.3e, bound %.3e) %s%n",
                label, diff, maxAbs(want), bound, diff <= bound ? "OK" : "FAIL");
        assertTrue(diff <= bound, label + ": max |diff| " + diff + " exceeds " + bound);
    }
}
