package dev.lanes.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private Path writeGzip(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    private static float[] features(Dataset d) {
        return d.featureMatrix();
    }

    private MalformedDataException bad(CsvReader reader, String content) throws IOException {
        Path p = write("data.csv", content);
        return assertThrows(MalformedDataException.class, () -> reader.read(p));
    }

    @Test
    void numericClassificationWithoutHeader() throws IOException {
        Dataset d = CsvReader.classification().read(write("toy.csv", "1,2,0\n3,4,1\n5,6,0\n"));
        assertEquals("toy", d.name());
        assertEquals(3, d.size());
        assertEquals(2, d.features());
        assertEquals(2, d.classes());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, features(d));
        assertEquals(List.of("0", "1"), d.classNames());
        assertEquals(1, d.label(1));
        assertEquals(1f, d.target(1, 1));
    }

    @Test
    void headerAutoDetectedAndForced() throws IOException {
        Dataset d = CsvReader.classification().read(write("h.csv", "width,height,kind\n1,2,a\n3,4,b\n"));
        assertEquals(2, d.size());
        assertEquals(List.of("a", "b"), d.classNames());
        // String labels alone do not make the first row a header.
        d = CsvReader.classification().read(write("nh.csv", "1,2,a\n3,4,b\n"));
        assertEquals(2, d.size());
        // A numeric header can only be declared.
        d = CsvReader.classification().withHeader(CsvReader.Header.PRESENT).read(write("p.csv", "7,8,9\n1,2,0\n"));
        assertEquals(1, d.size());
        assertEquals(1f, d.feature(0, 0));
        MalformedDataException e = bad(CsvReader.classification().withHeader(CsvReader.Header.ABSENT),
                "x,y,label\n1,2,0\n");
        assertEquals("data.csv:1:1: not a number: 'x'", e.getMessage());
    }

    @Test
    void classOrderSortedNumericallyOrFirstSeen() throws IOException {
        Path p = write("o.csv", "0,10\n1,9\n2,2\n3,10\n4,9\n");
        Dataset sorted = CsvReader.classification().read(p);
        assertEquals(List.of("2", "9", "10"), sorted.classNames());
        assertArrayEquals(new int[] {2, 1, 0, 2, 1}, sorted.labels());
        Dataset first = CsvReader.classification().withClassOrder(CsvReader.ClassOrder.FIRST_SEEN).read(p);
        assertEquals(List.of("10", "9", "2"), first.classNames());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, first.labels());

        Path s = write("s.csv", "0,pear\n1,apple\n2,fig\n3,apple\n");
        assertEquals(List.of("apple", "fig", "pear"), CsvReader.classification().read(s).classNames());
    }

    @Test
    void fixedClassNamesAndUnknownLabel() throws IOException {
        CsvReader r = CsvReader.classification().withClassNames(List.of("no", "yes", "maybe"));
        Dataset d = r.read(write("f.csv", "1,yes\n2,no\n"));
        assertEquals(3, d.classes());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        MalformedDataException e = bad(r, "1,yes\n2,no\n3,perhaps\n");
        assertTrue(e.getMessage().startsWith("data.csv:3:2: unknown label 'perhaps'"), e.getMessage());
        assertEquals(3, e.line());
        assertEquals(2, e.column());
        assertEquals("data.csv", e.source());
    }

    @Test
    void labelColumnFirstOrCountedFromTheEnd() throws IOException {
        Path p = write("c.csv", "a,1,2,3\nb,4,5,6\n");
        Dataset d = CsvReader.classification().withLabelColumn(0).read(p);
        assertEquals(3, d.features());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, features(d));
        assertEquals(List.of("a", "b"), d.classNames());
        Path q = write("q.csv", "1,x,2\n3,y,4\n");
        d = CsvReader.classification().withLabelColumn(-2).read(q);
        assertArrayEquals(new float[] {1, 2, 3, 4}, features(d));
        assertEquals(List.of("x", "y"), d.classNames());
        MalformedDataException e = bad(CsvReader.classification().withLabelColumn(5), "1,2\n");
        assertTrue(e.getMessage().contains("label column 5 does not exist"), e.getMessage());
        e = bad(CsvReader.classification().withLabelColumn(-3), "1,2\n");
        assertTrue(e.getMessage().contains("label column -3"), e.getMessage());
        e = bad(CsvReader.classification(), "1\n2\n");
        assertTrue(e.getMessage().contains("no feature columns"), e.getMessage());
    }

    @Test
    void regressionOneOrSeveralTargets() throws IOException {
        Path p = write("r.csv", "x1,x2,y1,y2\n1,2,3,4\n5,6,7,8.5\n");
        Dataset one = CsvReader.regression().read(p);
        assertFalse(one.isClassification());
        assertEquals(3, one.features());
        assertEquals(1, one.outputs());
        assertEquals(8.5f, one.target(1, 0));
        Dataset two = CsvReader.regression().withTargetColumns(-2, 2).read(p);
        assertEquals(2, two.features());
        assertArrayEquals(new float[] {3, 4, 7, 8.5f}, two.targetMatrix());
        Dataset mid = CsvReader.regression().withTargetColumns(1, 2).read(p);
        assertArrayEquals(new float[] {1, 4, 5, 8.5f}, features(mid));
        assertArrayEquals(new float[] {2, 3, 6, 7}, mid.targetMatrix());
        MalformedDataException e = bad(CsvReader.regression(), "1,2\n3,high\n");
        assertEquals("data.csv:2:2: not a number: 'high'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvReader.regression().withTargetColumns(-1, 2));
        assertThrows(IllegalStateException.class, () -> CsvReader.classification().withTargetColumns(0, 2));
    }

    @Test
    void quotesWhitespaceDelimiterBlankLinesBomAndCrlf() throws IOException {
        Dataset d = CsvReader.classification().read(write("q.csv",
                "\uFEFF\"len\", \"wid\" ,\"kind\"\r\n 1.5 , 2 ,\"a, \"\"quoted\"\" b\"\r\n\r\n3,4e-1,  plain \r\n"));
        assertEquals(2, d.size());
        assertArrayEquals(new float[] {1.5f, 2f, 3f, 0.4f}, features(d));
        assertEquals(List.of("a, \"quoted\" b", "plain"), d.classNames());
        Dataset semi = CsvReader.regression().withDelimiter(';').read(write("s.csv", "1.5;2\n3;4\n"));
        assertArrayEquals(new float[] {1.5f, 3}, features(semi));
        // With ';' a decimal comma is not a number: an auto-detected header here, an error when absent.
        assertEquals(1, CsvReader.regression().withDelimiter(';').read(write("c.csv", "1,5;2\n3;4\n")).size());
        MalformedDataException e = bad(CsvReader.regression().withDelimiter(';').withHeader(CsvReader.Header.ABSENT),
                "1,5;2\n");
        assertEquals("data.csv:1:1: not a number: '1,5'", e.getMessage());
        Dataset tabs = CsvReader.regression().withDelimiter('\t').read(write("t.tsv", "1\t2\n3\t 4\n"));
        assertArrayEquals(new float[] {2, 4}, tabs.targetMatrix());
        e = bad(CsvReader.classification(), "1,\"abc\n");
        assertEquals("data.csv:1:2: unterminated quoted field", e.getMessage());
        e = bad(CsvReader.classification(), "1,\"abc\"x\n");
        assertTrue(e.getMessage().startsWith("data.csv:1:2: unexpected 'x'"), e.getMessage());
    }

    @Test
    void skipLinesReadsTheScikitLearnLayout() throws IOException {
        Path p = write("sk.csv", "3,2,left,right\n0.5,1,0\n2,3,1\n4,5,1\n");
        Dataset d = CsvReader.classification().withSkipLines(1).read(p);
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {1, 2}, d.classCounts());
        MalformedDataException e = bad(CsvReader.classification().withSkipLines(3), "1,0\n");
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());
    }

    @Test
    void gzipByNameAndByContent() throws IOException {
        String content = "1,2,0\n3,4,1\n";
        Dataset byName = CsvReader.classification().read(writeGzip("z.csv.gz", content));
        assertEquals("z", byName.name());
        assertArrayEquals(new float[] {1, 2, 3, 4}, features(byName));
        Dataset byMagic = CsvReader.classification().read(writeGzip("secretly-compressed.csv", content));
        assertArrayEquals(new float[] {1, 2, 3, 4}, features(byMagic));
        // Stream variant: not closed by the reader.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream in = new java.io.ByteArrayInputStream(bytes.toByteArray())) {
            assertEquals(2, CsvReader.classification().read(in, "mem.csv.gz").size());
        }

        Path notGzip = write("plain.csv.gz", content);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> CsvReader.classification().read(notGzip));
        assertTrue(e.getMessage().startsWith("plain.csv.gz: "), e.getMessage());
        assertTrue(e.getMessage().contains("not gzip"), e.getMessage());

        // A gzip file cut in the middle.
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            big.append(i).append(',').append(i * 7 % 13).append(',').append(i % 3).append('\n');
        }
        Path whole = writeGzip("whole.csv.gz", big.toString());
        byte[] all = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.csv.gz");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        e = assertThrows(MalformedDataException.class, () -> CsvReader.classification().read(cut));
        assertTrue(e.getMessage().startsWith("cut.csv.gz: corrupt or truncated gzip data"), e.getMessage());
    }

    @Test
    void integerAndGeneralNumberPathsAgree() throws IOException {
        Dataset d = CsvReader.regression().withHeader(CsvReader.Header.ABSENT).read(write("n.csv",
                "-12,0007,9999999,16777217,+5,\"42\",1.25e2,-0.5,0\n"));
        assertArrayEquals(new float[] {-12, 7, 9999999, 16777216, 5, 42, 125, -0.5f}, features(d));
        assertEquals(0f, d.target(0, 0));
    }

    @Test
    void badNumbersNameLineAndColumn() throws IOException {
        CsvReader r = CsvReader.classification();
        assertEquals("data.csv:3:2: not a number: 'abc'", bad(r, "1,2,0\n3,4,1\n5,abc,0\n").getMessage());
        assertEquals("data.csv:2:1: not a number: '0x10'", bad(r, "1,2,0\n0x10,4,1\n").getMessage());
        assertEquals("data.csv:2:1: not a number: '1f'", bad(r, "1,2,0\n1f,4,1\n").getMessage());
        assertEquals("data.csv:2:2: not a number: '1e'", bad(r, "1,2,0\n1,1e,1\n").getMessage());
        assertEquals("data.csv:2:2: empty field, expected a number", bad(r, "1,2,0\n3,,1\n").getMessage());
        assertTrue(bad(r, "1,2,0\n3,4e39,1\n").getMessage().startsWith("data.csv:2:2: number out of float range"));
        // Blank lines still count in line numbers.
        assertEquals("data.csv:4:1: not a number: '-'", bad(r, "1,2,0\n\n\n-,4,1\n").getMessage());
    }

    @Test
    void nonFiniteValuesAreRejected() throws IOException {
        for (String v : List.of("NaN", "nan", "-inf", "Infinity", "+INF")) {
            MalformedDataException e = bad(CsvReader.regression(), "1,2\n" + v + ",3\n");
            assertTrue(e.getMessage().startsWith("data.csv:2:1: not a finite number: '" + v + "'"), e.getMessage());
        }
        MalformedDataException e = bad(CsvReader.regression(), "1,2\n3,NaN\n");
        assertTrue(e.getMessage().startsWith("data.csv:2:2: not a finite number"), e.getMessage());
    }

    @Test
    void wrongColumnCount() throws IOException {
        MalformedDataException e = bad(CsvReader.classification(), "1,2,0\n3,4\n");
        assertEquals("data.csv:2: expected 3 fields (as on line 1), found 2", e.getMessage());
        assertEquals(0, e.column());
        e = bad(CsvReader.classification(), "a,b,c\n1,2,3\n\n4,5,6,7\n");
        assertEquals("data.csv:4: expected 3 fields (as on line 1), found 4", e.getMessage());
    }

    @Test
    void emptyFilesAndMissingLabels() throws IOException {
        assertEquals("data.csv: empty file", bad(CsvReader.classification(), "").getMessage());
        assertEquals("data.csv: empty file", bad(CsvReader.classification(), "\n  \n\n").getMessage());
        assertEquals("data.csv: no data rows after the header on line 1",
                bad(CsvReader.classification(), "a,b,label\n\n").getMessage());
        assertEquals("data.csv:2:3: empty label", bad(CsvReader.classification(), "1,2,a\n3,4,\n").getMessage());
    }

    @Test
    void missingFileNamesThePath() {
        Path missing = dir.resolve("nope.csv");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> CsvReader.classification().read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void optionValidation() {
        assertThrows(IllegalArgumentException.class, () -> CsvReader.classification().withDelimiter('"'));
        assertThrows(IllegalArgumentException.class, () -> CsvReader.classification().withSkipLines(-1));
        assertThrows(IllegalArgumentException.class, () -> CsvReader.classification().withClassNames(List.of("a", "a")));
        assertThrows(IllegalStateException.class, () -> CsvReader.regression().withClassNames(List.of("a")));
    }
}
