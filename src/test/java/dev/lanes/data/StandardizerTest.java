package dev.lanes.data;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandardizerTest {

    /** 3 features: N(5, 2²), N(-1000, 0.5²), constant 3. */
    private static Dataset random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[3 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            x[3 * i] = (float) (5 + 2 * gaussian(r));
            x[3 * i + 1] = (float) (-1000 + 0.5 * gaussian(r));
            x[3 * i + 2] = 3f;
            labels[i] = i % 2;
        }
        return Dataset.ofClasses("g", x, 3, labels, 2, null);
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static double[] meanStd(Dataset d, int j) {
        double s = 0;
        for (int i = 0; i < d.size(); i++) {
            s += d.feature(i, j);
        }
        double m = s / d.size();
        double q = 0;
        for (int i = 0; i < d.size(); i++) {
            q += (d.feature(i, j) - m) * (d.feature(i, j) - m);
        }
        return new double[] {m, Math.sqrt(q / d.size())};
    }

    @Test
    void fittedOnTrainOnlyGivesZeroMeanUnitStdOnTrain() {
        Dataset.Split split = random(2000, 1).split(0.25, 2);
        Standardizer st = Standardizer.fit(split.first());
        Dataset train = st.apply(split.first());
        Dataset test = st.apply(split.second());
        for (int j = 0; j < 2; j++) {
            double[] ms = meanStd(train, j);
            assertEquals(0, ms[0], 1e-4, "train mean of feature " + j);
            assertEquals(1, ms[1], 1e-4, "train std of feature " + j);
            // The test part is only approximately standardised: its own statistics were not used.
            double[] ts = meanStd(test, j);
            assertEquals(0, ts[0], 0.2);
            assertEquals(1, ts[1], 0.2);
            assertTrue(ts[0] != 0.0);
        }
        // Same statistics as computed independently on the raw train part.
        double[] raw = meanStd(split.first(), 1);
        assertEquals(raw[0], st.mean()[1], 1e-3);
        assertEquals(raw[1], st.std()[1], 1e-4);
        // The test part is transformed with the train statistics, value by value.
        assertEquals((split.second().feature(3, 0) - st.mean()[0]) / st.std()[0], test.feature(3, 0), 1e-6);
        // Targets and labels are untouched.
        assertEquals(split.first().label(5), train.label(5));
        assertEquals(split.first().target(5, 1), train.target(5, 1));
    }

    @Test
    void constantFeatureGetsUnitStdAndIsCentred() {
        Dataset d = random(50, 3);
        Standardizer st = Standardizer.fit(d);
        assertEquals(1f, st.std()[2]);
        assertEquals(3f, st.mean()[2]);
        Dataset t = st.apply(d);
        for (int i = 0; i < t.size(); i++) {
            assertEquals(0f, t.feature(i, 2));
        }
    }

    @Test
    void accessorsReturnCopies() {
        Standardizer st = Standardizer.fit(random(10, 4));
        st.mean()[0] = 1e9f;
        st.std()[0] = 1e9f;
        assertTrue(st.mean()[0] < 100 && st.std()[0] < 100);
    }

    @Test
    void ofAndTransformInPlace() {
        Standardizer st = Standardizer.of(new float[] {1, 2}, new float[] {2, 4});
        float[] x = {9, 3, 5, 10, 6};
        st.transform(x, 1, 2);
        assertArrayEquals(new float[] {9, 1, 0.75f, 4.5f, 1}, x);
        assertThrows(IndexOutOfBoundsException.class, () -> st.transform(x, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Standardizer.of(new float[] {1}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Standardizer.of(new float[] {Float.NaN}, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Standardizer.of(new float[] {1}, new float[] {1, 2}));
    }

    @Test
    void rejectsEmptyTrainAndFeatureMismatch() {
        Dataset d = random(10, 5);
        Dataset empty = d.subset(new int[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(empty));
        assertTrue(e.getMessage().contains("no rows"), e.getMessage());
        Standardizer st = Standardizer.fit(d);
        Dataset other = Dataset.ofTargets("two", new float[] {1, 2}, 2, new float[] {0}, 1);
        e = assertThrows(IllegalArgumentException.class, () -> st.apply(other));
        assertTrue(e.getMessage().contains("2 features") && e.getMessage().contains("fitted on 3"), e.getMessage());
    }

    @Test
    void overflowIsReportedNotSilentlyInfinite() {
        Standardizer st = Standardizer.of(new float[] {0}, new float[] {1e-30f});
        Dataset d = Dataset.ofTargets("big", new float[] {0, 1e30f}, 1, new float[] {0, 0}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.apply(d));
        assertTrue(e.getMessage().contains("row 1, column 0"), e.getMessage());
    }

    /** Feature 0 spreads over [0, 1]; feature 1 is 0 in all but one of 10,000 rows. */
    private static Dataset rareFeature() {
        int n = 10_000;
        float[] x = new float[2 * n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (i % 100) / 99f;
        }
        x[2 * 17 + 1] = 1f;
        return Dataset.ofTargets("rare", x, 2, new float[n], 1);
    }

    @Test
    void nearlyConstantFeatureIsFlooredAndStaysSmall() {
        Dataset d = rareFeature();
        Standardizer st = Standardizer.fit(d);
        double[] wide = meanStd(d, 0);
        double[] rare = meanStd(d, 1);
        // One in 10,000 rows: the deviation ≈ 0.01 is above the floor (1 % of ≈ 0.29) and is kept.
        assertEquals(rare[1], st.std()[1], 1e-6);
        assertEquals(wide[1], st.std()[0], 1e-6);
        // One in a million rows: the deviation 0.001 is below the floor and is raised to it.
        int n = 1_000_000;
        float[] x = new float[2 * n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (i % 100) / 99f;
        }
        x[1] = 1f;
        Dataset sparse = Dataset.ofTargets("sparse", x, 2, new float[n], 1);
        Standardizer fs = Standardizer.fit(sparse);
        double largest = meanStd(sparse, 0)[1];
        assertEquals(Standardizer.RELATIVE_FLOOR * largest, fs.std()[1], 1e-6);
        float[] row = {0.5f, 1f};
        fs.transform(row, 0, 1);
        // Unfloored it would be ≈ 1000; floored it is ≈ 1 / (0.01 · 0.29) ≈ 345.
        assertEquals((1 - 1e-6) / (Standardizer.RELATIVE_FLOOR * largest), row[1], 0.1);
        assertEquals(Standardizer.Kind.STANDARDIZE, fs.kind());
    }

    @Test
    void minMaxMapsTheTrainingRangeToUnitIntervalAndConstantsToZero() {
        Dataset d = random(200, 6);
        Standardizer mm = Standardizer.fitMinMax(d);
        assertEquals(Standardizer.Kind.MIN_MAX, mm.kind());
        Dataset t = mm.apply(d);
        for (int j = 0; j < 2; j++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < t.size(); i++) {
                lo = Math.min(lo, t.feature(i, j));
                hi = Math.max(hi, t.feature(i, j));
            }
            assertEquals(0f, lo, 0f);
            assertEquals(1f, hi, 1e-5f);
        }
        for (int i = 0; i < t.size(); i++) {
            assertEquals(0f, t.feature(i, 2));
        }
        // Stored as offset and divisor, it round-trips through of(...) with its kind.
        Standardizer back = Standardizer.of(mm.mean(), mm.std(), Standardizer.Kind.ofLabel("min-max"));
        assertEquals(Standardizer.Kind.MIN_MAX, back.kind());
        assertArrayEquals(t.featureMatrix(), back.apply(d).featureMatrix());
        assertThrows(IllegalArgumentException.class, () -> Standardizer.fitMinMax(d.subset(new int[0])));
    }
}
