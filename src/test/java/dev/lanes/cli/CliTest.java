package dev.lanes.cli;

import dev.lanes.io.ModelFile;
import dev.lanes.io.StoredModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the real picocli command line in process, with captured output, checking exit codes and messages. */
class CliTest {

    @TempDir
    static Path dir;

    static Path blobs;
    static Path model;

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    static Run lanes(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Three well separated Gaussian blobs in 2-D labelled a, b, c, with a header row. */
    static String blobCsv(int rows, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("x,y,label\n");
        for (int i = 0; i < rows; i++) {
            int c = i % 3;
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", 4 * c + r.nextGaussian() * 0.5,
                    (c == 1 ? 3 : 0) + r.nextGaussian() * 0.5, "abc".charAt(c)));
        }
        return sb.toString();
    }

    @BeforeAll
    static void trainOnce() throws IOException {
        blobs = Files.writeString(dir.resolve("blobs.csv"), blobCsv(90, 7));
        model = dir.resolve("blobs.lanes");
        Run r = lanes("train", "--data", blobs.toString(), "--epochs", "3", "--layers", "2,8,3", "--lr", "0.05",
                "--out", model.toString());
        assertEquals(0, r.code(), r::toString);
    }

    private static Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static void assertExit(int code, Run r, String... fragments) {
        assertEquals(code, r.code(), r::toString);
        for (String f : fragments) {
            assertTrue(r.err().contains(f), () -> "expected '" + f + "' in\n" + r);
        }
        assertFalse(r.err().contains("\tat "), () -> "a stack trace leaked:\n" + r);
    }

    // ------------------------------------------------------------------------------ info, usage

    @Test
    void infoNamesBackendWidthAndCores() {
        Run r = lanes("info");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Backend:") && r.out().contains("Vector width:") && r.out().contains("Cores:"), r.out());
        Run j = lanes("info", "--json");
        assertTrue(j.out().startsWith("{\"lanes\":") && j.out().contains("\"backend\":"), j.out());
    }

    @Test
    void usageErrorsExitWith2() {
        assertExit(2, lanes(), "Missing command");
        assertExit(2, lanes("frobnicate"), "frobnicate");
        assertExit(2, lanes("train", "--data", "digits", "--epochs", "many"), "--epochs", "many");
        assertExit(2, lanes("train", "--data", "digits", "--validation", "1.5"), "--validation", "'1.5' is out of range: it must be in [0, 1)");
        assertExit(2, lanes("train", "--data", "digits", "--optimizer", "rmsprop"), "--optimizer",
                "expected one of sgd, momentum, adam, adamw but got 'rmsprop'");
        assertExit(2, lanes("train", "--data", "digits", "--kernels", "gpu"), "expected reference, simd or best");
        assertExit(2, lanes("bench", "--sizes", "0x3"), "--sizes: '0x3'");
        assertExit(2, lanes("gradcheck", "--loss", "hinge"), "--loss", "expected one of mse, cross-entropy but got 'hinge'");
        assertExit(2, lanes("gradcheck", "--layers", "6"), "--layers needs an input and an output width");
        assertExit(2, lanes("eval", "--model", model.toString()), "Missing required option: '--data");
        assertEquals(0, lanes("train", "--help").code());
    }

    @Test
    void usageErrorsShowTheMessageAndAHintNotTheUsage() {
        Run r = lanes("train", "--epochs", "many");
        assertExit(2, r, "'many' is not an int", "Try 'lanes train --help'");
        assertFalse(r.err().contains("Usage:"), r::toString);
        assertTrue(r.err().lines().count() <= 3, r::toString);
        Run typo = lanes("trian");
        assertExit(2, typo, "trian", "Did you mean", "Try 'lanes --help'");
        assertFalse(typo.err().contains("Usage:"), typo::toString);
    }

    @Test
    void helpListsTheSharedChoicesAndTheyMatchInAnyCase() {
        Run h = lanes("train", "--help");
        assertEquals(0, h.code(), h::toString);
        String help = h.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("sigmoid, tanh, relu, identity, gelu, silu, softmax") || help.contains("gelu"), h.out());
        assertTrue(help.contains("mse, cross-entropy"), h.out());
        assertTrue(help.contains("sgd, momentum, adam, adamw"), h.out());
        assertTrue(lanes("predict", "--help").out().replaceAll("\\s+", " ").contains("csv, json"));
        assertTrue(lanes("gradcheck", "--help").out().replaceAll("\\s+", " ").contains("mse, cross-entropy"));
        Run g = lanes("gradcheck", "--activation", "TANH", "--loss", "Cross_Entropy", "--layers", "4-5-3");
        assertEquals(0, g.code(), g::toString);
    }

    @Test
    void progressBarLeavesOneLinePerEpoch() {
        Run r = lanes("train", "--data", blobs.toString(), "--layers", "2-8-3", "--epochs", "4", "--progress", "bar",
                "--no-plot", "--out", dir.resolve("bar.lanes").toString());
        assertEquals(0, r.code(), r::toString);
        // What stays on screen: carriage returns overwrite a line, so keep what follows the last one.
        List<String> screen = r.out().lines().map(l -> l.substring(l.lastIndexOf('\r') + 1)).toList();
        assertEquals(4, screen.stream().filter(l -> l.startsWith("epoch ")).count(), r::toString);
        assertTrue(screen.stream().noneMatch(l -> l.contains("[#") || l.contains("[.")), r::toString);
    }

    @Test
    void layerWidthsTakeDashesAsTheReadmeWritesThem() {
        Run r = lanes("train", "--layers", "64-16-10", "--epochs", "1", "--no-plot", "--progress", "log",
                "--out", dir.resolve("dash.lanes").toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("64 -> 16 RELU -> 10 SOFTMAX"), r.out());
        assertTrue(r.out().contains("preprocessing: standardize"), r.out());
    }

    @Test
    void choicesAreCaseInsensitiveAndTheScheduleIsKeptInTheCheckpoint() throws IOException {
        Path out = dir.resolve("choices.lanes");
        Run r = lanes("train", "--data", blobs.toString(), "--layers", "2-8-3", "--epochs", "2", "--no-plot",
                "--progress", "LOG", "--preprocess", "Min_Max", "--lr-schedule", "Cosine", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("preprocessing: min-max"), r.out());
        assertTrue(r.out().contains("cosine learning rate"), r.out());
        Map<String, String> config = ModelFile.readCheckpoint(dir.resolve("choices.lanes.ckpt")).config();
        assertEquals("cosine", config.get("--lr-schedule"));
        assertEquals("2", config.get("lr-schedule.epochs"));
        assertEquals("min-max", config.get("--preprocess"));
        // The default schedule is cosine, and the finished run resumes (to write its model) with its --epochs.
        Run again = lanes("train", "--data", blobs.toString(), "--epochs", "2", "--no-plot", "--progress", "log",
                "--resume", dir.resolve("choices.lanes.ckpt").toString(), "--out", out.toString());
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().contains("holds the finished run (2 epochs)"), again.out());
    }

    // --------------------------------------------------------------------------- the happy path

    /** --patience keeps the best epoch: the saved model scores that epoch's validation numbers exactly. */
    @Test
    void patienceRestoresTheBestEpochAndTheSavedModelHasItsAccuracy() throws IOException {
        Path out = dir.resolve("patience.lanes");
        Run r = lanes("train", "--layers", "64,32,10", "--activation", "gelu", "--dropout", "0.2", "--optimizer",
                "adamw", "--weight-decay", "0.02", "--clip-norm", "5", "--lr", "0.01", "--epochs", "40",
                "--patience", "2", "--out", out.toString(), "--no-plot", "--progress", "log");
        assertEquals(0, r.code(), r::toString);
        Matcher best = Pattern.compile("restored the weights of epoch (\\d+), the best validation loss "
                + "\\(([0-9.]+), accuracy ([0-9.]+)%\\)").matcher(r.out());
        assertTrue(best.find(), r.out());
        Matcher epoch = Pattern.compile("epoch +" + best.group(1) + "/40 .* val_loss ([0-9.]+) +val_acc +([0-9.]+)%")
                .matcher(r.out());
        assertTrue(epoch.find(), r.out());
        assertEquals(epoch.group(1), best.group(2));
        assertEquals(epoch.group(2), best.group(3));
        Matcher again = Pattern.compile("validation with the restored weights: loss ([0-9.]+), accuracy ([0-9.]+)%")
                .matcher(r.out());
        assertTrue(again.find(), r.out());
        assertEquals(best.group(2), again.group(1));
        assertEquals(best.group(3), again.group(2));
        StoredModel m = ModelFile.readModel(out);
        assertEquals(best.group(1), m.metadata().get("restored.epoch"));
        assertEquals(List.of("dense", "dropout", "dense"), m.layers().stream().map(l -> l.kind()).toList());
        assertEquals("gelu", m.layers().get(0).activation());
    }

    @Test
    void trainWritesModelCheckpointAndPlotThenEvalAndPredictUseIt() throws IOException {
        assertTrue(Files.size(model) > 28);
        assertEquals(3, ModelFile.readCheckpoint(dir.resolve("blobs.lanes.ckpt")).epochs());
        byte[] png = Files.readAllBytes(dir.resolve("blobs.lanes.png"));
        assertEquals(0x89, png[0] & 0xff);
        assertEquals('P', png[1]);

        Run e = lanes("eval", "--model", model.toString(), "--data", blobs.toString());
        assertEquals(0, e.code(), e::toString);
        assertTrue(e.out().contains("confusion matrix"), e.out());
        assertTrue(Pattern.compile("\\n\\s+a\\s+\\d+\\s+\\d+\\s+\\d+").matcher(e.out()).find(), e.out());
        Matcher acc = Pattern.compile("accuracy ([0-9.]+)%").matcher(e.out());
        assertTrue(acc.find(), e.out());
        assertTrue(Double.parseDouble(acc.group(1)) > 90, e.out());
        assertTrue(e.out().contains("macro avg") && e.out().contains("weighted avg") && e.out().contains("top-3"), e.out());
        Path cmPng = dir.resolve("confusion.png");
        Run ej = lanes("eval", "--model", model.toString(), "--data", blobs.toString(), "--json",
                "--confusion-png", cmPng.toString());
        assertEquals(0, ej.code(), ej::toString);
        for (String key : new String[] {"\"accuracy\":", "\"top3Accuracy\":", "\"logLoss\":", "\"perClass\":",
            "\"macro\":", "\"weighted\":", "\"confusion\":"}) {
            assertTrue(ej.out().contains(key), () -> key + " missing in " + ej.out());
        }
        byte[] cm = Files.readAllBytes(cmPng);
        assertEquals(0x89, cm[0] & 0xff);
        assertEquals('P', cm[1]);

        Path in = file("features.csv", "x,y\n0.1,0.0\n4.2,3.1\n8.0,-0.2\n");
        Run p = lanes("predict", "--model", model.toString(), "--data", in.toString());
        assertEquals(0, p.code(), p::toString);
        String[] lines = p.out().split("\n");
        assertEquals("class,p_a,p_b,p_c", lines[0]);
        assertEquals(4, lines.length, p.out());
        assertTrue(lines[1].startsWith("a,") && lines[2].startsWith("b,") && lines[3].startsWith("c,"), p.out());
        double sum = Arrays.stream(lines[2].split(",")).skip(1).mapToDouble(Double::parseDouble).sum();
        assertEquals(1, sum, 1e-4);
    }

    @Test
    void defaultsOnDigitsReach97PercentTestAccuracy() {
        Path out = dir.resolve("digits.lanes");
        // No --data: train defaults to the built-in digits.
        Run r = lanes("train", "--out", out.toString(), "--no-plot");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("digits"), r.out());
        Matcher m = Pattern.compile("test: loss [0-9.]+, accuracy ([0-9.]+)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        double acc = Double.parseDouble(m.group(1));
        System.out.println("digits, default settings: test accuracy " + acc + " %");
        assertTrue(acc >= 97.0, r.out());
        assertTrue(r.out().contains("samples/s"), r.out());
    }

    @Test
    void resumedRunEndsWithTheWeightsOfAnUninterruptedOne() throws IOException {
        Path data = file("resume.csv", blobCsv(60, 11));
        Path full = dir.resolve("full.lanes");
        Path part = dir.resolve("part.lanes");
        // A constant rate: a run can then be extended, and a shorter one stands for an interrupted one.
        String[] common = {"--data", data.toString(), "--layers", "2,6,3", "--optimizer", "adam", "--lr", "0.01",
            "--batch", "8", "--seed", "5", "--no-plot", "--lr-schedule", "constant"};
        assertEquals(0, lanes(concat(new String[] {"train", "--epochs", "5", "--out", full.toString()}, common)).code());
        assertEquals(0, lanes(concat(new String[] {"train", "--epochs", "2", "--out", part.toString()}, common)).code());
        Path ckpt = dir.resolve("part.lanes.ckpt");
        Run r = lanes("train", "--data", data.toString(), "--resume", ckpt.toString(), "--epochs", "5",
                "--out", part.toString(), "--no-plot");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("resuming after epoch 2"), r.out());
        assertFalse(r.out().contains("epoch   1/5"), r.out());
        // The checkpoint carries every epoch's metrics, so the plot of the resumed run shows all five.
        assertEquals(5, ModelFile.readCheckpoint(ckpt).config().get("history").lines().count());
        StoredModel a = ModelFile.readModel(full);
        StoredModel b = ModelFile.readModel(part);
        for (int l = 0; l < a.layers().size(); l++) {
            assertArrayEquals(a.layers().get(l).weights(), b.layers().get(l).weights(), "W" + (l + 1));
            assertArrayEquals(a.layers().get(l).biases(), b.layers().get(l).biases(), "b" + (l + 1));
        }
        // A resumed run keeps its settings: a different learning rate is refused.
        assertExit(2, lanes("train", "--data", data.toString(), "--resume", ckpt.toString(), "--epochs", "6",
                "--lr", "0.5", "--out", part.toString()), "--lr 0.5 differs");
        // ... and so is other data.
        assertExit(3, lanes("train", "--data", blobs.toString(), "--resume", ckpt.toString(), "--epochs", "6",
                "--out", part.toString()), "is not the data the checkpoint");
    }

    @Test
    void trainOnOneAndOnFourThreadsWritesIdenticalParameters() throws IOException {
        // Layers wide enough and batches large enough that the step is cut into row shards and
        // gradient pieces on four threads; dropout too, whose masks must not depend on the split.
        StoredModel[] models = new StoredModel[3];
        String[] threads = {"1", "4", "3"};
        for (int i = 0; i < threads.length; i++) {
            Path out = dir.resolve("threads-" + threads[i] + ".lanes");
            Run r = lanes("train", "--layers", "64-256-256-10", "--batch", "256", "--epochs", "2", "--dropout", "0.1",
                    "--threads", threads[i], "--out", out.toString(), "--no-plot", "--progress", "log");
            assertEquals(0, r.code(), r::toString);
            models[i] = ModelFile.readModel(out);
        }
        for (int i = 1; i < models.length; i++) {
            for (int l = 0; l < models[0].layers().size(); l++) {
                String what = threads[i] + " threads, layer " + (l + 1);
                assertArrayEquals(models[0].layers().get(l).weights(), models[i].layers().get(l).weights(), what);
                assertArrayEquals(models[0].layers().get(l).biases(), models[i].layers().get(l).biases(), what);
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    // ----------------------------------------------------------------------- IDX and regression

    /** An IDX images/labels pair of 4×4 images where class k lights pixel 5k; the labels gzipped. */
    static Path[] idxPair(int count) throws IOException {
        ByteBuffer img = ByteBuffer.allocate(16 + count * 16);
        img.putInt(0x00000803).putInt(count).putInt(4).putInt(4);
        ByteBuffer lab = ByteBuffer.allocate(8 + count);
        lab.putInt(0x00000801).putInt(count);
        Random r = new Random(3);
        for (int i = 0; i < count; i++) {
            int k = i % 3;
            byte[] px = new byte[16];
            for (int j = 0; j < 16; j++) {
                px[j] = (byte) r.nextInt(40);
            }
            px[5 * k] = (byte) 250;
            img.put(px);
            lab.put((byte) k);
        }
        Path images = Files.write(dir.resolve("images.idx"), img.array());
        Path labels = dir.resolve("labels.idx.gz");
        try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(labels))) {
            gz.write(lab.array());
        }
        return new Path[] {images, labels};
    }

    /**
     * Constant feature columns are named in a warning: one constant from the start, one that
     * differs only in the last row (not constant), one that is 0.0 and once -0.0 (differs, as the
     * bits do), and a file where every column varies (no warning).
     */
    @Test
    void constantFeatureColumnsAreNamed() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,c,d,e,label\n");
        for (int i = 0; i < 30; i++) {
            sb.append(i).append(",5,").append(i == 29 ? 8 : 7).append(',').append(i == 3 ? "-0.0" : "0.0")
                    .append(",2,").append("xy".charAt(i % 2)).append('\n');
        }
        Path data = file("constant.csv", sb.toString());
        Run t = lanes("train", "--data", data.toString(), "--epochs", "1", "--no-plot", "--out",
                dir.resolve("constant.lanes").toString());
        assertEquals(0, t.code(), t::toString);
        assertTrue(t.err().contains("2 of 5 feature columns are constant (1-based: [2, 5])"), t.err());
        Run v = lanes("train", "--data", blobs.toString(), "--epochs", "1", "--no-plot", "--out",
                dir.resolve("varies.lanes").toString());
        assertEquals(0, v.code(), v::toString);
        assertFalse(v.err().contains("constant"), v.err());
    }

    /**
     * {@code train} starts its warm-up before reading the data when --layers gives every width; it
     * guesses the loss from the data options. The guess must be the network actually trained, or
     * the early warm-up is wasted and a second one runs after the data is read.
     */
    @Test
    void theNetworkGuessedBeforeTheDataIsReadIsTheOneTrained() throws IOException {
        Path[] idx = idxPair(30);
        Path linear = file("guess-linear.csv", "a,b,y\n1,2,3\n2,1,4\n3,3,5\n0,1,1\n1,1,2\n2,2,4\n");
        List<List<String>> cases = List.of(
                List.of("--data", blobs.toString(), "--layers", "2,8,3"),
                List.of("--data", blobs.toString(), "--layers", "2,5,4,3", "--activation", "tanh", "--dropout", "0.2"),
                List.of("--data", idx[0].toString(), "--labels", idx[1].toString(), "--layers", "16,3"),
                List.of("--task", "regression", "--data", linear.toString(), "--layers", "2,4,1"),
                List.of("--data", "digits", "--layers", "64,16,10", "--loss", "mse", "--output-activation", "sigmoid"));
        int n = 0;
        for (List<String> c : cases) {
            Path out = dir.resolve("guess" + n++ + ".lanes");
            List<String> all = new java.util.ArrayList<>(List.of("train"));
            all.addAll(c);
            all.addAll(List.of("--epochs", "1", "--no-plot", "--test", "0", "--validation", "0", "--out", out.toString()));
            String[] args = all.toArray(String[]::new);
            var guess = guessBeforeReading(args);
            Run t = lanes(args);
            assertEquals(0, t.code(), t::toString);
            assertEquals(dev.lanes.io.Models.specOf(ModelFile.readModel(out), out), guess, c::toString);
        }
        // No guess without every width: the default layers depend on the data.
        assertEquals(null, guessBeforeReading("train", "--data", blobs.toString()));
    }

    /** The network {@code train} would warm up before reading its data, for these arguments. */
    private static dev.lanes.nn.NetworkSpec guessBeforeReading(String... args) {
        PrintWriter quiet = new PrintWriter(new StringWriter());
        picocli.CommandLine sub = Main.commandLine(quiet, quiet, args).parseArgs(args).subcommand().commandSpec()
                .commandLine();
        return ((TrainCommand) sub.getCommand()).guessSpec(sub);
    }

    @Test
    void idxImagesAndGzippedLabelsTrainAndEvaluate() throws IOException {
        Path[] idx = idxPair(60);
        Path out = dir.resolve("idx.lanes");
        Run t = lanes("train", "--data", idx[0].toString(), "--labels", idx[1].toString(), "--epochs", "5",
                "--layers", "16,3", "--lr", "0.05", "--out", out.toString(), "--no-plot");
        assertEquals(0, t.code(), t::toString);
        assertTrue(t.out().contains("16 features, 3 classes"), t.out());
        Run e = lanes("eval", "--model", out.toString(), "--data", idx[0].toString(), "--labels", idx[1].toString());
        assertEquals(0, e.code(), e::toString);
        assertTrue(e.out().contains("60 rows"), e.out());
        byte[] img = Files.readAllBytes(idx[0]);
        Path cut = Files.write(dir.resolve("cut.idx"), Arrays.copyOf(img, img.length - 10));
        assertExit(3, lanes("eval", "--model", out.toString(), "--data", cut.toString(), "--labels", idx[1].toString()),
                "cut.idx");
    }

    @Test
    void separateIdxTestSetAndIdxPredictionAndTheMissingLabelsHint() throws IOException {
        Path[] idx = idxPair(60);
        Path out = dir.resolve("idx-test.lanes");
        Run t = lanes("train", "--data", idx[0].toString(), "--labels", idx[1].toString(),
                "--test-data", idx[0].toString(), "--test-labels", idx[1].toString(), "--epochs", "5",
                "--layers", "16-3", "--lr", "0.05", "--out", out.toString(), "--no-plot", "--progress", "log");
        assertEquals(0, t.code(), t::toString);
        // All 60 rows train (54) and validate (6); the separate file is the test set.
        assertTrue(t.out().contains("54 training, 6 validation, 60 test in"), t.out());
        assertTrue(t.out().contains("preprocessing: none (auto: IDX pixels are already scaled to [0, 1])"), t.out());
        assertTrue(t.out().contains("test: loss"), t.out());
        assertExit(2, lanes("train", "--data", idx[0].toString(), "--labels", idx[1].toString(),
                "--test-data", idx[0].toString(), "--test-labels", idx[1].toString(), "--test", "0.3"),
                "--test-data");

        // predict reads IDX images without labels, at full precision.
        Run p = lanes("predict", "--model", out.toString(), "--data", idx[0].toString());
        assertEquals(0, p.code(), p::toString);
        String[] lines = p.out().split("\n");
        assertEquals(61, lines.length, p.out());
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            for (int j = 1; j < f.length; j++) {
                float v = Float.parseFloat(f[j]);
                assertEquals(f[j], Float.toString(v), "not the shortest exact form: " + lines[i]);
            }
        }
        Run j = lanes("predict", "--model", out.toString(), "--data", idx[0].toString(), "--format", "JSON");
        assertEquals(0, j.code(), j::toString);
        assertTrue(j.out().startsWith("[\n{\"class\":\"") && j.out().contains("\"probabilities\":["), j.out());
        assertEquals(62, j.out().split("\n").length, j.out());

        // An IDX images file without --labels gets a hint, not a CSV parse error.
        assertExit(3, lanes("train", "--data", idx[0].toString()), "IDX file (images, 60 × 4 × 4)", "--labels");
        assertExit(3, lanes("eval", "--model", out.toString(), "--data", idx[0].toString()), "--labels");
    }

    @Test
    void labelColumnByNameOrIndex() throws IOException {
        StringBuilder sb = new StringBuilder("label,x,y\n");
        for (String line : blobCsv(60, 9).lines().skip(1).toList()) {
            String[] f = line.split(",");
            sb.append(f[2]).append(',').append(f[0]).append(',').append(f[1]).append('\n');
        }
        Path first = file("label-first.csv", sb.toString());
        for (String spec : new String[] {"label", "0"}) {
            Run r = lanes("train", "--data", first.toString(), "--label-column", spec, "--epochs", "2",
                    "--layers", "2-4-3", "--no-plot", "--out", dir.resolve("lc.lanes").toString());
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().contains("2 features, 3 classes"), r.out());
        }
        assertExit(3, lanes("train", "--data", first.toString(), "--label-column", "colour"),
                "no such column", "label, x, y");
    }

    @Test
    void regressionTrainsEvaluatesAndPredictsValues() throws IOException {
        Random r = new Random(5);
        StringBuilder sb = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 120; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            sb.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f%n", a, b, 2 * a - b + 0.01 * r.nextGaussian()));
        }
        Path data = file("linear.csv", sb.toString());
        Path out = dir.resolve("linear.lanes");
        Run t = lanes("train", "--task", "regression", "--data", data.toString(), "--layers", "2,1",
                "--activation", "identity", "--lr", "0.05", "--epochs", "40", "--out", out.toString(), "--no-plot");
        assertEquals(0, t.code(), t::toString);
        assertFalse(t.out().contains("acc "), t.out());
        Matcher m = Pattern.compile("test: loss \\(mse\\) ([0-9.e-]+)").matcher(t.out());
        assertTrue(m.find(), t.out());
        assertTrue(Double.parseDouble(m.group(1)) < 0.05, t.out());
        Run e = lanes("eval", "--model", out.toString(), "--data", data.toString());
        assertEquals(0, e.code(), e::toString);
        assertTrue(e.out().contains("MAE") && e.out().contains("RMSE") && e.out().contains("R²"), e.out());
        Run ej = lanes("eval", "--model", out.toString(), "--data", data.toString(), "--json");
        assertTrue(ej.out().contains("\"r2\":") && ej.out().contains("\"rootMeanSquaredError\":"), ej.out());
        Path in = file("ab.csv", "1,0\n0,1\n");
        Run p = lanes("predict", "--model", out.toString(), "--data", in.toString());
        assertEquals(0, p.code(), p::toString);
        String[] lines = p.out().split("\n");
        assertEquals("y0", lines[0]);
        assertEquals(2.0, Double.parseDouble(lines[1]), 0.2);
        assertEquals(-1.0, Double.parseDouble(lines[2]), 0.2);
    }

    // ------------------------------------------------------------------------------- bad input

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad number    | x,y,label\\n1,2,a\\n1,zz,b\\n      | :3:2",
        "column count  | x,y,label\\n1,2,a\\n1,2,3,b\\n     | :3",
        "NaN           | x,y,label\\n1,2,a\\n1,NaN,b\\n     | :3:2",
        "Infinity      | x,y,label\\n1,2,a\\nInf,1,b\\n     | :3:1",
    })
    void malformedTrainingDataExitsWith3AndNamesTheSpot(String name, String content, String where) throws IOException {
        Path f = file(name.replace(' ', '_') + ".csv", content.replace("\\n", "\n"));
        assertExit(3, lanes("train", "--data", f.toString(), "--epochs", "1", "--out", dir.resolve("x.lanes").toString()),
                f.getFileName() + where);
    }

    @Test
    void emptyAndMissingDataExitWith3() throws IOException {
        Path empty = file("empty.csv", "");
        Run r = lanes("train", "--data", empty.toString(), "--epochs", "1", "--out", dir.resolve("x.lanes").toString());
        assertExit(3, r, "empty.csv: empty file");
        Path missing = dir.resolve("missing.csv");
        assertExit(3, lanes("eval", "--model", model.toString(), "--data", missing.toString()), missing + ": no such file");
        assertExit(3, lanes("train", "--data", "images.idx", "--labels", missing.toString()), "no such file");
    }

    @Test
    void unknownLabelInEvaluationDataExitsWith3() throws IOException {
        Path f = file("unknown.csv", "x,y,label\n0,0,a\n4,3,banana\n");
        assertExit(3, lanes("eval", "--model", model.toString(), "--data", f.toString()), "unknown.csv:3:3", "banana");
    }

    @Test
    void shapeMismatchNamesBothShapes() throws IOException {
        assertExit(3, lanes("eval", "--model", model.toString(), "--data", "digits"),
                "shape mismatch", "64 features", "takes 2 features");
        Path wide = file("wide.csv", "1,2,3\n");
        assertExit(3, lanes("predict", "--model", model.toString(), "--data", wide.toString()),
                wide + ":1", "3 fields", "takes 2 features");
        assertExit(3, lanes("train", "--data", blobs.toString(), "--layers", "2,8,4"),
                "output layer has 4 units", "3 classes");
        assertExit(3, lanes("train", "--data", blobs.toString(), "--layers", "5,8,3"),
                "input layer has 5 units", "2 features");
    }

    @Test
    void badPredictInputExitsWith3() throws IOException {
        Path nan = file("nan-features.csv", "1,2\n3,nan\n");
        assertExit(3, lanes("predict", "--model", model.toString(), "--data", nan.toString()),
                nan + ":2:2", "not a finite number");
        Path word = file("word-features.csv", "1,2\n3,abc\n");
        assertExit(3, lanes("predict", "--model", model.toString(), "--data", word.toString()), word + ":2:2", "not a number");
        Path empty = file("empty-features.csv", "x,y\n");
        assertExit(3, lanes("predict", "--model", model.toString(), "--data", empty.toString()), "no data rows");
    }

    @Test
    void damagedModelFilesExitWith3NamingFileAndProblem() throws IOException {
        byte[] good = Files.readAllBytes(model);
        Path truncated = dir.resolve("truncated.lanes");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        assertExit(3, lanes("eval", "--model", truncated.toString(), "--data", blobs.toString()), truncated + ": is truncated");

        Path corrupt = dir.resolve("corrupt.lanes");
        byte[] c = good.clone();
        c[c.length / 2] ^= 1;
        Files.write(corrupt, c);
        assertExit(3, lanes("predict", "--model", corrupt.toString(), "--data", blobs.toString()), corrupt + ": is corrupted");

        Path v9 = dir.resolve("v9.lanes");
        byte[] v = good.clone();
        ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 9);
        Files.write(v9, v);
        assertExit(3, lanes("eval", "--model", v9.toString(), "--data", blobs.toString()), v9 + ": has format version 9");

        assertExit(3, lanes("eval", "--model", blobs.toString(), "--data", blobs.toString()),
                blobs + ": is not a Lanes model file");
        assertExit(3, lanes("train", "--data", blobs.toString(), "--resume", model.toString()),
                model + ": is a Lanes model file, but a checkpoint file is needed");

        // An activation this Lanes does not know, in an otherwise valid file.
        StoredModel m = ModelFile.readModel(model);
        Path odd = dir.resolve("odd.lanes");
        byte[] o = Files.readAllBytes(model);
        String s = new String(o, java.nio.charset.StandardCharsets.ISO_8859_1).replace("relu", "mish");
        byte[] p = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int n = (int) ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
        CRC32 crc = new CRC32();
        crc.update(p, 0, 24 + n);
        ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + n, (int) crc.getValue());
        Files.write(odd, p);
        assertEquals("relu", m.layers().get(0).activation());
        assertExit(3, lanes("eval", "--model", odd.toString(), "--data", blobs.toString()), "activation 'mish'");
    }

    // ------------------------------------------------------------------------- gradcheck, bench

    @Test
    void gradcheckPassesAndFailsWithExitCodes() {
        Run ok = lanes("gradcheck");
        assertEquals(0, ok.code(), ok::toString);
        assertTrue(ok.out().contains("W1") && ok.out().contains("b3") && ok.out().contains("PASSED"), ok.out());
        Run mse = lanes("gradcheck", "--loss", "mse", "--activation", "sigmoid", "--kernels", "reference");
        assertEquals(0, mse.code(), mse::toString);
        // A finite-difference step of 1 is far too coarse: the check must notice and exit 1.
        Run bad = lanes("gradcheck", "--loss", "mse", "--activation", "tanh", "--epsilon", "1");
        assertEquals(1, bad.code(), bad::toString);
        assertTrue(bad.out().contains("FAILED") && bad.out().contains("ABOVE THRESHOLD"), bad.out());
    }

    @Test
    void benchPrintsJsonAndWritesChart() throws IOException {
        Path png = dir.resolve("bench.png");
        Run r = lanes("bench", "--sizes", "16,9x7x5", "--runs", "1", "--warmup", "0", "--min-time", "5",
                "--step", "12,8,3", "--step-batch", "4", "--json", "--chart", png.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("{") && r.out().contains("\"gemm\":[") && r.out().contains("\"m\":9,\"k\":7,\"n\":5")
                && r.out().contains("\"trainingStep\":{\"sizes\":[12,8,3],\"batch\":4")
                && r.out().contains("\"warmup\":0,\"kernelWarmup\":false,"),
                r.out());
        assertEquals(0x89, Files.readAllBytes(png)[0] & 0xff);
    }

    @Test
    void benchWarmsTheSimdKernelsUpUnlessWarmupIsZero() {
        Run warm = lanes("bench", "--sizes", "16", "--runs", "1", "--warmup", "1", "--min-time", "1", "--no-step");
        assertEquals(0, warm.code(), warm::toString);
        assertTrue(warm.out().contains("; kernel warm-up ") && warm.out().contains(" s, then 1 warm-up samples, median of 1"),
                warm.out());
        Run json = lanes("bench", "--sizes", "16", "--runs", "1", "--warmup", "1", "--min-time", "1", "--no-step", "--json");
        assertEquals(0, json.code(), json::toString);
        assertTrue(json.out().contains("\"warmup\":1,\"kernelWarmup\":true,"), json.out());
        Run cold = lanes("bench", "--sizes", "16", "--runs", "1", "--warmup", "0", "--min-time", "1", "--no-step");
        assertEquals(0, cold.code(), cold::toString);
        assertTrue(cold.out().contains("; no warm-up, median of 1") && !cold.out().contains("kernel warm-up"), cold.out());
    }
}
