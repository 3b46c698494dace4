package dev.lanes.fuzz;

import dev.lanes.data.CsvReader;
import dev.lanes.data.Dataset;
import dev.lanes.data.IdxReader;
import dev.lanes.data.MalformedDataException;
import dev.lanes.io.ModelFile;
import dev.lanes.io.ModelFileException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The inputs that once made the readers allocate far more than the file's size, run in a 256 MiB
 * heap (surefire execution bounded-heap): each is read or refused with a short message.
 */
class ReaderLimitsTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void smallHeap() {
        assumeTrue(Runtime.getRuntime().maxMemory() <= 512L << 20, "runs with -Xmx256m only");
    }

    @Test
    void modelWithAHugeLayerCountAndAValidChecksumIsRefused() throws IOException {
        byte[] b = Seeds.modelBytes(dir);
        // Payload offset 4 is the layer count.
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 4, Integer.MAX_VALUE);
        Path f = dir.resolve("huge.lanes");
        Files.write(f, Mutator.reframe(b));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(f));
        assertTrue(e.getMessage().contains("2147483647 layers, more than the 65536 allowed"), e::getMessage);
    }

    @Test
    void checkpointWithAHugeTensorCountIsRefusedBeforeAllocating() throws IOException {
        byte[] b = Seeds.checkpointBytes(dir);
        // The optimizer tensor count is the last count before the first tensor name "optimizer.buffer.0000".
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int name = s.indexOf("optimizer.buffer.0000");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(name - 8, 0x7ffffff0);
        Path f = dir.resolve("huge.ckpt");
        Files.write(f, Mutator.reframe(b));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.readCheckpoint(f));
        assertTrue(e.getMessage().contains("optimizer tensor count"), e::getMessage);
    }

    @Test
    void wideCsvIsReadWithMemoryProportionalToItsSize() throws IOException {
        // 300,000 columns in 600 KB: a reader reserving 256 rows of this width would need ~300 MB.
        StringBuilder sb = new StringBuilder(600_010);
        for (int c = 0; c < 299_999; c++) {
            sb.append("1,");
        }
        sb.append("a\n");
        Dataset d = CsvReader.classification().read(new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.US_ASCII)),
                "wide.csv");
        assertEquals(299_999, d.features());
        assertEquals(1, d.size());
    }

    @Test
    void eighteenMegabyteRowIsRefusedAtTheColumnLimit() {
        byte[] row = "0,".repeat(9_000_000).getBytes(StandardCharsets.US_ASCII);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> CsvReader.classification().read(new ByteArrayInputStream(row), "row.csv"));
        assertTrue(e.getMessage().contains("more than " + CsvReader.MAX_COLUMNS + " fields"), e::getMessage);
    }

    @Test
    void fiveMegabyteBadNumberGivesAShortMessage() {
        String bad = "1" + "x".repeat(5_000_000);
        byte[] csv = ("a,b,y\n1,2,3\n4," + bad + ",5\n").getBytes(StandardCharsets.US_ASCII);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> CsvReader.regression().read(new ByteArrayInputStream(csv), "big.csv"));
        assertTrue(e.getMessage().length() < 200, () -> e.getMessage().length() + " characters");
        assertTrue(e.getMessage().startsWith("big.csv:3:2: not a number: '1xxxx"), e::getMessage);
    }

    @Test
    void idxHeaderDeclaringMoreThanTheHeapIsRefusedWithTheSize() {
        ByteBuffer images = ByteBuffer.allocate(16).putInt(0x803).putInt(1_000_000).putInt(28).putInt(28);
        byte[] labels = Seeds.idxLabels(1);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(
                new ByteArrayInputStream(images.array()), "big-images", new ByteArrayInputStream(labels), "l", 0));
        assertTrue(e.getMessage().contains("which need 3920000000 bytes of memory"), e::getMessage);
    }
}
