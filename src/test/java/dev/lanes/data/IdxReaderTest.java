package dev.lanes.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** An IDX file: magic, big-endian dimensions, then the given data bytes. */
    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);  // big-endian by default
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    /** 3 images of 2×3 pixels; pixel k of image i is (40 i + k) except image 2 pixel 5 = 255. */
    private static byte[] images() {
        byte[] px = new byte[3 * 6];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 6; k++) {
                px[6 * i + k] = (byte) (40 * i + k);
            }
        }
        px[17] = (byte) 255;
        return idx(0x00000803, new int[] {3, 2, 3}, px);
    }

    private static byte[] labels(int... values) {
        byte[] l = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            l[i] = (byte) values[i];
        }
        return idx(0x00000801, new int[] {values.length}, l);
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private MalformedDataException bad(byte[] imageFile, byte[] labelFile) throws IOException {
        Path im = file("images-idx3-ubyte", imageFile);
        Path lb = file("labels-idx1-ubyte", labelFile);
        return assertThrows(MalformedDataException.class, () -> IdxReader.read(im, lb));
    }

    private static void checkTiny(Dataset d, int classes) {
        assertEquals(3, d.size());
        assertEquals(6, d.features());
        assertEquals(classes, d.classes());
        assertArrayEquals(new int[] {2, 0, 7}, d.labels());
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 6; k++) {
                int raw = i == 2 && k == 5 ? 255 : 40 * i + k;
                assertEquals(raw / 255f, d.feature(i, k), "image " + i + " pixel " + k);
            }
        }
        assertEquals(1f, d.feature(2, 5));
        assertEquals(0f, d.feature(0, 0));
    }

    @Test
    void readsImagesAndLabels() throws IOException {
        Dataset d = IdxReader.read(file("train-images-idx3-ubyte", images()), file("train-labels-idx1-ubyte", labels(2, 0, 7)));
        assertEquals("train-images-idx3-ubyte", d.name());
        checkTiny(d, 8);
        checkTiny(IdxReader.read(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), 10), 10);
    }

    @Test
    void readsGzipFilesAndStreams() throws IOException {
        Dataset d = IdxReader.read(file("i.gz", gzip(images())), file("l.gz", gzip(labels(2, 0, 7))), 10);
        assertEquals("i", d.name());
        checkTiny(d, 10);
        // Mixed: compressed images, plain labels, no .gz in the name.
        checkTiny(IdxReader.read(file("i2", gzip(images())), file("l2", labels(2, 0, 7)), 10), 10);
        checkTiny(IdxReader.read(new ByteArrayInputStream(images()), "mem-images",
                new ByteArrayInputStream(gzip(labels(2, 0, 7))), "mem-labels", 10), 10);
    }

    @Test
    void truncatedData() throws IOException {
        byte[] im = images();
        MalformedDataException e = bad(Arrays.copyOf(im, im.length - 1), labels(2, 0, 7));
        assertEquals("images-idx3-ubyte: truncated: the header declares 3 × 2 × 3 = 18 data bytes but only 17 "
                + "follow the 16-byte header", e.getMessage());
        e = bad(images(), Arrays.copyOf(labels(2, 0, 7), 10));
        assertTrue(e.getMessage().startsWith("labels-idx1-ubyte: truncated: the header declares 3 = 3 data bytes but only 2"),
                e.getMessage());
        e = bad(Arrays.copyOf(im, 10), labels(2, 0, 7));
        assertEquals("images-idx3-ubyte: truncated header: 10 bytes, expected 16", e.getMessage());
        e = bad(Arrays.copyOf(im, 3), labels(2, 0, 7));
        assertTrue(e.getMessage().contains("shorter than the 4-byte IDX magic number"), e.getMessage());
        e = bad(new byte[0], labels(2, 0, 7));
        assertEquals("images-idx3-ubyte: empty file", e.getMessage());
    }

    @Test
    void truncatedGzipData() throws IOException {
        // Decompressed data is one byte short: the length check happens after decompression.
        byte[] im = images();
        Path i = file("short.gz", gzip(Arrays.copyOf(im, im.length - 1)));
        Path l = file("l.gz", gzip(labels(2, 0, 7)));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(i, l));
        assertTrue(e.getMessage().startsWith("short.gz: truncated: "), e.getMessage());
        // The compressed stream itself cut short.
        byte[] z = gzip(im);
        Path cut = file("cut.gz", Arrays.copyOf(z, z.length - 6));
        e = assertThrows(MalformedDataException.class, () -> IdxReader.read(cut, l));
        assertTrue(e.getMessage().startsWith("cut.gz: corrupt or truncated gzip data"), e.getMessage());
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] im = images();
        MalformedDataException e = bad(Arrays.copyOf(im, im.length + 5), labels(2, 0, 7));
        assertTrue(e.getMessage().startsWith("images-idx3-ubyte: 5 unexpected bytes after the 18 data bytes"),
                e.getMessage());
    }

    @Test
    void wrongMagicNumbers() throws IOException {
        // Swapped files.
        MalformedDataException e = bad(labels(2, 0, 7), images());
        assertTrue(e.getMessage().startsWith("images-idx3-ubyte: magic number 0x00000801 declares 1 dimensions"),
                e.getMessage());
        assertTrue(e.getMessage().contains("swapped"), e.getMessage());
        // Not IDX at all.
        e = bad("P5 28 28 255 ...".getBytes(java.nio.charset.StandardCharsets.US_ASCII), labels(2, 0, 7));
        assertTrue(e.getMessage().startsWith("images-idx3-ubyte: not an IDX file: magic number 0x50352032"),
                e.getMessage());
        // Floats instead of unsigned bytes.
        e = bad(idx(0x00000D03, new int[] {1, 1, 1}, new byte[4]), labels(2));
        assertTrue(e.getMessage().contains("unsupported IDX element type 0x0D"), e.getMessage());
        // Right type, wrong rank for a labels file.
        e = bad(images(), idx(0x00000802, new int[] {3, 1}, new byte[3]));
        assertTrue(e.getMessage().startsWith("labels-idx1-ubyte: magic number 0x00000802 declares 2 dimensions"),
                e.getMessage());
    }

    @Test
    void badDimensionsAndMismatchedCounts() throws IOException {
        MalformedDataException e = bad(idx(0x00000803, new int[] {3, 0, 3}, new byte[0]), labels(2, 0, 7));
        assertEquals("images-idx3-ubyte: dimension 1 (at byte 8) is 0; it must be positive", e.getMessage());
        e = bad(idx(0x00000803, new int[] {-1, 2, 3}, new byte[0]), labels(2, 0, 7));
        assertTrue(e.getMessage().contains("dimension 0 (at byte 4) is -1"), e.getMessage());
        e = bad(idx(0x00000803, new int[] {1 << 20, 1 << 10, 1 << 10}, new byte[10]), labels(2, 0, 7));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        // A header promising far more than is there is caught without allocating it: as more
        // than the heap can hold (5 bytes per element) or, in a larger heap, as truncated data.
        e = bad(idx(0x00000803, new int[] {1000, 1000, 1000}, new byte[10]), labels(2, 0, 7));
        assertTrue(e.getMessage().contains("but only 10 follow")
                || e.getMessage().contains("which need 5000000000 bytes of memory"), e.getMessage());
        e = bad(images(), labels(2, 0));
        assertEquals("labels-idx1-ubyte: has 2 labels but images-idx3-ubyte has 3 images", e.getMessage());
    }

    @Test
    void labelOutOfRangeForFixedClassCount() throws IOException {
        Path im = file("im", images());
        Path lb = file("lb", labels(2, 12, 7));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(im, lb, 10));
        assertEquals("lb: label 1 (at byte 9) is 12, outside [0, 10)", e.getMessage());
        assertEquals(13, IdxReader.read(im, lb).classes());
        assertThrows(IllegalArgumentException.class, () -> IdxReader.read(im, lb, -1));
    }

    @Test
    void missingFileNamesThePath() throws IOException {
        Path lb = file("lb", labels(2, 0, 7));
        Path missing = dir.resolve("no-images");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IdxReader.read(missing, lb));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
