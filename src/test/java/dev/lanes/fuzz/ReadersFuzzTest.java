package dev.lanes.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lanes.data.CsvReader;
import dev.lanes.data.IdxReader;
import dev.lanes.data.MalformedDataException;
import dev.lanes.io.ModelFile;
import dev.lanes.io.ModelFileException;
import dev.lanes.kernel.Kernels;
import dev.lanes.onnx.Onnx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzz tests (Jazzer) of the file readers. A reader may accept an input or refuse
 * it with its documented exception and a message of bounded length; any other exception or error
 * is a finding. Without {@code JAZZER_FUZZ=1} each test replays its committed seed corpus
 * ({@code src/test/resources/dev/lanes/fuzz/ReadersFuzzTestInputs/<test>/}) as an ordinary test;
 * with it, the test fuzzes for {@code maxDuration} (ci/fuzz runs each in turn, see README).
 *
 * <p>The first byte of an input steers it: when its high bit is set, the next 8 bytes seed a
 * {@link Mutator} that damages a valid file ({@link Seeds}) and that damaged file is read instead
 * of the raw bytes. Jazzer 0.24 cannot instrument class files of Java 25 (it logs "Unsupported
 * class file major version 69"), so it fuzzes these readers without coverage feedback; the
 * structured mutations keep its inputs close to valid files all the same. Model inputs get their
 * frame (payload length and CRC-32) rewritten when the first byte is odd, so the fuzzer reaches
 * the payload parser behind the checksum as well as the frame checks.
 */
class ReadersFuzzTest {

    private static final String DURATION = "20s";

    private static Path dir;
    private static byte[] seedModel;
    private static byte[] seedCheckpoint;
    private static byte[] seedOnnx;

    @BeforeAll
    static void directory() throws IOException {
        dir = Files.createTempDirectory("lanes-fuzz");
        seedModel = Seeds.modelBytes(dir);
        seedCheckpoint = Seeds.checkpointBytes(dir);
        seedOnnx = Seeds.onnxBytes();
    }

    /** The raw input after the steering byte, or a mutation of {@code seed} when its high bit is set. */
    private static byte[] body(byte[] data, byte[] seed, boolean bigEndian, boolean text) {
        if (data.length == 0) {
            return data;
        }
        if ((data[0] & 0x80) == 0 || data.length < 9) {
            return Arrays.copyOfRange(data, 1, data.length);
        }
        Mutator m = new Mutator(ByteBuffer.wrap(data, 1, 8).getLong());
        return text ? m.text(seed) : m.binary(seed, bigEndian);
    }

    @AfterAll
    static void clean() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static void bounded(IOException e) {
        if (e.getMessage() == null || e.getMessage().length() > ReaderMutationTest.MAX_MESSAGE) {
            fail("message of " + (e.getMessage() == null ? "null" : e.getMessage().length()) + " characters", e);
        }
    }

    private static Path file(String name, byte[] data, byte[] seed) throws IOException {
        byte[] b = body(data, seed, false, false);
        if (data.length > 0 && (data[0] & 1) == 1) {
            b = Mutator.reframe(b);
        }
        return Files.write(dir.resolve(name), b);
    }

    @FuzzTest(maxDuration = DURATION)
    void modelFile(byte[] data) throws IOException {
        Path f = file("fuzz.lanes", data, seedModel);
        try {
            ModelFile.readModel(f);
        } catch (ModelFileException e) {
            bounded(e);
        }
    }

    /**
     * The ONNX import: the bounded protobuf reader, the graph and the operator checks. Everything
     * it refuses must be a {@link ModelFileException}; an ONNX file has no frame, so no reframing.
     */
    @FuzzTest(maxDuration = DURATION)
    void onnx(byte[] data) throws IOException {
        Path f = Files.write(dir.resolve("fuzz.onnx"), body(data, seedOnnx, false, false));
        try {
            Onnx.read(f, Kernels.reference());
        } catch (ModelFileException e) {
            bounded(e);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void checkpointFile(byte[] data) throws IOException {
        Path f = file("fuzz.ckpt", data, seedCheckpoint);
        try {
            ModelFile.readCheckpoint(f);
        } catch (ModelFileException e) {
            bounded(e);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void csv(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        // The first byte picks the reader's options (and maybe a mutated seed), the rest is the file.
        int mode = data[0] & 3;
        byte[] body = body(data, Seeds.utf8(Seeds.CSVS.get(mode)), false, true);
        CsvReader reader = switch (mode) {
            case 0 -> CsvReader.classification();
            case 1 -> CsvReader.regression();
            case 2 -> CsvReader.classification().withDelimiter(';').withClassOrder(CsvReader.ClassOrder.FIRST_SEEN);
            default -> CsvReader.regression().withTargetColumns(-2, 2).withHeader(CsvReader.Header.ABSENT);
        };
        try {
            reader.read(new ByteArrayInputStream(body), "fuzz.csv");
        } catch (MalformedDataException e) {
            bounded(e);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void idx(byte[] data) throws IOException {
        if (data.length >= 9 && (data[0] & 0x80) != 0) {
            Mutator m = new Mutator(ByteBuffer.wrap(data, 1, 8).getLong());
            byte[] images = (data[0] & 2) == 0 ? m.binary(Seeds.idxImages(5), true) : Seeds.idxImages(5);
            byte[] labels = (data[0] & 4) == 0 ? m.binary(Seeds.idxLabels(5), true) : Seeds.idxLabels(5);
            try {
                IdxReader.read(new ByteArrayInputStream(images), "fuzz-images", new ByteArrayInputStream(labels),
                        "fuzz-labels", (data[0] & 1) == 0 ? 0 : 10);
            } catch (MalformedDataException e) {
                bounded(e);
            }
            return;
        }
        if (data.length < 5) {
            return;
        }
        // Bytes 1-4 (big-endian) split the rest into the images file and the labels file.
        int split = Math.floorMod(ByteBuffer.wrap(data, 1, 4).getInt(), data.length - 4);
        byte[] images = Arrays.copyOfRange(data, 5, 5 + split);
        byte[] labels = Arrays.copyOfRange(data, Math.min(data.length, 5 + split), data.length);
        try {
            IdxReader.read(new ByteArrayInputStream(images), "fuzz-images", new ByteArrayInputStream(labels),
                    "fuzz-labels", (data[0] & 1) == 0 ? 0 : 10);
        } catch (MalformedDataException e) {
            bounded(e);
        }
    }
}
