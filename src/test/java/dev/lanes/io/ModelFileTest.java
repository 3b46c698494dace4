package dev.lanes.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFileTest {

    @TempDir
    Path dir;

    static StoredModel model() {
        StoredLayer l1 = new StoredLayer(3, "tanh", new float[] {1, 2, 3, 4, 5, 6, -1.5f, 0.25f, 1e-30f, 7, 8, 9}, new float[] {0.1f, 0.2f, 0.3f});
        StoredLayer l2 = new StoredLayer(2, "softmax", new float[] {1, -1, 2, -2, 3, -3}, new float[] {0, 1});
        return new StoredModel(4, List.of(l1, l2), "cross-entropy", List.of("cat", "chien"),
                new float[] {0, 1, 2, 3}, new float[] {1, 2, 3, 4}, Map.of("data", "toy", "ünï", "cödé"));
    }

    @Test
    void modelRoundTripsExactly() throws IOException {
        Path f = dir.resolve("m.lanes");
        StoredModel m = model();
        ModelFile.write(f, m);
        StoredModel r = ModelFile.readModel(f);
        assertEquals(m.inputs(), r.inputs());
        assertEquals(m.loss(), r.loss());
        assertEquals(m.classNames(), r.classNames());
        assertEquals(m.metadata(), r.metadata());
        assertArrayEquals(m.mean(), r.mean());
        assertArrayEquals(m.std(), r.std());
        for (int l = 0; l < 2; l++) {
            assertEquals(m.layers().get(l).activation(), r.layers().get(l).activation());
            assertArrayEquals(m.layers().get(l).weights(), r.layers().get(l).weights());
            assertArrayEquals(m.layers().get(l).biases(), r.layers().get(l).biases());
        }
    }

    /** The documented layout, read by hand as another language would. */
    @Test
    void bytesFollowTheDocumentedLayout() throws IOException {
        Path f = dir.resolve("m.lanes");
        ModelFile.write(f, model());
        byte[] b = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("LANESMDL", new String(b, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(2, bb.getInt(8));
        assertEquals(0, bb.getInt(12));
        long n = bb.getLong(16);
        assertEquals(b.length, 28 + n);
        CRC32 crc = new CRC32();
        crc.update(b, 0, 24 + (int) n);
        assertEquals((int) crc.getValue(), bb.getInt(24 + (int) n));
        bb.position(24);
        assertEquals(4, bb.getInt());           // n0
        assertEquals(2, bb.getInt());           // L
        assertEquals("dense", str(bb));         // layer 1: kind, width, configuration, parameters
        assertEquals(3, bb.getInt());
        assertEquals(2, bb.getInt());
        assertEquals("activation", str(bb));
        assertEquals("tanh", str(bb));
        assertEquals("units", str(bb));
        assertEquals("3", str(bb));
        assertEquals(15, bb.getInt());
        float[] w1 = new float[12];
        for (int i = 0; i < 12; i++) {
            w1[i] = bb.getFloat();
        }
        assertArrayEquals(model().layers().get(0).weights(), w1);
        assertEquals(0.1f, bb.getFloat());
        assertEquals(0.2f, bb.getFloat());
        assertEquals(0.3f, bb.getFloat());
        assertEquals("dense", str(bb));         // layer 2
        assertEquals(2, bb.getInt());
        assertEquals(2, bb.getInt());
        assertEquals("activation", str(bb));
        assertEquals("softmax", str(bb));
        assertEquals("units", str(bb));
        assertEquals("2", str(bb));
        assertEquals(8, bb.getInt());
        bb.position(bb.position() + 4 * 8);
        assertEquals("cross-entropy", str(bb));
        assertEquals(2, bb.getInt());
        assertEquals("cat", str(bb));
        assertEquals("chien", str(bb));
        assertEquals(4, bb.getInt());           // F
        for (int i = 0; i < 4; i++) {
            assertEquals(i, bb.getFloat());
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(i + 1, bb.getFloat());
        }
        assertEquals(2, bb.getInt());           // M, keys sorted
        assertEquals("data", str(bb));
        assertEquals("toy", str(bb));
        assertEquals("ünï", str(bb));
        assertEquals("cödé", str(bb));
        assertEquals(24 + n, bb.position());
    }

    private static String str(ByteBuffer bb) {
        byte[] s = new byte[bb.getInt()];
        bb.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    @Test
    void checkpointRoundTripsAndIsReadableAsModel() throws IOException {
        Path f = dir.resolve("c.ckpt");
        Checkpoint c = new Checkpoint(model(), 7, -42L, Map.of("--lr", "0.001", "--batch", "32"),
                Map.of("optimizer.buffer.0000", new float[] {1, 2}, "optimizer.buffer.0001", new float[] {3}));
        ModelFile.write(f, c);
        Checkpoint r = ModelFile.readCheckpoint(f);
        assertEquals(7, r.epochs());
        assertEquals(-42L, r.seed());
        assertEquals(c.config(), r.config());
        assertArrayEquals(new float[] {1, 2}, r.optimizerState().get("optimizer.buffer.0000"));
        assertArrayEquals(new float[] {3}, r.optimizerState().get("optimizer.buffer.0001"));
        assertArrayEquals(model().layers().get(1).weights(), ModelFile.readModel(f).layers().get(1).weights());
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> ModelFile.readCheckpoint(write("m.lanes", model())));
        assertTrue(e.getMessage().contains("is a Lanes model file, but a checkpoint file is needed"), e.getMessage());
    }

    private Path write(String name, StoredModel m) throws IOException {
        Path f = dir.resolve(name);
        ModelFile.write(f, m);
        return f;
    }

    @Test
    void everyTruncationIsReportedAsSuch() throws IOException {
        byte[] b = Files.readAllBytes(write("m.lanes", model()));
        Path t = dir.resolve("t.lanes");
        for (int len : new int[] {1, 7, 8, 20, 24, 27, 100, b.length - 5, b.length - 1}) {
            Files.write(t, Arrays.copyOf(b, len));
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(t));
            assertTrue(e.getMessage().startsWith(t + ": is truncated"), len + ": " + e.getMessage());
        }
    }

    @Test
    void anyFlippedPayloadByteFailsTheChecksum() throws IOException {
        byte[] b = Files.readAllBytes(write("m.lanes", model()));
        Path t = dir.resolve("x.lanes");
        for (int i = 24; i < b.length; i += 7) {
            byte[] c = b.clone();
            c[i] ^= 0x10;
            Files.write(t, c);
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(t));
            assertTrue(e.getMessage().contains("is corrupted: its CRC-32"), i + ": " + e.getMessage());
        }
    }

    @Test
    void otherVersionsAreRefusedByNumber() throws IOException {
        byte[] b = Files.readAllBytes(write("m.lanes", model()));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 3);
        Path t = dir.resolve("v3.lanes");
        Files.write(t, b);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(t));
        assertEquals(t + ": has format version 3; this Lanes reads versions 1 and 2 (the file was written by a newer Lanes)",
                e.getMessage());
    }

    @Test
    void foreignEmptyAndMissingFilesAreNamed() throws IOException {
        Path png = dir.resolve("plot.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
            0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0});
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(png));
        assertTrue(e.getMessage().startsWith(png + ": is not a Lanes model file (it starts with 89 50 4e 47"),
                e.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.lanes"));
        e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(empty));
        assertEquals(empty + ": is empty, not a Lanes model file", e.getMessage());
        Path missing = dir.resolve("missing.lanes");
        e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void trailingBytesAreRefused() throws IOException {
        byte[] b = Files.readAllBytes(write("m.lanes", model()));
        Path t = dir.resolve("long.lanes");
        Files.write(t, Arrays.copyOf(b, b.length + 3));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(t));
        assertTrue(e.getMessage().contains("3 unexpected bytes after the checksum"), e.getMessage());
    }

    @Test
    void nonFiniteParametersAreNeitherWrittenNorRead() throws IOException {
        StoredModel m = model();
        m.layers().get(1).weights()[3] = Float.NaN;
        Path f = dir.resolve("nan.lanes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.write(f, m));
        assertTrue(e.getMessage().contains("layer 2 weight 3 is NaN"), e.getMessage());
        assertTrue(Files.notExists(f));
        // A file whose checksum is right but whose weights are not finite (a buggy writer elsewhere).
        byte[] b = Files.readAllBytes(write("ok.lanes", model()));
        int n = (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        // the last bias of layer 2 sits right before the loss string
        int loss = indexOf(b, "\r\0\0\0cross-entropy");
        int lastBias = loss - 4;
        bb.putFloat(lastBias, Float.POSITIVE_INFINITY);
        CRC32 crc = new CRC32();
        crc.update(b, 0, 24 + n);
        bb.putInt(24 + n, (int) crc.getValue());
        Path t = dir.resolve("inf.lanes");
        Files.write(t, b);
        ModelFileException x = assertThrows(ModelFileException.class, () -> ModelFile.readModel(t));
        assertTrue(x.getMessage().contains("element 7 of the parameters of layer 2 is Infinity"), x.getMessage());
    }

    private static int indexOf(byte[] b, String ascii) {
        byte[] p = ascii.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + p.length <= b.length; i++) {
            for (int j = 0; j < p.length; j++) {
                if (b[i + j] != p[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + ascii);
    }
}
