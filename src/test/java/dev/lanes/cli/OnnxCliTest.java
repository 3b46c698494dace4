package dev.lanes.cli;

import dev.lanes.io.Model;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.predict.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lanes export --format onnx, lanes import, and predict with --model FILE.onnx. */
class OnnxCliTest {

    @TempDir
    Path dir;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void exportImportAndPredictFromOnnx() throws Exception {
        Model model = TestModels.model(6, new int[] {5}, 3, Activation.TANH, Loss.CROSS_ENTROPY, 4, Kernels.reference());
        Path lanes = dir.resolve("m.lanes");
        model.save(lanes);
        Path onnx = dir.resolve("m.onnx");
        String[] r = run("export", "--format", "onnx", "--model", lanes.toString(), "--out", onnx.toString());
        assertEquals("0", r[0], r[2]);
        Path back = dir.resolve("back.lanes");
        r = run("import", onnx.toString(), "--out", back.toString());
        assertEquals("0", r[0], r[2]);

        StringBuilder csv = new StringBuilder();
        float[] x = TestModels.rows(new Random(3), 4, 6);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                csv.append(j == 0 ? "" : ",").append(x[i * 6 + j]);
            }
            csv.append('\n');
        }
        Path data = dir.resolve("rows.csv");
        Files.writeString(data, csv);
        String fromLanes = run("predict", "--model", lanes.toString(), "--data", data.toString(), "--kernels", "reference")[1];
        String fromOnnx = run("predict", "--model", onnx.toString(), "--data", data.toString(), "--kernels", "reference")[1];
        String fromImported = run("predict", "--model", back.toString(), "--data", data.toString(), "--kernels", "reference")[1];
        assertEquals(fromLanes, fromOnnx);
        assertEquals(fromLanes, fromImported);
        assertTrue(fromLanes.startsWith("class,p_class-0"), fromLanes);
    }

    @Test
    void aBrokenOnnxFileIsBadInput() throws Exception {
        Path onnx = dir.resolve("broken.onnx");
        Files.write(onnx, new byte[] {0x3a, (byte) 0xff, 0x7f});
        String[] r = run("import", onnx.toString(), "--out", dir.resolve("x.lanes").toString());
        assertEquals("3", r[0]);
        assertTrue(r[2].contains("broken.onnx: is not a readable ONNX model"), r[2]);
    }
}
