package dev.lanes.data;

import java.util.Objects;

/**
 * A per-feature affine map {@code x' = (x - offset) / divisor} fitted on training data only, so
 * that no statistic of the test data leaks into training. Two fits produce it:
 *
 * <ul>
 *   <li>{@link #fit} — standardization: offset = mean, divisor = the population standard deviation
 *       (divided by n), floored at {@value #RELATIVE_FLOOR} × the largest standard deviation of
 *       any feature. Without the floor, a feature that is almost always the same value (a pixel
 *       near the edge of an image) has a tiny deviation and its rare other values become huge
 *       inputs that saturate the network. A feature constant in the training data gets divisor 1,
 *       so it is only centred: it is 0 for every training row.</li>
 *   <li>{@link #fitMinMax} — min-max scaling to {@code [0, 1]}: offset = minimum, divisor =
 *       maximum − minimum; a constant feature gets divisor 1 and so becomes 0.</li>
 * </ul>
 *
 * Both are the same map, so a model file stores either in its standardization fields ({@code mean}
 * = offset, {@code std} = divisor); {@link #kind()} says which fit made it. Statistics are
 * accumulated in {@code double} and stored as {@code float}.
 */
public final class Standardizer {

    /** Which fit produced a standardizer; the same map either way. */
    public enum Kind {
        /** Mean and floored standard deviation ({@link #fit}). */
        STANDARDIZE("standardize"),
        /** Minimum and range ({@link #fitMinMax}). */
        MIN_MAX("min-max");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The lower-case name used in model metadata and on the command line. */
        public String label() {
            return label;
        }

        /** The kind with this {@link #label()}, or null. */
        public static Kind ofLabel(String s) {
            for (Kind k : values()) {
                if (k.label.equals(s)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** A feature's divisor is at least this fraction of the largest standard deviation of any feature. */
    public static final double RELATIVE_FLOOR = 0.01;

    private final float[] mean;
    private final float[] std;
    private final Kind kind;

    private Standardizer(float[] mean, float[] std, Kind kind) {
        this.mean = mean;
        this.std = std;
        this.kind = kind;
    }

    /**
     * Fits mean and standard deviation of every feature of {@code train}, with the variance floor
     * described above.
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
        float[] x = train.storage();
        double[] sum = new double[f];
        for (int i = 0; i < n; i++) {
            int row = train.offset(i);
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
            int row = train.offset(i);
            for (int j = 0; j < f; j++) {
                double d = x[row + j] - m[j];
                sq[j] += d * d;
            }
        }
        double largest = 0;
        double[] sd = new double[f];
        for (int j = 0; j < f; j++) {
            sd[j] = Math.sqrt(sq[j] / n);
            largest = Math.max(largest, sd[j]);
        }
        double floor = RELATIVE_FLOOR * largest;
        float[] mean = new float[f];
        float[] std = new float[f];
        for (int j = 0; j < f; j++) {
            mean[j] = (float) m[j];
            float s = (float) Math.max(sd[j], floor);
            std[j] = sd[j] > 0 && s > 0f ? s : 1f;
        }
        return new Standardizer(mean, std, Kind.STANDARDIZE);
    }

    /**
     * Fits minimum and maximum of every feature of {@code train}: the map sends the training
     * range of each feature to {@code [0, 1]} (values outside it in other data fall outside
     * {@code [0, 1]}); a constant feature becomes 0.
     *
     * @throws IllegalArgumentException if {@code train} has no rows
     */
    public static Standardizer fitMinMax(Dataset train) {
        Objects.requireNonNull(train, "train");
        int n = train.size();
        int f = train.features();
        if (n == 0) {
            throw new IllegalArgumentException("cannot fit a min-max scaler on " + train.name()
                    + ": it has no rows");
        }
        float[] x = train.storage();
        float[] min = new float[f];
        float[] max = new float[f];
        System.arraycopy(x, train.offset(0), min, 0, f);
        System.arraycopy(x, train.offset(0), max, 0, f);
        for (int i = 1; i < n; i++) {
            int row = train.offset(i);
            for (int j = 0; j < f; j++) {
                float v = x[row + j];
                if (v < min[j]) {
                    min[j] = v;
                }
                if (v > max[j]) {
                    max[j] = v;
                }
            }
        }
        float[] range = new float[f];
        for (int j = 0; j < f; j++) {
            float r = (float) ((double) max[j] - min[j]);
            range[j] = r > 0f && Float.isFinite(r) ? r : 1f;
        }
        return new Standardizer(min, range, Kind.MIN_MAX);
    }

    /**
     * A standardizer with given statistics, e.g. restored from a saved model.
     *
     * @param mean per-feature mean, finite
     * @param std  per-feature standard deviation, finite and positive
     */
    public static Standardizer of(float[] mean, float[] std) {
        return of(mean, std, Kind.STANDARDIZE);
    }

    /**
     * A map {@code (x - offset) / divisor} with given parameters and the kind of fit that made it,
     * e.g. restored from a saved model.
     *
     * @param offset  per-feature offset (mean or minimum), finite
     * @param divisor per-feature divisor (standard deviation or range), finite and positive
     */
    public static Standardizer of(float[] offset, float[] divisor, Kind kind) {
        Objects.requireNonNull(kind, "kind");
        float[] mean = offset;
        float[] std = divisor;
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
        return new Standardizer(mean.clone(), std.clone(), kind);
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
        float[] x = d.featureMatrix();
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

    /** Which fit produced this map. */
    public Kind kind() {
        return kind;
    }

    /** Number of features this standardizer was fitted on. */
    public int features() {
        return mean.length;
    }

    /** A copy of the per-feature means (offsets; minima for {@link Kind#MIN_MAX}). */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * A copy of the per-feature divisors: floored standard deviations (ranges for
     * {@link Kind#MIN_MAX}); 1 for features constant in training.
     */
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
