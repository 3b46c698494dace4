package dev.lanes.io;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.predict.TestModels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python reader printed in docs/model-format.md, run as written on model files Lanes writes
 * (every activation, dropout, standardization, both losses): a forward pass in numpy over what it
 * read gives Lanes' predictions within 1e-5. Skipped, with a message saying so, where no
 * {@code python3} with numpy exists.
 */
class PythonReaderTest {

    private static final String DRIVER = """

            import sys
            m = read_lanes(sys.argv[1])
            x = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2).astype(np.float64)
            if m["mean"] is not None:
                x = (x - m["mean"]) / m["std"]
            acts = {
                "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
                "tanh": np.tanh, "identity": lambda z: z,
                "gelu": lambda z: 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3))),
                "silu": lambda z: z / (1 + np.exp(-z)),
                "softmax": lambda z: np.exp(z - z.max(axis=1, keepdims=True))
                           / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)}
            for W, b, act in m["layers"]:
                x = acts[act](x @ W.astype(np.float64).T + b)
            np.savetxt(sys.stdout, x, delimiter=",", fmt="%.9g")
            print("classes", ",".join(m["classes"]), "loss", m["loss"], file=sys.stderr)
            """;

    @TempDir
    Path dir;

    static String readerFromDocs() throws Exception {
        String doc = Files.readString(Path.of("docs", "model-format.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(), "docs/model-format.md has no python block");
        return m.group(1);
    }

    static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void theDocumentedReaderReadsWhatLanesWrites() throws Exception {
        String reader = readerFromDocs();
        if (!pythonWithNumpy()) {
            System.out.println("PythonReaderTest: SKIPPED — no python3 with numpy on this machine, so the reader "
                    + "in docs/model-format.md was not run");
            Assumptions.abort("no python3 with numpy");
        }
        Path script = dir.resolve("reader.py");
        Files.writeString(script, reader + DRIVER);
        Random rnd = new Random(4);
        for (Activation act : new Activation[] {Activation.RELU, Activation.SIGMOID, Activation.TANH,
                Activation.IDENTITY, Activation.GELU, Activation.SILU}) {
            for (Loss loss : Loss.values()) {
                Model model = TestModels.model(9, new int[] {7, 5}, 4, act, loss, 3, Kernels.reference());
                Path file = dir.resolve("m.lanes");
                model.save(file);
                int rows = 20;
                float[] x = TestModels.rows(rnd, rows, 9);
                StringBuilder csv = new StringBuilder();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < 9; j++) {
                        csv.append(j == 0 ? "" : ",").append(x[r * 9 + j]);
                    }
                    csv.append('\n');
                }
                Path data = dir.resolve("x.csv");
                Files.writeString(data, csv);
                Path out = dir.resolve("out.txt");
                Path err = dir.resolve("err.txt");
                Process p = new ProcessBuilder("python3", script.toString(), file.toString(), data.toString())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                assertTrue(p.waitFor(5, TimeUnit.MINUTES), "python3 did not finish");
                assertEquals(0, p.exitValue(), () -> "the documented reader failed:\n" + read(err));
                float[] expected = model.predict(x, rows);
                List<String> lines = Files.readAllLines(out);
                assertEquals(rows, lines.size());
                for (int r = 0; r < rows; r++) {
                    String[] f = lines.get(r).split(",");
                    assertEquals(4, f.length);
                    for (int j = 0; j < 4; j++) {
                        double v = Double.parseDouble(f[j]);
                        double e = expected[r * 4 + j];
                        assertTrue(Math.abs(v - e) <= 1e-5 * Math.max(1, Math.abs(e)),
                                act + " " + loss + " row " + r + " output " + j + ": python " + v + ", Lanes " + e);
                    }
                }
                String tail = read(err);
                assertTrue(tail.contains("loss " + (loss == Loss.MSE ? "mse" : "cross-entropy")), tail);
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(" + p + " unreadable: " + e + ")";
        }
    }
}
