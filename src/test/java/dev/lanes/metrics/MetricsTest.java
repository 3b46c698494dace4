package dev.lanes.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {

    /** Worked by hand: 7 examples of 3 classes, 5 right. */
    @Test
    void perClassAndAveragedScoresOfAWorkedExample() {
        int[] actual = {0, 0, 1, 1, 2, 2, 2};
        int[] predicted = {0, 1, 1, 1, 2, 0, 2};
        ClassificationMetrics m = ClassificationMetrics.ofPredictions(actual, predicted, 3);
        assertArrayEquals(new long[] {1, 1, 0}, m.confusionMatrix()[0]);
        assertArrayEquals(new long[] {0, 2, 0}, m.confusionMatrix()[1]);
        assertArrayEquals(new long[] {1, 0, 2}, m.confusionMatrix()[2]);
        assertEquals(5.0 / 7, m.accuracy(), 1e-15);
        assertEquals(0.5, m.precision(0), 1e-15);
        assertEquals(2.0 / 3, m.precision(1), 1e-15);
        assertEquals(1.0, m.precision(2), 1e-15);
        assertEquals(0.5, m.recall(0), 1e-15);
        assertEquals(1.0, m.recall(1), 1e-15);
        assertEquals(2.0 / 3, m.recall(2), 1e-15);
        assertEquals(0.5, m.f1(0), 1e-15);
        assertEquals(0.8, m.f1(1), 1e-15);
        assertEquals(0.8, m.f1(2), 1e-15);
        assertEquals(0.7, m.macroF1(), 1e-15);
        assertEquals((0.5 + 2.0 / 3 + 1) / 3, m.macroPrecision(), 1e-15);
        assertEquals(5.0 / 7, m.weightedF1(), 1e-15);
        assertEquals(m.accuracy(), m.weightedRecall(), 1e-15);
        assertEquals((2 * 0.5 + 2 * 2.0 / 3 + 3 * 1.0) / 7, m.weightedPrecision(), 1e-15);
        assertEquals(3, m.support(2));
        assertTrue(Double.isNaN(m.logLoss()) && Double.isNaN(m.topKAccuracy(1)));
    }

    @Test
    void logLossAndTopKFromProbabilities() {
        int[] actual = {0, 1};
        float[] p = {0.7f, 0.2f, 0.1f, 0.3f, 0.3f, 0.4f};
        ClassificationMetrics m = ClassificationMetrics.ofScores(actual, p, 3);
        assertEquals(-(Math.log(0.7f) + Math.log(0.3f)) / 2, m.logLoss(), 1e-12);
        assertEquals(0.5, m.topKAccuracy(1), 0);
        // Class 0 ties with the true class 1; only strictly higher scores push it down.
        assertEquals(1.0, m.topKAccuracy(2), 0);
        assertEquals(0.5, m.accuracy(), 0);
        // A zero probability is clipped, not infinite.
        ClassificationMetrics z = ClassificationMetrics.ofScores(new int[] {1}, new float[] {1, 0}, 2);
        assertEquals(-Math.log(1e-15), z.logLoss(), 1e-9);
    }

    /** Against a direct count over random data: every definition recomputed the plain way. */
    @Test
    void agreesWithDirectCountsOnRandomData() {
        Random r = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int k = 2 + r.nextInt(6);
            int n = 1 + r.nextInt(200);
            int[] actual = new int[n];
            float[] s = new float[n * k];
            for (int i = 0; i < n; i++) {
                actual[i] = r.nextInt(k);
                for (int j = 0; j < k; j++) {
                    s[i * k + j] = r.nextInt(5);   // ties on purpose
                }
            }
            ClassificationMetrics m = ClassificationMetrics.ofScores(actual, s, k);
            for (int c = 0; c < k; c++) {
                int tp = 0;
                int fp = 0;
                int fn = 0;
                for (int i = 0; i < n; i++) {
                    int pred = 0;
                    for (int j = 1; j < k; j++) {
                        if (s[i * k + j] > s[i * k + pred]) {
                            pred = j;
                        }
                    }
                    tp += pred == c && actual[i] == c ? 1 : 0;
                    fp += pred == c && actual[i] != c ? 1 : 0;
                    fn += pred != c && actual[i] == c ? 1 : 0;
                }
                double prec = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
                double rec = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
                assertEquals(prec, m.precision(c), 1e-12);
                assertEquals(rec, m.recall(c), 1e-12);
                assertEquals(prec + rec == 0 ? 0 : 2 * prec * rec / (prec + rec), m.f1(c), 1e-12);
            }
            for (int top = 1; top <= k; top++) {
                int hits = 0;
                for (int i = 0; i < n; i++) {
                    // The rule: fewer than `top` classes score strictly higher than the true one.
                    int higher = 0;
                    for (int j = 0; j < k; j++) {
                        higher += s[i * k + j] > s[i * k + actual[i]] ? 1 : 0;
                    }
                    hits += higher < top ? 1 : 0;
                }
                assertEquals(hits / (double) n, m.topKAccuracy(top), 1e-12);
            }
            assertEquals(1.0, m.topKAccuracy(k), 0);
        }
    }

    @Test
    void regressionWorkedExample() {
        RegressionMetrics m = RegressionMetrics.of(new float[] {1, 2, 3}, new float[] {1, 2, 5}, 1);
        assertEquals(2.0 / 3, m.meanAbsoluteError(), 1e-15);
        assertEquals(Math.sqrt(4.0 / 3), m.rootMeanSquaredError(), 1e-15);
        assertEquals(1 - 36.0 / 78, m.r2(), 1e-15);
        // Two targets: R² is the mean of the per-target values; a constant target predicted exactly counts 1.
        RegressionMetrics two = RegressionMetrics.of(new float[] {1, 7, 2, 7, 3, 7}, new float[] {1, 7, 2, 7, 5, 7}, 2);
        assertEquals((1 - 36.0 / 78 + 1) / 2, two.r2(), 1e-15);
        assertEquals(1.0, RegressionMetrics.of(new float[] {4, 4}, new float[] {4, 4}, 1).r2());
        assertEquals(0.0, RegressionMetrics.of(new float[] {4, 5}, new float[] {4, 4}, 1).r2());
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new float[3], new float[2], 1));
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.ofPredictions(new int[] {0, 3}, new int[] {0, 1}, 3));
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.ofScores(new int[] {0}, new float[3], 2));
    }
}
