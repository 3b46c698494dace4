package dev.lanes.data;

import java.util.Objects;

/**
 * Per-feature standardisation {@code x' = (x - mean) / std}, with mean and standard deviation
 * fitted on training data only, so that no statistic of the test data leaks into training.
 *
 * <p>The standard deviation is the population one (divided by n, not n - 1). A feature that is
 * constant in the training data has standard deviation 0; it is taken as 1, so that feature is
 * only centred. Statistics are accumulated in {@code double} (two passes) and stored as
 * {@code float}.
 */
public final class Standardizer {

    private final float[] mean;
    private final float[] std;

    private Standardizer(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /**
     * Fits mean and standard deviation of every feature of {@code train}.
     *
     * @throws IllegalArgumentException if {@code train} has no rows
     */
    public static Standardizer fit(Dataset train) {
        Objects.requireNonNull(train, "train");
        int n = train.size();
        int f = train.features();
        if (n == 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on " + train.name()
                    + ": it has no rows");
        }
        float[] x = train.rawFeatures();
        double[] sum = new double[f];
        for (int i = 0; i < n; i++) {
            int row = i * f;
            for (int j = 0; j < f; j++) {
                sum[j] += x[row + j];
            }
        }
        double[] m = new double[f];
        for (int j = 0; j < f; j++) {
            m[j] = sum[j] / n;
        }
        // Two passes: the one-pass E[x²] - E[x]² loses everything for features with large offsets.
        double[] sq = new double[f];
        for (int i = 0; i < n; i++) {
            int row = i * f;
            for (int j = 0; j < f; j++) {
                double d = x[row + j] - m[j];
                sq[j] += d * d;
            }
        }
        float[] mean = new float[f];
        float[] std = new float[f];
        for (int j = 0; j < f; j++) {
            mean[j] = (float) m[j];
            float s = (float) Math.sqrt(sq[j] / n);
            std[j] = s > 0f ? s : 1f;
        }
        return new Standardizer(mean, std);
    }

    /**
     * A standardizer with given statistics, e.g. restored from a saved model.
     *
     * @param mean per-feature mean, finite
     * @param std  per-feature standard deviation, finite and positive
     */
    public static Standardizer of(float[] mean, float[] std) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std must have the same non-zero length, got "
                    + mean.length + " and " + std.length);
        }
        for (int j = 0; j < mean.length; j++) {
            if (!Float.isFinite(mean[j])) {
                throw new IllegalArgumentException("mean of feature " + j + " is " + mean[j]);
            }
            if (!Float.isFinite(std[j]) || !(std[j] > 0f)) {
                throw new IllegalArgumentException("std of feature " + j + " is " + std[j]
                        + "; it must be finite and positive");
            }
        }
        return new Standardizer(mean.clone(), std.clone());
    }

    /**
     * A new dataset with standardised features and the same targets, labels, class names and
     * name.
     *
     * @throws IllegalArgumentException if {@code d} has a different number of features
     */
    public Dataset apply(Dataset d) {
        Objects.requireNonNull(d, "d");
        checkFeatures(d.features(), d.name());
        float[] x = d.rawFeatures().clone();
        transform(x, 0, d.size());
        for (int k = 0; k < x.length; k++) {
            if (!Float.isFinite(x[k])) {
                // Possible when a feature nearly constant in training is far off in d.
                throw new IllegalArgumentException("standardised feature at row " + k / mean.length
                        + ", column " + k % mean.length + " of " + d.name() + " overflows float");
            }
        }
        return d.withFeaturesUnchecked(x);
    }

    /**
     * Standardises {@code rows} rows in place in {@code x}, row-major with leading dimension
     * {@link #features()}, starting at {@code offset}; for inputs at prediction time.
     */
    public void transform(float[] x, int offset, int rows) {
        int f = mean.length;
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be non-negative, got " + rows);
        }
        Objects.checkFromIndexSize(offset, Math.multiplyExact(rows, f), x.length);
        for (int i = 0; i < rows; i++) {
            int row = offset + i * f;
            for (int j = 0; j < f; j++) {
                x[row + j] = (x[row + j] - mean[j]) / std[j];
            }
        }
    }

    /** Number of features this standardizer was fitted on. */
    public int features() {
        return mean.length;
    }

    /** A copy of the per-feature means. */
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the per-feature standard deviations (1 for features constant in training). */
    public float[] std() {
        return std.clone();
    }

    private void checkFeatures(int features, String what) {
        if (features != mean.length) {
            throw new IllegalArgumentException(what + " has " + features
                    + " features but the standardizer was fitted on " + mean.length);
        }
    }
}
