package dev.lanes.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {

    @Test
    void digitsShapeLabelsAndValues() {
        Dataset d = Datasets.digits();
        assertEquals("digits", d.name());
        assertEquals(1797, d.size());
        assertEquals(64, d.features());
        assertEquals(10, d.classes());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), d.classNames());
        // Class counts of the UCI optdigits test set, as listed on its UCI page.
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, d.classCounts());
        float max = 0;
        for (float v : d.featureMatrix()) {
            assertTrue(v >= 0 && v <= 16 && v == Math.rint(v), "pixel " + v);
            max = Math.max(max, v);
        }
        assertEquals(16f, max);
        // First row of the file: a zero.
        float[] row0 = new float[64];
        d.copyFeatures(0, row0, 0);
        assertArrayEquals(new float[] {0, 0, 5, 13, 9, 1, 0, 0}, java.util.Arrays.copyOf(row0, 8));
        assertEquals(0, d.label(0));
        assertEquals(1, d.label(1));
        assertSame(d, Datasets.digits());
    }

    @Test
    void digitsSplitAndStandardize() {
        Dataset.Split s = Datasets.digits().split(0.2, 42, true);
        assertEquals(359, s.second().size());
        assertEquals(1797 - 359, s.first().size());
        Standardizer st = Standardizer.fit(s.first());
        Dataset train = st.apply(s.first());
        float[] std = st.std();
        int constant = 0;
        int floored = 0;
        double largest = 0;
        for (float v : std) {
            largest = Math.max(largest, v);
        }
        double floor = Standardizer.RELATIVE_FLOOR * largest;
        for (int j = 0; j < 64; j++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < train.size(); i++) {
                sum += train.feature(i, j);
                sq += (double) train.feature(i, j) * train.feature(i, j);
            }
            double mean = sum / train.size();
            double var = sq / train.size() - mean * mean;
            assertEquals(0, mean, 1e-5, "mean of feature " + j);
            if (var == 0) {
                // A pixel constant in training (e.g. a corner that is always 0): centred only.
                assertEquals(1f, std[j], "std of constant feature " + j);
                constant++;
            } else if (std[j] > floor * (1 + 1e-6)) {
                assertEquals(1, Math.sqrt(var), 1e-4, "std of feature " + j);
            } else {
                // A nearly constant pixel: divided by the floor, so its spread stays below 1.
                assertTrue(Math.sqrt(var) < 1, "std of floored feature " + j + ": " + Math.sqrt(var));
                floored++;
            }
        }
        assertTrue(constant >= 1 && constant < 6, "constant pixels: " + constant);
        // The digits have a few nearly constant edge pixels; the floor must catch some, not most.
        assertTrue(floored >= 1 && floored < 10, "floored pixels: " + floored);
    }

    @Test
    void noticeShipsNextToTheData() throws IOException {
        try (InputStream in = Datasets.class.getResourceAsStream("/dev/lanes/data/digits-NOTICE.txt")) {
            assertNotNull(in);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("Alpaydin") && text.contains("BSD-3-Clause"));
        }
    }
}
