package dev.lanes.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {

    /** n rows, 2 features: row i = (i, 10 i); label i % classes. */
    static Dataset classes(int n, int classes) {
        float[] x = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            labels[i] = i % classes;
        }
        return Dataset.ofClasses("toy", x, 2, labels, classes, null);
    }

    @Test
    void classificationAccessorsAndOneHot() {
        Dataset d = Dataset.ofClasses("abc", new float[] {1, 2, 3, 4, 5, 6}, 2, new int[] {2, 0, 1}, 3,
                List.of("a", "b", "c"));
        assertEquals("abc", d.name());
        assertEquals(3, d.size());
        assertEquals(2, d.features());
        assertEquals(3, d.outputs());
        assertEquals(3, d.classes());
        assertTrue(d.isClassification());
        assertEquals(List.of("a", "b", "c"), d.classNames());
        assertEquals(2, d.label(0));
        assertEquals(4f, d.feature(1, 1));
        assertEquals(1f, d.target(0, 2));
        assertEquals(0f, d.target(0, 0));
        float[] dst = new float[5];
        d.copyFeatures(2, dst, 1);
        assertArrayEquals(new float[] {0, 5, 6, 0, 0}, dst);
        d.copyTargets(1, dst, 2);
        assertArrayEquals(new float[] {0, 5, 1, 0, 0}, dst);
        assertArrayEquals(new int[] {1, 1, 1}, d.classCounts());
        assertThrows(IndexOutOfBoundsException.class, () -> d.copyFeatures(0, new float[3], 2));
        assertThrows(IndexOutOfBoundsException.class, () -> d.feature(3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> d.target(0, 3));
    }

    @Test
    void defaultClassNamesAreIndices() {
        assertEquals(List.of("0", "1", "2", "3"), classes(8, 4).classNames());
    }

    @Test
    void regressionAccessors() {
        Dataset d = Dataset.ofTargets("r", new float[] {1, 2, 3}, 1, new float[] {1, 2, 3, 4, 5, 6}, 2);
        assertFalse(d.isClassification());
        assertEquals(0, d.classes());
        assertEquals(2, d.outputs());
        assertEquals(-1, d.label(1));
        assertEquals(4f, d.target(1, 1));
        assertEquals(List.of(), d.classNames());
        assertThrows(IllegalStateException.class, d::labels);
    }

    @Test
    void factoriesCopyTheirArguments() {
        float[] x = {1, 2};
        int[] labels = {0, 1};
        Dataset d = Dataset.ofClasses("c", x, 1, labels, 2, null);
        x[0] = 99;
        labels[0] = 1;
        assertEquals(1f, d.feature(0, 0));
        assertEquals(0, d.label(0));
        d.featureMatrix()[0] = 42;
        assertEquals(1f, d.feature(0, 0));
    }

    @Test
    void rejectsBadInputWithRowAndColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofClasses("c", new float[] {1, 2, 3, Float.NaN}, 2, new int[] {0, 0}, 1, null));
        assertTrue(e.getMessage().contains("row 1, column 1"), e.getMessage());
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Dataset.ofTargets("r", new float[] {1, 2}, 1,
                new float[] {0, 1, 2, Float.POSITIVE_INFINITY}, 2));
        assertTrue(e.getMessage().contains("target at row 1, column 1"), e.getMessage());
        assertTrue(e.getMessage().contains("Infinity"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofClasses("c", new float[] {1, 2, 3}, 1, new int[] {0, 3, 1}, 3, null));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("is 3"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofClasses("c", new float[] {1, 2, 3}, 1, new int[] {0, -1, 1}, 3, null));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofClasses("c", new float[] {1, 2, 3}, 2, new int[] {0}, 1, null));
        assertTrue(e.getMessage().contains("not a multiple of features 2"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofClasses("c", new float[] {1, 2, 3}, 1, new int[] {0, 0}, 1, null));
        assertTrue(e.getMessage().contains("labels.length is 2"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofTargets("r", new float[] {1, 2, 3}, 1, new float[] {1, 2}, 1));
        assertTrue(e.getMessage().contains("y.length is 2"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofClasses("c", new float[] {1}, 1, new int[] {0}, 2, List.of("a")));
        assertTrue(e.getMessage().contains("classNames has 1"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofClasses("c", new float[] {1}, 1, new int[] {0}, 2, List.of("a", "a")));
        assertTrue(e.getMessage().contains("duplicate"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> Dataset.ofClasses(" ", new float[] {1}, 1, new int[] {0}, 1, null));
        assertThrows(IllegalArgumentException.class, () -> Dataset.ofClasses("c", new float[] {1}, 0, new int[] {0}, 1, null));
        assertThrows(IllegalArgumentException.class, () -> Dataset.ofClasses("c", new float[] {1}, 1, new int[] {0}, 0, null));
        assertThrows(IllegalArgumentException.class, () -> Dataset.ofTargets("r", new float[] {1}, 1, new float[] {1}, 0));
    }

    @Test
    void subsetFollowsIndicesIncludingRepeats() {
        Dataset d = classes(5, 3);
        Dataset s = d.subset(new int[] {4, 1, 4});
        assertEquals(3, s.size());
        assertEquals(4f, s.feature(0, 0));
        assertEquals(10f, s.feature(1, 1));
        assertEquals(1, s.label(0));
        assertEquals(1f, s.target(2, 1));
        assertEquals(d.classNames(), s.classNames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.subset(new int[] {0, 5}));
        assertTrue(e.getMessage().contains("indices[1] is 5"), e.getMessage());
    }

    @Test
    void splitPartitionsRowsReproducibly() {
        Dataset d = classes(101, 3);
        Dataset.Split s = d.split(0.2, 7);
        assertEquals(20, s.second().size());
        assertEquals(81, s.first().size());
        Set<Float> all = new HashSet<>();
        for (Dataset part : List.of(s.first(), s.second())) {
            for (int i = 0; i < part.size(); i++) {
                assertTrue(all.add(part.feature(i, 0)), "row in both parts");
                // Row contents stay together.
                assertEquals(10 * part.feature(i, 0), part.feature(i, 1));
                assertEquals((int) part.feature(i, 0) % 3, part.label(i));
            }
        }
        assertEquals(101, all.size());
        Dataset.Split again = d.split(0.2, 7);
        assertArrayEquals(s.second().featureMatrix(), again.second().featureMatrix());
        Dataset.Split other = d.split(0.2, 8);
        assertFalse(Arrays.equals(s.second().featureMatrix(), other.second().featureMatrix()));
        // Within a part, original order is kept.
        for (int i = 1; i < s.first().size(); i++) {
            assertTrue(s.first().feature(i - 1, 0) < s.first().feature(i, 0));
        }
        assertEquals(0, d.split(0, 1).second().size());
        assertEquals(101, d.split(1, 1).second().size());
        assertThrows(IllegalArgumentException.class, () -> d.split(1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> d.split(Double.NaN, 1));
    }

    @Test
    void splitPartsAreViewsThatShareTheValuesAndBehaveLikeCopies() {
        Dataset d = classes(101, 3);
        Dataset.Split tv = d.split(0.2, 7, true);
        // Nested, as train does: a test split, then a validation split of the rest.
        Dataset.Split inner = tv.first().split(0.1, 8, true);
        for (Dataset part : List.of(tv.first(), tv.second(), inner.first(), inner.second())) {
            assertSame(d.storage(), part.storage(), "a part of a split shares the feature array");
            assertTrue(part.isView());
            // Every accessor agrees with a compact copy made from the row contents.
            int n = part.size();
            float[] x = new float[2 * n];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                int row = (int) part.feature(i, 0);
                x[2 * i] = row;
                x[2 * i + 1] = 10 * row;
                labels[i] = row % 3;
            }
            Dataset copy = Dataset.ofClasses("toy", x, 2, labels, 3, null);
            assertArrayEquals(copy.featureMatrix(), part.featureMatrix());
            assertArrayEquals(copy.targetMatrix(), part.targetMatrix());
            assertArrayEquals(copy.labels(), part.labels());
            assertArrayEquals(copy.classCounts(), part.classCounts());
            float[] row = new float[2];
            float[] target = new float[3];
            for (int i = 0; i < n; i++) {
                part.copyFeatures(i, row, 0);
                assertArrayEquals(new float[] {x[2 * i], x[2 * i + 1]}, row);
                part.copyTargets(i, target, 0);
                assertEquals(1f, target[labels[i]]);
                assertEquals(labels[i], part.label(i));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> part.feature(n, 0));
            assertSame(d.storage(), part.withName("renamed").storage());
        }
        // The inner parts are rows of tv.first(), not of d: the index maps compose.
        Set<Float> rows = new HashSet<>();
        for (Dataset part : List.of(inner.first(), inner.second(), tv.second())) {
            for (int i = 0; i < part.size(); i++) {
                assertTrue(rows.add(part.feature(i, 0)));
            }
        }
        assertEquals(101, rows.size());
        // A subset of a view indexes the view's rows.
        Dataset sub = tv.second().subset(new int[] {2, 0, 2});
        assertEquals(tv.second().feature(2, 0), sub.feature(0, 0));
        assertEquals(tv.second().feature(0, 1), sub.feature(1, 1));
        assertEquals(tv.second().label(2), sub.label(2));
        assertSame(d.storage(), sub.storage());
    }

    @Test
    void preprocessingAViewGivesTheSameValuesAsPreprocessingACopy() {
        Dataset d = classes(60, 3);
        Dataset part = d.split(0.25, 5, true).first();
        Dataset copy = Dataset.ofClasses("toy", part.featureMatrix(), 2, part.labels(), 3, null);
        for (boolean minMax : new boolean[] {false, true}) {
            Standardizer fromView = minMax ? Standardizer.fitMinMax(part) : Standardizer.fit(part);
            Standardizer fromCopy = minMax ? Standardizer.fitMinMax(copy) : Standardizer.fit(copy);
            assertArrayEquals(fromCopy.mean(), fromView.mean());
            assertArrayEquals(fromCopy.std(), fromView.std());
            Dataset applied = fromView.apply(part);
            assertFalse(applied.isView(), "the transformed part owns its values");
            assertArrayEquals(fromCopy.apply(copy).featureMatrix(), applied.featureMatrix());
            assertArrayEquals(copy.targetMatrix(), applied.targetMatrix());
            assertArrayEquals(copy.labels(), applied.labels());
        }
    }

    @Test
    void stratifiedSplitKeepsClassProportions() {
        // 60 rows of class 0, 30 of class 1, 10 of class 2.
        int n = 100;
        float[] x = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            labels[i] = i < 60 ? 0 : i < 90 ? 1 : 2;
        }
        Dataset d = Dataset.ofClasses("strat", x, 1, labels, 3, null);
        Dataset.Split s = d.split(0.3, 3, true);
        assertArrayEquals(new int[] {18, 9, 3}, s.second().classCounts());
        assertArrayEquals(new int[] {42, 21, 7}, s.first().classCounts());
        Dataset r = Dataset.ofTargets("r", new float[] {1}, 1, new float[] {1}, 1);
        assertThrows(IllegalArgumentException.class, () -> r.split(0.5, 1, true));
    }

    @Test
    void withClassNamesAndName() {
        Dataset d = classes(4, 2).withClassNames(List.of("no", "yes")).withName("renamed");
        assertEquals(List.of("no", "yes"), d.classNames());
        assertEquals("renamed", d.name());
        assertNotEquals(d.toString().indexOf("2 classes"), -1, d.toString());
    }
}
