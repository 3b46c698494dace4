package dev.lanes.data;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Reads the small scikit-learn CSVs shipped as test data. Their first line is
 * {@code rows,features,className0,className1,...}; the rows follow, the class index last.
 */
class ScikitLearnCsvTest {

    static Dataset load(String file) throws IOException {
        String resource = "/dev/lanes/data/" + file;
        String first;
        try (InputStream in = ScikitLearnCsvTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            first = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        }
        String[] head = first.split(",");
        int rows = Integer.parseInt(head[0]);
        int features = Integer.parseInt(head[1]);
        List<String> names = Arrays.asList(head).subList(2, head.length);
        Dataset d;
        try (InputStream in = ScikitLearnCsvTest.class.getResourceAsStream(resource)) {
            d = CsvReader.classification().withSkipLines(1).withHeader(CsvReader.Header.ABSENT).read(in, file);
        }
        assertEquals(rows, d.size(), file + " rows as declared");
        assertEquals(features, d.features(), file + " features as declared");
        assertEquals(names.size(), d.classes(), file + " classes as declared");
        return d.withClassNames(names);
    }

    @Test
    void iris() throws IOException {
        Dataset d = load("iris.csv");
        assertEquals("iris", d.name());
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.classNames());
        assertArrayEquals(new int[] {50, 50, 50}, d.classCounts());
        float[] row = new float[4];
        d.copyFeatures(0, row, 0);
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, row);
    }

    @Test
    void wine() throws IOException {
        Dataset d = load("wine_data.csv");
        assertArrayEquals(new int[] {59, 71, 48}, d.classCounts());
        assertEquals(1065f, d.feature(0, 12));
    }

    @Test
    void breastCancer() throws IOException {
        Dataset d = load("breast_cancer.csv");
        assertEquals(List.of("malignant", "benign"), d.classNames());
        assertArrayEquals(new int[] {212, 357}, d.classCounts());
        Dataset.Split s = d.split(0.25, 1, true);
        Dataset train = Standardizer.fit(s.first()).apply(s.first());
        double sum = 0;
        for (int i = 0; i < train.size(); i++) {
            sum += train.feature(i, 3);   // area: values in the thousands before standardising
        }
        assertEquals(0, sum / train.size(), 1e-5);
    }
}
