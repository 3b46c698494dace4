package dev.lanes.metrics;

import java.util.Objects;

/**
 * Regression quality over {@code n} examples with {@code m} targets each, from predicted and true
 * values ({@code n × m}, row-major), computed in double.
 *
 * <p>MAE and RMSE are taken over all {@code n·m} values. R² is computed per target as
 * {@code 1 − Σ(y − ŷ)² / Σ(y − ȳ)²} and averaged over the targets; for a target that is constant in
 * the data it is 1 when every prediction of it is exact and 0 otherwise (scikit-learn's
 * convention), so it stays finite.
 */
public final class RegressionMetrics {

    private final double mae;
    private final double rmse;
    private final double r2;
    private final int examples;

    private RegressionMetrics(double mae, double rmse, double r2, int examples) {
        this.mae = mae;
        this.rmse = rmse;
        this.r2 = r2;
        this.examples = examples;
    }

    /**
     * @param predicted {@code n × outputs} predictions, row-major
     * @param actual    {@code n × outputs} true values, row-major
     * @param outputs   targets per example, at least 1
     * @throws IllegalArgumentException if the shapes differ, or there are no examples
     */
    public static RegressionMetrics of(float[] predicted, float[] actual, int outputs) {
        Objects.requireNonNull(predicted, "predicted");
        Objects.requireNonNull(actual, "actual");
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be at least 1 but was " + outputs);
        }
        if (predicted.length != actual.length || actual.length % outputs != 0) {
            throw new IllegalArgumentException(predicted.length + " predictions and " + actual.length
                    + " true values do not form rows of " + outputs);
        }
        int n = actual.length / outputs;
        if (n == 0) {
            throw new IllegalArgumentException("no examples");
        }
        double abs = 0;
        double sq = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) predicted[i] - actual[i];
            abs += Math.abs(d);
            sq += d * d;
        }
        double r2 = 0;
        for (int j = 0; j < outputs; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += actual[i * outputs + j];
            }
            mean /= n;
            double res = 0;
            double tot = 0;
            for (int i = 0; i < n; i++) {
                double y = actual[i * outputs + j];
                double d = y - predicted[i * outputs + j];
                res += d * d;
                tot += (y - mean) * (y - mean);
            }
            r2 += tot == 0 ? (res == 0 ? 1 : 0) : 1 - res / tot;
        }
        return new RegressionMetrics(abs / actual.length, Math.sqrt(sq / actual.length), r2 / outputs, n);
    }

    /** Mean absolute error. */
    public double meanAbsoluteError() {
        return mae;
    }

    /** Root mean squared error. */
    public double rootMeanSquaredError() {
        return rmse;
    }

    /** Coefficient of determination R², averaged over the targets. */
    public double r2() {
        return r2;
    }

    /** The number of examples. */
    public int examples() {
        return examples;
    }
}
