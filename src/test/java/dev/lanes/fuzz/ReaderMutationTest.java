package dev.lanes.fuzz;

import dev.lanes.data.CsvReader;
import dev.lanes.data.IdxReader;
import dev.lanes.data.MalformedDataException;
import dev.lanes.io.ModelFile;
import dev.lanes.io.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feeds each file reader 5,000 seeded mutations of valid files. A reader may accept a mutated
 * file or refuse it with its documented exception ({@link ModelFileException},
 * {@link MalformedDataException}) and a message of bounded length; anything else (an
 * {@link OutOfMemoryError}, a {@link NegativeArraySizeException}, an index exception, ...) fails
 * the test with the seed and the input in hex. Runs with {@code -Xmx256m} (see pom.xml), so a
 * length field trusted before it is checked shows up as an error here.
 */
class ReaderMutationTest {

    static final int INPUTS = 5000;
    /** A message longer than this quotes too much of the input. */
    static final int MAX_MESSAGE = 600;

    @TempDir
    Path dir;

    private final List<String> failures = new ArrayList<>();

    @org.junit.jupiter.api.BeforeAll
    static void smallHeap() {
        // Only the bounded-heap execution (pom.xml) gives the verdict this test is for; a run that
        // selects it with -Dtest also runs it in the default, larger heap, where it is skipped.
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() <= 512L << 20,
                "runs with -Xmx256m only (surefire execution bounded-heap)");
    }

    @Test
    void modelReader() throws IOException {
        byte[] seed = Seeds.modelBytes(dir);
        Mutator m = new Mutator(0x5eed_0001L);
        Path f = dir.resolve("mutant.lanes");
        for (int i = 0; i < INPUTS; i++) {
            byte[] b = m.binary(seed, false);
            if (m.nextInt(4) != 0) {
                b = Mutator.reframe(b);
            }
            Files.write(f, b);
            check("model " + i, b, () -> ModelFile.readModel(f));
        }
        report();
    }

    @Test
    void checkpointReader() throws IOException {
        byte[] seed = Seeds.checkpointBytes(dir);
        Mutator m = new Mutator(0x5eed_0002L);
        Path f = dir.resolve("mutant.lanes.ckpt");
        for (int i = 0; i < INPUTS; i++) {
            byte[] b = m.binary(seed, false);
            if (m.nextInt(4) != 0) {
                b = Mutator.reframe(b);
            }
            Files.write(f, b);
            check("checkpoint " + i, b, () -> ModelFile.readCheckpoint(f));
            check("checkpoint as model " + i, b, () -> ModelFile.readModel(f));
        }
        report();
    }

    @Test
    void csvReader() throws IOException {
        Mutator m = new Mutator(0x5eed_0003L);
        List<byte[]> seeds = new ArrayList<>();
        for (String s : Seeds.CSVS) {
            seeds.add(Seeds.utf8(s));
        }
        byte[] gz = gzip(Seeds.utf8(Seeds.CSVS.get(1)));
        for (int i = 0; i < INPUTS; i++) {
            int pick = m.nextInt(seeds.size() + 1);
            byte[] b = pick == seeds.size() ? m.binary(gz, false) : m.text(seeds.get(pick));
            CsvReader reader = switch (i % 4) {
                case 0 -> CsvReader.classification();
                case 1 -> CsvReader.regression();
                case 2 -> CsvReader.classification().withDelimiter(';').withClassOrder(CsvReader.ClassOrder.FIRST_SEEN);
                default -> CsvReader.regression().withTargetColumns(-2, 2).withHeader(CsvReader.Header.ABSENT);
            };
            check("csv " + i, b, () -> reader.read(new ByteArrayInputStream(b), "mutant.csv"));
        }
        report();
    }

    @Test
    void idxReader() throws IOException {
        Mutator m = new Mutator(0x5eed_0004L);
        byte[] images = Seeds.idxImages(5);
        byte[] labels = Seeds.idxLabels(5);
        byte[] gzImages = gzip(images);
        for (int i = 0; i < INPUTS; i++) {
            byte[] im = images;
            byte[] lb = labels;
            switch (m.nextInt(4)) {
                case 0 -> im = m.binary(images, true);
                case 1 -> lb = m.binary(labels, true);
                case 2 -> im = m.binary(gzImages, false);
                default -> {
                    im = m.binary(images, true);
                    lb = m.binary(labels, true);
                }
            }
            byte[] fim = im;
            byte[] flb = lb;
            int classes = i % 2 == 0 ? 0 : 3;
            check("idx " + i, concat(fim, flb), () -> IdxReader.read(new ByteArrayInputStream(fim), "images.idx",
                    new ByteArrayInputStream(flb), "labels.idx", classes));
        }
        report();
    }

    interface Read {
        Object run() throws IOException;
    }

    private void check(String label, byte[] input, Read read) {
        try {
            read.run();
        } catch (ModelFileException | MalformedDataException e) {
            if (e.getMessage() == null || e.getMessage().length() > MAX_MESSAGE) {
                fail(label, input, "message of " + (e.getMessage() == null ? "null" : e.getMessage().length())
                        + " characters: " + String.valueOf(e.getMessage()).substring(0, 200));
            }
        } catch (Throwable t) {
            fail(label, input, t.toString());
        }
    }

    private void fail(String label, byte[] input, String what) {
        if (failures.size() < 10) {
            String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 400));
            failures.add(label + ": " + what + "\n  input (" + input.length + " bytes): " + hex);
        } else if (failures.size() == 10) {
            failures.add("...");
        }
    }

    private void report() {
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
