package dev.lanes.cli;

import dev.lanes.io.Checkpoint;
import dev.lanes.io.Model;
import dev.lanes.io.ModelFile;
import dev.lanes.io.StoredLayer;
import dev.lanes.io.StoredModel;
import dev.lanes.kernel.Kernels;
import dev.lanes.onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A table of bad command lines: malformed data, model and checkpoint files, out-of-range options,
 * unusable output paths. Every case must exit with its documented code, print its message on the
 * first line of stderr, show no stack trace, and leave no output file (model, checkpoint, plot,
 * predictions or temporary file) behind.
 */
class BadInputCliTest {

    @TempDir
    static Path dir;

    static Path blobs;
    static Path model;
    static Path ckpt;
    static Path outDir;

    record Case(String name, int code, String message, String... args) {
    }

    @BeforeAll
    static void trainOnce() throws IOException {
        blobs = Files.writeString(dir.resolve("blobs.csv"), CliTest.blobCsv(90, 7));
        model = dir.resolve("good.lanes");
        // A constant rate, so the checkpoint can be resumed up to other epoch counts below.
        CliTest.Run r = CliTest.lanes("train", "--data", blobs.toString(), "--epochs", "2", "--layers", "2,8,3",
                "--lr", "0.05", "--lr-schedule", "constant", "--out", model.toString(), "--no-plot");
        assertEquals(0, r.code(), r::toString);
        ckpt = dir.resolve("good.lanes.ckpt");
        outDir = Files.createDirectory(dir.resolve("out"));
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    private static String write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    private static String write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content).toString();
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    /** {@code bytes} with the frame's length and CRC rewritten, so only the payload is wrong. */
    private static byte[] reframed(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(16, b.length - 28L);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        buf.putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    private static String checkpointWith(String name, String key, String value) throws IOException {
        Checkpoint c = ModelFile.readCheckpoint(ckpt);
        Map<String, String> config = new HashMap<>(c.config());
        config.put(key, value);
        Path f = dir.resolve(name);
        ModelFile.write(f, new Checkpoint(c.model(), c.epochs(), c.seed(), config, c.optimizerState()));
        return f.toString();
    }

    /**
     * The good model with one parameter replaced by {@code value}: as a Lanes model file with a
     * valid frame and checksum, or as ONNX. The writers refuse non-finite parameters, so a marker
     * value is written and its bytes are then replaced.
     */
    private static String modelWith(String name, int layer, boolean bias, int index, float value) throws IOException {
        StoredModel m = ModelFile.readModel(model);
        List<StoredLayer> layers = new ArrayList<>(m.layers());
        StoredLayer l = layers.get(layer);
        float[] w = l.weights().clone();
        float[] b = l.biases().clone();
        float marker = 12345.678f;
        (bias ? b : w)[index] = marker;
        layers.set(layer, new StoredLayer(l.kind(), l.config(), l.units(), w, b));
        StoredModel marked = new StoredModel(m.inputs(), layers, m.loss(), m.classNames(), m.mean(), m.std(),
                m.metadata());
        Path f = dir.resolve(name);
        byte[] bytes;
        if (name.endsWith(".onnx")) {
            bytes = Onnx.toBytes(Model.fromStored(marked, Kernels.reference(), f));
        } else {
            ModelFile.write(f, marked);
            bytes = Files.readAllBytes(f);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = -1;
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if (buf.getFloat(i) == marker) {
                assertEquals(-1, at, "the marker occurs twice in " + f);
                at = i;
            }
        }
        assertTrue(at >= 0, "the marker is not in " + f);
        buf.putFloat(at, value);
        return write(name, name.endsWith(".onnx") ? bytes : reframed(bytes));
    }

    private static byte[] idx(int magic, int[] dims, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    static List<Case> cases() throws IOException {
        String data = blobs.toString();
        String m = model.toString();
        String c = ckpt.toString();
        byte[] good = Files.readAllBytes(model);
        byte[] goodCkpt = Files.readAllBytes(ckpt);
        List<Case> t = new ArrayList<>();

        // ----------------------------------------------------------------- option ranges: exit 2
        String[][] ranges = {
            {"--epochs", "0"}, {"--epochs", "-3"}, {"--epochs", "many"}, {"--epochs", "99999999999"},
            {"--batch", "0"}, {"--batch", "-1"}, {"--batch", "2.5"}, {"--lr", "0"}, {"--lr", "-1"},
            {"--lr", "NaN"}, {"--lr", "Infinity"}, {"--lr", "1e40"}, {"--momentum", "NaN"}, {"--momentum", "5"},
            {"--momentum", "-0.1"}, {"--momentum", "1"}, {"--validation", "1"}, {"--validation", "-0.1"},
            {"--validation", "NaN"}, {"--test", "1.5"}, {"--test", "Infinity"}, {"--patience", "-1"},
            {"--threads", "-1"}, {"--threads", "100000"}, {"--targets", "0"}, {"--layers", "2,0,3"},
            {"--layers", "2,-8,3"}, {"--layers", "2,x,3"}, {"--delimiter", "\""}, {"--delimiter", "ab"},
            {"--delimiter", "\n"},
        };
        for (String[] r : ranges) {
            t.add(new Case("train " + r[0] + " " + r[1].replace("\n", "\\n"), 2, "'" + r[0] + "'",
                    "train", "--data", data, r[0], r[1]));
        }
        t.add(new Case("train --optimizer rmsprop", 2, "expected one of sgd, momentum, adam, adamw but got 'rmsprop'",
                "train", "--data", data, "--optimizer", "rmsprop"));
        t.add(new Case("train --activation swish", 2, "Invalid value for option '--activation': expected one of", "train", "--data", data,
                "--layers", "2,8,3", "--activation", "swish"));
        t.add(new Case("train --loss hinge", 2, "Invalid value for option '--loss': expected one of", "train", "--data", data,
                "--loss", "hinge"));
        t.add(new Case("train --progress fancy", 2,
                "Invalid value for option '--progress': expected one of auto, bar, log but got 'fancy'", "train",
                "--data", data, "--progress", "fancy"));
        t.add(new Case("train --preprocess scale", 2,
                "Invalid value for option '--preprocess': expected one of auto, standardize, min-max, none but got 'scale'",
                "train", "--data", data, "--preprocess", "scale"));
        t.add(new Case("train --lr-schedule step", 2,
                "Invalid value for option '--lr-schedule': expected one of constant, cosine but got 'step'",
                "train", "--data", data, "--lr-schedule", "step"));
        t.add(new Case("train --batch 2147483647", 2, "more than one Java array holds", "train", "--data", data,
                "--batch", "2147483647"));
        t.add(new Case("train --layers 2,2000000000,3", 2, "layer 1 would have 4000000000 weights",
                "train", "--data", data, "--layers", "2,2000000000,3"));
        t.add(new Case("train --layers 2,46000,46000,3", 2, "bytes of memory but the heap allows",
                "train", "--data", data, "--layers", "2,46000,46000,3"));
        t.add(new Case("train --layers 2", 2, "--layers needs at least an input and an output width",
                "train", "--data", data, "--layers", "2"));
        t.add(new Case("train --epochs above an int", 2, "'99999999999' is out of range: it must be at most 2147483647",
                "train", "--data", data, "--epochs", "99999999999"));
        t.add(new Case("train --layers -", 2, "--layers '-': give every width", "train", "--data", data,
                "--layers", "-"));
        t.add(new Case("train --layers with a trailing separator", 2, "--layers '2-8-3-': give every width",
                "train", "--data", data, "--layers", "2-8-3-"));
        t.add(new Case("train --layers twice", 2, "should be specified only once", "train", "--data", data,
                "--layers", "2-8-3", "--layers", "2-4-3"));
        t.add(new Case("gradcheck --layers ,", 2, "--layers ',': give every width", "gradcheck", "--layers", ","));
        t.add(new Case("train regression with cross-entropy", 2, "--loss cross-entropy needs class labels", "train",
                "--data", data, "--task", "regression", "--loss", "cross-entropy"));
        t.add(new Case("bench --sizes 100000x100000x100000", 2, "more than one Java array holds",
                "bench", "--sizes", "100000x100000x100000"));
        t.add(new Case("bench --sizes 40000", 2, "bytes of memory but the heap allows", "bench", "--sizes", "40000"));
        t.add(new Case("bench --sizes 0x3", 2, "--sizes: '0x3'", "bench", "--sizes", "0x3"));
        t.add(new Case("bench --step-batch 0", 2, "'--step-batch'", "bench", "--step-batch", "0"));
        t.add(new Case("bench --step 784", 2, "--step needs at least two widths", "bench", "--sizes", "8", "--step", "784"));
        t.add(new Case("bench --step 784,0,10", 2, "'--step'", "bench", "--step", "784,0,10"));
        t.add(new Case("bench --step-batch 2147483647", 2, "more than one Java array holds", "bench",
                "--sizes", "8", "--step-batch", "2147483647"));
        t.add(new Case("bench --runs 0", 2, "'--runs'", "bench", "--runs", "0"));
        t.add(new Case("bench --warmup -1", 2, "'--warmup'", "bench", "--warmup", "-1"));
        t.add(new Case("bench --min-time 0", 2, "'--min-time'", "bench", "--min-time", "0"));
        t.add(new Case("gradcheck --batch 0", 2, "'--batch'", "gradcheck", "--batch", "0"));
        t.add(new Case("gradcheck --epsilon NaN", 2, "--epsilon and --threshold must be positive and finite",
                "gradcheck", "--epsilon", "NaN"));
        t.add(new Case("gradcheck --threshold Infinity", 2, "--epsilon and --threshold must be positive and finite",
                "gradcheck", "--threshold", "Infinity"));
        t.add(new Case("gradcheck --layers 6,2000000000,3", 2, "would have 12000000000 weights",
                "gradcheck", "--layers", "6,2000000000,3"));
        t.add(new Case("eval --threads -2", 2, "'--threads'", "eval", "--model", m, "--data", data, "--threads", "-2"));
        t.add(new Case("predict --delimiter quote", 2, "'--delimiter'", "predict", "--model", m, "--data", data,
                "--delimiter", "\""));
        t.add(new Case("unknown command", 2, "frobnicate", "frobnicate"));
        t.add(new Case("unknown option", 2, "--frobnicate", "train", "--frobnicate"));

        // ---------------------------------------------------------- unusable output paths: exit 2
        t.add(new Case("train --out is a directory", 2, "is a directory; give a file name",
                "train", "--data", data, "--out", outDir.toString()));
        t.add(new Case("train --out in a missing directory", 2, "does not exist",
                "train", "--data", data, "--out", p("missing/m.lanes")));
        t.add(new Case("train --out under a file", 2, "does not exist",
                "train", "--data", data, "--out", data + "/m.lanes"));
        Files.createDirectories(dir.resolve("ckptdir.lanes.ckpt"));
        t.add(new Case("train --out whose checkpoint is a directory", 2, "is a directory",
                "train", "--data", data, "--out", p("ckptdir.lanes")));
        t.add(new Case("predict --out is a directory", 2, "is a directory", "predict", "--model", m,
                "--data", write("feat.csv", "1,2\n"), "--out", outDir.toString()));
        t.add(new Case("bench --chart in a missing directory", 2, "does not exist", "bench", "--chart",
                p("missing/c.png")));
        // an output that is one of the command's inputs: refused, the input left as it was
        String own = write("own.csv", CliTest.blobCsv(30, 5));
        t.add(new Case("train --out is the data", 2, "is also the input", "train", "--data", own, "--out", own));
        t.add(new Case("train --out's plot is the data", 2, "is also the input", "train", "--data",
                write("plotted.lanes.png", CliTest.blobCsv(30, 5)), "--out", p("plotted.lanes")));
        String feats = write("own-feat.csv", "1,2\n3,4\n");
        t.add(new Case("predict --out is the data", 2, "is also the input", "predict", "--model", m, "--data", feats,
                "--out", feats));
        t.add(new Case("predict --out is the model", 2, "is also the input", "predict", "--model", m, "--data", feats,
                "--out", m));
        t.add(new Case("eval --confusion-png is the model", 2, "is also the input", "eval", "--model", m, "--data",
                data, "--confusion-png", m));
        t.add(new Case("export --out is the model", 2, "is also the input", "export", "--model", m, "--out", m));
        String onnxIn = write("own.onnx", new byte[] {8, 7});
        t.add(new Case("import --out is the ONNX file", 2, "is also the input", "import", onnxIn, "--out", onnxIn));
        t.add(new Case("export --out is a directory", 2, "is a directory; give a file name", "export", "--model", m,
                "--out", outDir.toString()));
        t.add(new Case("import --out is a directory", 2, "is a directory; give a file name", "import", onnxIn,
                "--out", outDir.toString()));
        t.add(new Case("eval --confusion-png is a directory", 2, "is a directory; give a file name", "eval",
                "--model", m, "--data", data, "--confusion-png", outDir.toString()));
        t.add(new Case("export --out in a missing directory", 2, "does not exist", "export", "--model", m,
                "--out", p("missing/m.onnx")));
        t.add(new Case("eval --confusion-png in a missing directory", 2, "does not exist", "eval", "--model", m,
                "--data", data, "--confusion-png", p("missing/c.png")));
        Path fifo = dir.resolve("fifo.lanes");
        if (mkfifo(fifo)) {
            // A write renames a new file over its target, which would turn a device or pipe (say
            // /dev/null, for root) into a plain file.
            t.add(new Case("train --out is a pipe", 2, "is not a regular file", "train", "--data", data,
                    "--out", fifo.toString()));
            t.add(new Case("eval --confusion-png is a pipe", 2, "is not a regular file", "eval", "--model", m,
                    "--data", data, "--confusion-png", fifo.toString()));
            t.add(new Case("export --out is a pipe", 2, "is not a regular file", "export", "--model", m,
                    "--out", fifo.toString()));
        }
        if (Files.isDirectory(Path.of("/proc/self"))) {
            // A directory no one can create files in, even root.
            t.add(new Case("train --out in an unwritable directory", 2, "cannot create files in the directory",
                    "train", "--data", data, "--out", "/proc/self/m.lanes"));
        }

        // --------------------------------------------------------------- malformed data: exit 3
        String[][] csvs = {
            {"empty.csv", "", "empty file"},
            {"blank.csv", "\n\n  \n", "empty file"},
            {"header-only.csv", "x,y,label\n", "no data rows"},
            {"ragged.csv", "x,y,label\n1,2,a\n3,b\n", "expected 3 fields"},
            {"nan.csv", "x,y,label\n1,2,a\nNaN,2,b\n", "not a finite number: 'NaN'"},
            {"inf.csv", "x,y,label\n1,2,a\n1,-inf,b\n", "not a finite number"},
            {"hex.csv", "x,y,label\n1,2,a\n0x10,2,b\n", "not a number: '0x10'"},
            {"overflow.csv", "x,y,label\n1,2,a\n1e39,2,b\n", "number out of float range"},
            {"quote.csv", "x,y,label\n1,2,a\n\"1,2,b\n", "unterminated quoted field"},
            {"after-quote.csv", "x,y,label\n1,2,a\n\"1\"x,2,b\n", "after a closing quote"},
            {"empty-label.csv", "x,y,label\n1,2,a\n3,4,\n", "empty label"},
            {"one-class.csv", "x,y,label\n1,2,a\n3,4,a\n5,6,a\n", "a classifier needs at least two classes"},
            {"one-row.csv", "x,y,label\n1,2,a\n", "a classifier needs at least two classes"},
            {"two-rows.csv", "x,y,label\n1,2,a\n3,4,b\n", "too few for the splits"},
            {"label-only.csv", "label\na\nb\n", "no feature columns"},
            {"long-number.csv", "x,y,label\n1,2,a\n1" + "x".repeat(100_000) + ",2,b\n", "not a number: '1xxx"},
        };
        for (String[] cv : csvs) {
            t.add(new Case("csv " + cv[0], 3, cv[2], "train", "--data", write(cv[0], cv[1])));
        }
        t.add(new Case("csv truncated gzip (train)", 3, "corrupt or truncated gzip data", "train", "--data",
                write("trunc.csv.gz", Arrays.copyOf(gzip(CliTest.blobCsv(90, 7)), 60))));
        t.add(new Case("csv truncated gzip (predict)", 3, "corrupt or truncated gzip data", "predict", "--model", m,
                "--data", write("trunc-feat.csv.gz", Arrays.copyOf(gzip("1,2\n".repeat(2000)), 30))));
        t.add(new Case("csv .gz that is not gzip", 3, "not gzip-compressed", "train", "--data",
                write("plain.csv.gz", CliTest.blobCsv(30, 1))));
        t.add(new Case("csv missing", 3, "no such file", "train", "--data", p("nope.csv")));
        t.add(new Case("csv is a directory", 3, "is a directory", "train", "--data", outDir.toString()));
        t.add(new Case("regression with a text target", 3, "not a number: 'a'", "train", "--data", data,
                "--task", "regression"));
        t.add(new Case("eval: unknown label", 3, "unknown label 'zebra'", "eval", "--model", m, "--data",
                write("zebra.csv", "x,y,label\n1,2,zebra\n")));
        t.add(new Case("eval: wrong width", 3, "shape mismatch", "eval", "--model", m, "--data",
                write("wide.csv", "x,y,z,label\n1,2,3,a\n")));
        t.add(new Case("predict: wrong width", 3, "shape mismatch", "predict", "--model", m, "--data",
                write("wide-feat.csv", "1,2,3\n")));
        t.add(new Case("predict: NaN", 3, "not a finite number", "predict", "--model", m, "--data",
                write("nan-feat.csv", "1,NaN\n")));
        t.add(new Case("predict: huge field", 3, "not a number: 'yyy", "predict", "--model", m, "--data",
                write("huge-feat.csv", "1,2\n1," + "y".repeat(100_000) + "\n")));
        t.add(new Case("predict: empty", 3, "no data rows", "predict", "--model", m, "--data", write("e.csv", "")));
        // IDX
        String labels = write("labels.idx", idx(0x801, new int[] {2}, 2));
        t.add(new Case("idx bad magic", 3, "not an IDX file", "train", "--data",
                write("magic.idx", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), "--labels", labels));
        t.add(new Case("idx truncated", 3, "truncated", "train", "--data",
                write("short.idx", idx(0x803, new int[] {2, 28, 28}, 100)), "--labels", labels));
        t.add(new Case("idx swapped files", 3, "swapped", "train", "--data", labels, "--labels", labels));
        t.add(new Case("idx counts differ", 3, "has 2 labels but", "train", "--data",
                write("three.idx", idx(0x803, new int[] {3, 2, 2}, 12)), "--labels", labels));
        t.add(new Case("idx declares more than the heap", 3, "bytes of memory once read", "train", "--data",
                write("vast.idx", idx(0x803, new int[] {2_000_000, 32, 32}, 0)), "--labels", labels));
        t.add(new Case("idx zero dimension", 3, "must be positive", "train", "--data",
                write("zero.idx", idx(0x803, new int[] {2, 0, 2}, 0)), "--labels", labels));

        // ------------------------------------------------------- model and checkpoint files: exit 3
        t.add(new Case("model missing", 3, "no such file", "eval", "--model", p("nope.lanes"), "--data", data));
        Path modelDir = Files.createDirectories(dir.resolve("dir.lanes"));
        Path onnxDir = Files.createDirectories(dir.resolve("dir.onnx"));
        t.add(new Case("model is a directory", 3, "is a directory, not a model file", "eval", "--model",
                modelDir.toString(), "--data", data));
        t.add(new Case("ONNX model is a directory", 3, "is a directory, not an ONNX file", "predict", "--model",
                onnxDir.toString(), "--data", data));
        t.add(new Case("import of a directory", 3, "is a directory, not an ONNX file", "import", onnxDir.toString(),
                "--out", p("imported.lanes")));
        t.add(new Case("model empty", 3, "is empty", "eval", "--model", write("empty.lanes", new byte[0]),
                "--data", data));
        t.add(new Case("model not lanes", 3, "is not a Lanes model file", "eval", "--model", data, "--data", data));
        t.add(new Case("model truncated", 3, "truncated", "predict", "--model",
                write("trunc.lanes", Arrays.copyOf(good, good.length / 2)), "--data", data));
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 4;
        t.add(new Case("model bit flip", 3, "is corrupted: its CRC-32", "eval", "--model", write("flip.lanes", flipped),
                "--data", data));
        byte[] version = good.clone();
        version[8] = 9;
        t.add(new Case("model newer version", 3, "has format version 9", "eval", "--model",
                write("v9.lanes", version), "--data", data));
        byte[] garbage = good.clone();
        ByteBuffer.wrap(garbage).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1_142_386_969);
        t.add(new Case("model with a damaged version field", 3, "has format version 1142386969; this Lanes reads "
                + "versions 1 and 2 (its header is damaged)", "eval", "--model", write("garbage.lanes", garbage),
                "--data", data));
        t.add(new Case("import of a Lanes model", 3, "is a Lanes model file, not ONNX", "import",
                write("lanes-model.onnx", good), "--out", p("back.lanes")));
        byte[] layers = good.clone();
        ByteBuffer.wrap(layers).order(ByteOrder.LITTLE_ENDIAN).putInt(28, Integer.MAX_VALUE);
        t.add(new Case("model layer count 2^31-1, valid CRC", 3, "more than the 65536 allowed", "eval", "--model",
                write("layers.lanes", reframed(layers)), "--data", data));
        byte[] width = good.clone();
        ByteBuffer.wrap(width).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 7);
        t.add(new Case("model input width altered, valid CRC", 3, "is inconsistent", "eval", "--model",
                write("width.lanes", reframed(width)), "--data", data));
        t.add(new Case("model with a NaN weight, valid CRC", 3, "element 5 of the parameters of layer 1 is NaN",
                "predict", "--model", modelWith("nan.lanes", 0, false, 5, Float.NaN), "--data", data));
        t.add(new Case("ONNX model with a NaN weight", 3, "layer 1 holds a non-finite weight (NaN) at index 5",
                "predict", "--model", modelWith("nan.onnx", 0, false, 5, Float.NaN), "--data", data));
        t.add(new Case("ONNX model with an infinite bias", 3, "layer 2 holds a non-finite bias (Infinity) at index 1",
                "import", modelWith("inf.onnx", 1, true, 1, Float.POSITIVE_INFINITY), "--out", p("inf.lanes")));
        t.add(new Case("model given as checkpoint", 3, "a model holds no optimizer state", "train", "--data", data,
                "--resume", m, "--epochs", "3"));
        t.add(new Case("checkpoint truncated", 3, "truncated", "train", "--data", data, "--epochs", "3",
                "--resume", write("trunc.ckpt", Arrays.copyOf(goodCkpt, goodCkpt.length - 9))));
        byte[] ckFlip = goodCkpt.clone();
        ckFlip[40] ^= 1;
        t.add(new Case("checkpoint bit flip", 3, "is corrupted", "train", "--data", data, "--epochs", "3",
                "--resume", write("flip.ckpt", ckFlip)));
        t.add(new Case("checkpoint optimizer state renamed, valid CRC", 3, "cannot resume from this checkpoint",
                "train", "--data", data, "--epochs", "3", "--resume",
                checkpointWith("rmsprop.ckpt", "optimizer.state.name", "rmsprop")));
        t.add(new Case("checkpoint optimizer setting renamed, valid CRC", 3, "malformed setting --optimizer=rmsprop",
                "train", "--data", data, "--epochs", "3", "--resume",
                checkpointWith("opt.ckpt", "--optimizer", "rmsprop")));
        t.add(new Case("checkpoint momentum NaN, valid CRC", 3, "the checkpoint's settings are invalid",
                "train", "--data", data, "--epochs", "3", "--resume", checkpointWith("mom.ckpt", "--momentum", "NaN")));
        t.add(new Case("checkpoint batch malformed, valid CRC", 3, "malformed setting --batch",
                "train", "--data", data, "--epochs", "3", "--resume", checkpointWith("batch.ckpt", "--batch", "x".repeat(10_000))));
        t.add(new Case("checkpoint steps malformed, valid CRC", 3, "malformed trainer setting",
                "train", "--data", data, "--epochs", "3", "--resume",
                checkpointWith("steps.ckpt", "optimizer.state.steps", "9".repeat(5_000))));
        t.add(new Case("checkpoint of other data", 3, "is not the data the checkpoint", "train", "--data",
                write("other.csv", CliTest.blobCsv(90, 8)), "--epochs", "3", "--resume", c));
        t.add(new Case("checkpoint with more epochs than asked", 2, "more than --epochs 1", "train", "--data", data,
                "--epochs", "1", "--resume", c));
        t.add(new Case("checkpoint with other settings", 2, "differs from the value", "train", "--data", data,
                "--epochs", "3", "--batch", "7", "--resume", c));
        t.add(new Case("checkpoint with another schedule", 2, "--lr-schedule cosine differs from the value constant",
                "train", "--data", data, "--epochs", "3", "--lr-schedule", "cosine", "--resume", c));
        t.add(new Case("cosine checkpoint resumed to other epochs", 2,
                "its cosine learning-rate schedule spans exactly those; resume with --epochs 2", "train", "--data", data,
                "--epochs", "3", "--resume", checkpointWith("cosine.ckpt", "--lr-schedule", "cosine")));
        t.add(new Case("checkpoint schedule malformed, valid CRC", 3, "malformed setting --lr-schedule=warmup",
                "train", "--data", data, "--epochs", "3", "--resume", checkpointWith("warmup.ckpt", "--lr-schedule", "warmup")));
        t.add(new Case("checkpoint preprocessing malformed, valid CRC", 3, "malformed setting --preprocess=scale",
                "train", "--data", data, "--epochs", "3", "--resume", checkpointWith("scale.ckpt", "--preprocess", "scale")));
        return t;
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputExitsWithOneClearMessageAndNoOutput() throws IOException {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 100, "the table has " + cases.size() + " cases");
        return cases.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> run(k)));
    }

    private static void run(Case k) throws IOException {
        String[] args = k.args();
        boolean writes = args.length > 0 && (args[0].equals("train") || args[0].equals("predict"));
        boolean hasOut = Arrays.asList(args).contains("--out");
        Path out = outDir.resolve("case.lanes");
        if (writes && !hasOut) {
            args = Stream.concat(Arrays.stream(args), Stream.of("--out", out.toString())).toArray(String[]::new);
        }
        List<Path> before = listing();
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.execute(new PrintWriter(o, true), new PrintWriter(e, true), args);
        String err = e.toString();
        String report = "exit " + code + "\n--- out:\n" + o + "--- err:\n"
                + (err.length() > 3000 ? err.substring(0, 3000) + "..." : err);
        assertEquals(k.code(), code, report);
        String first = err.lines().filter(l -> !l.contains("warning:")).findFirst().orElse("");
        assertTrue(first.contains(k.message()), () -> "expected '" + k.message() + "' on the first line\n" + report);
        assertTrue(first.length() <= 600, () -> "a message of " + first.length() + " characters\n" + report);
        // The usage text that follows a usage error is allowed; a stack trace, an internal error or
        // a Java class name in a message is not.
        assertFalse(err.contains("\tat ") || err.contains("internal error:") || err.contains("java."),
                () -> "a stack trace, internal error or exception class leaked:\n" + report);
        assertEquals(before, listing(), () -> "files were created or removed\n" + report);
    }

    /** Makes a named pipe with mkfifo; false where there is no such command (the cases are skipped). */
    private static boolean mkfifo(Path p) {
        try {
            Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            proc.getInputStream().readAllBytes();
            return proc.waitFor() == 0 && Files.exists(p) && !Files.isRegularFile(p);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every file under the test directory, so a partial or temporary output shows up. */
    private static List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.sorted().toList();
        }
    }
}
