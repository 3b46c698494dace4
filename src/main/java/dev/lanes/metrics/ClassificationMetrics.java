package dev.lanes.metrics;

import java.util.Objects;

/**
 * Classification quality over a set of examples, from the true class of each and either the
 * model's per-class scores (probabilities) or its predicted classes.
 *
 * <p>Conventions (those of scikit-learn's defaults): the predicted class is the arg-max of the
 * scores, the first of equal scores; the confusion matrix has the true class as row and the
 * predicted class as column; a class that is never predicted has precision 0, a class with no
 * examples has recall 0, and F1 is 0 when precision and recall are both 0. Macro averages weigh
 * every class equally, weighted averages by the number of true examples of each class (its
 * support). Log loss is the mean of −ln p(true class), with p clipped to
 * [10⁻¹⁵, 1 − 10⁻¹⁵]; top-k accuracy counts an example when fewer than k classes score strictly
 * higher than its true class. Both need scores: built from predicted classes alone they are NaN.
 */
public final class ClassificationMetrics {

    private static final double EPS = 1e-15;

    private final int classes;
    private final int examples;
    private final long[][] confusion;
    private final float[] scores;
    private final int[] actual;

    private ClassificationMetrics(int classes, int[] actual, int[] predicted, float[] scores) {
        this.classes = classes;
        this.examples = actual.length;
        this.actual = actual.clone();
        this.scores = scores;
        this.confusion = new long[classes][classes];
        for (int i = 0; i < actual.length; i++) {
            confusion[actual[i]][predicted[i]]++;
        }
    }

    /**
     * Metrics from per-class scores.
     *
     * @param actual  the true class of each of {@code n} examples, in {@code [0, classes)}
     * @param scores  {@code n × classes} scores, row-major (softmax probabilities for log loss)
     * @param classes the number of classes, at least 1
     * @throws IllegalArgumentException if the shapes do not match or a class is out of range
     */
    public static ClassificationMetrics ofScores(int[] actual, float[] scores, int classes) {
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(scores, "scores");
        checkClasses(actual, classes, "actual");
        if ((long) actual.length * classes != scores.length) {
            throw new IllegalArgumentException("scores holds " + scores.length + " values, not " + actual.length
                    + " rows of " + classes + " classes");
        }
        int[] predicted = new int[actual.length];
        for (int i = 0; i < actual.length; i++) {
            int off = i * classes;
            int best = 0;
            for (int j = 1; j < classes; j++) {
                if (scores[off + j] > scores[off + best]) {
                    best = j;
                }
            }
            predicted[i] = best;
        }
        return new ClassificationMetrics(classes, actual, predicted, scores.clone());
    }

    /**
     * Metrics from predicted classes only; {@link #logLoss()} and {@link #topKAccuracy(int)} are NaN.
     *
     * @throws IllegalArgumentException if the lengths differ or a class is out of range
     */
    public static ClassificationMetrics ofPredictions(int[] actual, int[] predicted, int classes) {
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(predicted, "predicted");
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(actual.length + " true classes but " + predicted.length
                    + " predictions");
        }
        checkClasses(actual, classes, "actual");
        checkClasses(predicted, classes, "predicted");
        return new ClassificationMetrics(classes, actual, predicted, null);
    }

    private static void checkClasses(int[] c, int classes, String what) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be at least 1 but was " + classes);
        }
        for (int i = 0; i < c.length; i++) {
            if (c[i] < 0 || c[i] >= classes) {
                throw new IllegalArgumentException(what + "[" + i + "] is " + c[i] + ", outside [0, " + classes + ")");
            }
        }
    }

    /** The number of classes. */
    public int classes() {
        return classes;
    }

    /** The number of examples. */
    public int examples() {
        return examples;
    }

    /** A copy of the confusion matrix: {@code [true class][predicted class]} counts. */
    public long[][] confusionMatrix() {
        long[][] c = new long[classes][];
        for (int i = 0; i < classes; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    /** The fraction of examples whose predicted class is the true one (0 for no examples). */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < classes; c++) {
            correct += confusion[c][c];
        }
        return examples == 0 ? 0 : (double) correct / examples;
    }

    /** The number of examples whose true class is {@code c}. */
    public long support(int c) {
        long s = 0;
        for (long v : confusion[c]) {
            s += v;
        }
        return s;
    }

    private long predictedAs(int c) {
        long s = 0;
        for (int t = 0; t < classes; t++) {
            s += confusion[t][c];
        }
        return s;
    }

    /** Of the examples predicted as {@code c}, the fraction that are {@code c}; 0 if none are predicted as c. */
    public double precision(int c) {
        long p = predictedAs(c);
        return p == 0 ? 0 : (double) confusion[c][c] / p;
    }

    /** Of the examples of class {@code c}, the fraction predicted as {@code c}; 0 if there are none. */
    public double recall(int c) {
        long s = support(c);
        return s == 0 ? 0 : (double) confusion[c][c] / s;
    }

    /** The harmonic mean of {@link #precision} and {@link #recall} of class {@code c}. */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Precision averaged over classes, each counting the same. */
    public double macroPrecision() {
        return macro(this::precision);
    }

    /** Recall averaged over classes, each counting the same. */
    public double macroRecall() {
        return macro(this::recall);
    }

    /** F1 averaged over classes, each counting the same. */
    public double macroF1() {
        return macro(this::f1);
    }

    /** Precision averaged over classes weighted by their support. */
    public double weightedPrecision() {
        return weighted(this::precision);
    }

    /** Recall averaged over classes weighted by their support (equals the accuracy). */
    public double weightedRecall() {
        return weighted(this::recall);
    }

    /** F1 averaged over classes weighted by their support. */
    public double weightedF1() {
        return weighted(this::f1);
    }

    private double macro(java.util.function.IntToDoubleFunction f) {
        double s = 0;
        for (int c = 0; c < classes; c++) {
            s += f.applyAsDouble(c);
        }
        return s / classes;
    }

    private double weighted(java.util.function.IntToDoubleFunction f) {
        if (examples == 0) {
            return 0;
        }
        double s = 0;
        for (int c = 0; c < classes; c++) {
            s += support(c) * f.applyAsDouble(c);
        }
        return s / examples;
    }

    /** Whether scores were given, so {@link #logLoss()} and {@link #topKAccuracy(int)} are defined. */
    public boolean hasScores() {
        return scores != null;
    }

    /**
     * The fraction of examples whose true class is among the {@code k} best scored.
     *
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public double topKAccuracy(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1 but was " + k);
        }
        if (scores == null) {
            return Double.NaN;
        }
        if (examples == 0) {
            return 0;
        }
        long hits = 0;
        for (int i = 0; i < examples; i++) {
            int off = i * classes;
            float t = scores[off + actual[i]];
            int higher = 0;
            for (int j = 0; j < classes; j++) {
                if (scores[off + j] > t) {
                    higher++;
                }
            }
            if (higher < k) {
                hits++;
            }
        }
        return (double) hits / examples;
    }

    /** The mean negative natural log of the probability given to the true class (scores taken as probabilities). */
    public double logLoss() {
        if (scores == null) {
            return Double.NaN;
        }
        if (examples == 0) {
            return 0;
        }
        double s = 0;
        for (int i = 0; i < examples; i++) {
            double p = Math.min(1 - EPS, Math.max(EPS, scores[i * classes + actual[i]]));
            s -= Math.log(p);
        }
        return s / examples;
    }
}
