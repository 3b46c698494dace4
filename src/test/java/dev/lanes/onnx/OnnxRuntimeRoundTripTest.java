package dev.lanes.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanes.io.Model;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.predict.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Lanes models exported to ONNX and run by ONNX Runtime give Lanes' outputs within 1e-5 on 1,000
 * rows, for every activation and both losses; and the exported file imports back to the same
 * model.
 */
class OnnxRuntimeRoundTripTest {

    static final int ROWS = 1000;

    @TempDir
    Path dir;

    /** Runs ONNX bytes on ONNX Runtime: rows×n in, rows×outputs out (row-major). */
    static float[] runOrt(byte[] model, float[] x, int rows, int n) throws OrtException {
        return runOrt(model, x, rows, new long[] {rows, n});
    }

    /** As above, with the input tensor's shape given (rows first). */
    static float[] runOrt(byte[] model, float[] x, int rows, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, opts);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
                float[][] y = (float[][]) r.get(0).getValue();
                float[] flat = new float[rows * y[0].length];
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(y[i], 0, flat, i * y[i].length, y[i].length);
                }
                return flat;
            }
        }
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i]));
            worst = Math.max(worst, err);
            if (!(err <= tol)) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
        System.out.println(what + ": largest difference " + worst);
    }

    @Test
    void everyActivationAndLossMatchesOnnxRuntime() throws Exception {
        Random rnd = new Random(21);
        for (Activation act : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.RELU,
                Activation.IDENTITY, Activation.GELU, Activation.SILU}) {
            for (Loss loss : Loss.values()) {
                Model model = TestModels.model(30, new int[] {24, 16}, 6, act, loss, 5, Kernels.best());
                float[] x = TestModels.rows(rnd, ROWS, 30);
                float[] lanes = model.predict(x, ROWS);
                byte[] onnx = Onnx.toBytes(model);
                String what = act + " " + loss;
                assertClose(lanes, runOrt(onnx, x, ROWS, 30), 1e-5, what + ", ONNX Runtime vs Lanes");

                Path file = dir.resolve(act + "-" + loss + ".onnx");
                Onnx.write(model, file);
                Model back = Onnx.read(file);
                assertClose(lanes, back.predict(x, ROWS), 1e-6, what + ", imported back vs Lanes");
                assertEquals(model.classNames(), back.classNames());
                assertEquals(model.network().spec().outputLayer(), back.network().spec().outputLayer());
                assertEquals(model.network().spec().loss(), back.network().spec().loss());
                assertEquals(model.metadata().get("test"), back.metadata().get("test"));
            }
        }
    }
}
