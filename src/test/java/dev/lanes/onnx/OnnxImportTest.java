package dev.lanes.onnx;

import dev.lanes.io.Model;
import dev.lanes.io.ModelFileException;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.predict.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graphs written the way PyTorch and Keras (tf2onnx) export fully connected networks, run by ONNX
 * Runtime and imported by Lanes, give the same outputs on 1,000 rows; unsupported and malformed
 * graphs give the documented errors.
 */
class OnnxImportTest {

    private static final Path FILE = Path.of("net.onnx");

    /** A graph under construction, written with the package's protocol-buffer writer. */
    static final class G {
        final ProtoWriter graph = new ProtoWriter();
        final Random rnd = new Random(5);
        int opset = 13;
        long[] inputDims;

        G node(String op, String name, List<String> in, String out, ProtoWriter... attrs) {
            ProtoWriter n = new ProtoWriter();
            in.forEach(s -> n.string(1, s));
            n.string(2, out).string(3, name).string(4, op);
            for (ProtoWriter a : attrs) {
                n.message(5, a);
            }
            graph.message(1, n);
            return this;
        }

        G tensor(String name, float[] v, long... dims) {
            ProtoWriter t = new ProtoWriter();
            for (long d : dims) {
                t.varint(1, d);
            }
            t.varint(2, OnnxGraph.FLOAT).string(8, name);
            for (float f : v) {
                t.float32(4, f);      // float_data, unpacked, as some writers do
            }
            graph.message(5, t);
            return this;
        }

        float[] random(int n, double scale) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (rnd.nextGaussian() * scale);
            }
            return v;
        }

        static ProtoWriter floatAttr(String name, float v) {
            return new ProtoWriter().string(1, name).float32(2, v).varint(20, OnnxGraph.ATTR_FLOAT);
        }

        static ProtoWriter info(String name, long... dims) {
            ProtoWriter shape = new ProtoWriter();
            for (long d : dims) {
                shape.message(1, d < 0 ? new ProtoWriter().string(2, "N") : new ProtoWriter().varint(1, d));
            }
            ProtoWriter tensor = new ProtoWriter().varint(1, OnnxGraph.FLOAT).message(2, shape);
            return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
        }

        byte[] bytes(String input, String output, long[] in, long[] out) {
            graph.message(11, info(input, in)).message(12, info(output, out));
            return new ProtoWriter().varint(1, 7).string(2, "test").message(7, graph)
                    .message(8, new ProtoWriter().string(1, "").varint(2, opset)).toByteArray();
        }
    }

    /** nn.Sequential(Flatten, Linear, ReLU, Linear, Tanh, Linear, Softmax) as torch.onnx.export writes it. */
    static byte[] pytorchStyle() {
        G g = new G();
        g.opset = 11;
        g.tensor("fc1.weight", g.random(20 * 16, 0.3), 20, 16).tensor("fc1.bias", g.random(20, 0.1), 20)
                .tensor("fc2.weight", g.random(12 * 20, 0.3), 12, 20).tensor("fc2.bias", g.random(12, 0.1), 12)
                .tensor("fc3.weight", g.random(5 * 12, 0.3), 5, 12).tensor("fc3.bias", g.random(5, 0.1), 5);
        // x = (x - mean) / std as the model's own first step: two Constant nodes.
        ProtoWriter mean = constantTensor(g.random(16, 1), 16);
        float[] std = new float[16];
        for (int i = 0; i < 16; i++) {
            std[i] = 0.5f + i * 0.1f;
        }
        g.graph.message(1, new ProtoWriter().string(2, "onnx::Sub_1").string(3, "/Constant").string(4, "Constant")
                .message(5, new ProtoWriter().string(1, "value").message(5, mean).varint(20, 4)));
        g.graph.message(1, new ProtoWriter().string(2, "onnx::Div_2").string(3, "/Constant_1").string(4, "Constant")
                .message(5, new ProtoWriter().string(1, "value").message(5, constantTensor(std, 16)).varint(20, 4)));
        g.node("Flatten", "/flatten/Flatten", List.of("input.1"), "/flatten/Flatten_output_0",
                        OnnxExport.intAttribute("axis", 1))
                .node("Sub", "/Sub", List.of("/flatten/Flatten_output_0", "onnx::Sub_1"), "/Sub_output_0")
                .node("Div", "/Div", List.of("/Sub_output_0", "onnx::Div_2"), "/Div_output_0")
                .node("Gemm", "/fc1/Gemm", List.of("/Div_output_0", "fc1.weight", "fc1.bias"), "/fc1/Gemm_output_0",
                        G.floatAttr("alpha", 1f), G.floatAttr("beta", 1f), OnnxExport.intAttribute("transB", 1))
                .node("Relu", "/relu/Relu", List.of("/fc1/Gemm_output_0"), "/relu/Relu_output_0")
                .node("Dropout", "/drop/Dropout", List.of("/relu/Relu_output_0"), "/drop/Dropout_output_0")
                .node("Gemm", "/fc2/Gemm", List.of("/drop/Dropout_output_0", "fc2.weight", "fc2.bias"),
                        "/fc2/Gemm_output_0", OnnxExport.intAttribute("transB", 1))
                .node("Tanh", "/act/Tanh", List.of("/fc2/Gemm_output_0"), "/act/Tanh_output_0")
                .node("Gemm", "/fc3/Gemm", List.of("/act/Tanh_output_0", "fc3.weight", "fc3.bias"),
                        "/fc3/Gemm_output_0", OnnxExport.intAttribute("transB", 1))
                .node("Softmax", "/softmax/Softmax", List.of("/fc3/Gemm_output_0"), "17",
                        OnnxExport.intAttribute("axis", 1));
        return g.bytes("input.1", "17", new long[] {-1, 1, 4, 4}, new long[] {-1, 5});
    }

    private static ProtoWriter constantTensor(float[] v, long dim) {
        return new ProtoWriter().varint(1, dim).varint(2, OnnxGraph.FLOAT).bytes(9, ProtoWriter.littleEndian(v));
    }

    /** Keras Sequential(BatchNormalization, Dense(relu), Dense(sigmoid), Dense(softmax)) through tf2onnx. */
    static byte[] kerasStyle() {
        G g = new G();
        g.tensor("bn/gamma", abs(g.random(16, 1)), 16).tensor("bn/beta", g.random(16, 0.5), 16)
                .tensor("bn/moving_mean", g.random(16, 1), 16).tensor("bn/moving_variance", abs(g.random(16, 2)), 16)
                .tensor("dense/MatMul/ReadVariableOp:0", g.random(16 * 24, 0.3), 16, 24)
                .tensor("dense/BiasAdd/ReadVariableOp:0", g.random(24, 0.1), 24)
                .tensor("dense_1/MatMul/ReadVariableOp:0", g.random(24 * 8, 0.3), 24, 8)
                .tensor("dense_1/BiasAdd/ReadVariableOp:0", g.random(8, 0.1), 8)
                .tensor("dense_2/MatMul/ReadVariableOp:0", g.random(8 * 3, 0.3), 8, 3)
                .tensor("dense_2/BiasAdd/ReadVariableOp:0", g.random(3, 0.1), 3);
        g.node("BatchNormalization", "bn", List.of("input_1", "bn/gamma", "bn/beta", "bn/moving_mean",
                        "bn/moving_variance"), "bn:0", G.floatAttr("epsilon", 0.001f))
                .node("MatMul", "dense/MatMul", List.of("bn:0", "dense/MatMul/ReadVariableOp:0"), "dense/MatMul:0")
                .node("Add", "dense/BiasAdd", List.of("dense/MatMul:0", "dense/BiasAdd/ReadVariableOp:0"), "dense/BiasAdd:0")
                .node("Relu", "dense/Relu", List.of("dense/BiasAdd:0"), "dense/Relu:0")
                .node("MatMul", "dense_1/MatMul", List.of("dense/Relu:0", "dense_1/MatMul/ReadVariableOp:0"), "d1:0")
                .node("Add", "dense_1/BiasAdd", List.of("d1:0", "dense_1/BiasAdd/ReadVariableOp:0"), "d1b:0")
                .node("Sigmoid", "dense_1/Sigmoid", List.of("d1b:0"), "d1s:0")
                .node("MatMul", "dense_2/MatMul", List.of("d1s:0", "dense_2/MatMul/ReadVariableOp:0"), "d2:0")
                .node("Add", "dense_2/BiasAdd", List.of("d2:0", "dense_2/BiasAdd/ReadVariableOp:0"), "d2b:0")
                .node("Softmax", "dense_2/Softmax", List.of("d2b:0"), "dense_2", OnnxExport.intAttribute("axis", -1));
        return g.bytes("input_1", "dense_2", new long[] {-1, 16}, new long[] {-1, 3});
    }

    private static float[] abs(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]) + 0.1f;
        }
        return v;
    }

    private static void compareWithOnnxRuntime(byte[] onnx, int n, String what) throws Exception {
        compareWithOnnxRuntime(onnx, n, new long[] {OnnxRuntimeRoundTripTest.ROWS, n}, what);
    }

    private static void compareWithOnnxRuntime(byte[] onnx, int n, long[] shape, String what) throws Exception {
        Model m = Model.fromStored(Onnx.fromBytes(onnx, FILE), Kernels.best(), FILE);
        float[] x = TestModels.rows(new Random(9), OnnxRuntimeRoundTripTest.ROWS, n);
        float[] ort = OnnxRuntimeRoundTripTest.runOrt(onnx, x, OnnxRuntimeRoundTripTest.ROWS, shape);
        OnnxRuntimeRoundTripTest.assertClose(ort, m.predict(x, OnnxRuntimeRoundTripTest.ROWS), 1e-5, what);
    }

    @Test
    void pytorchStyleGraphsImportToTheSameFunction() throws Exception {
        byte[] onnx = pytorchStyle();
        compareWithOnnxRuntime(onnx, 16, new long[] {OnnxRuntimeRoundTripTest.ROWS, 1, 4, 4}, "PyTorch style (Flatten, Sub/Div constants, Gemm transB=1, Dropout)");
        Model m = Model.fromStored(Onnx.fromBytes(onnx, FILE), Kernels.reference(), FILE);
        assertEquals("[16, 20, 12, 5]", java.util.Arrays.toString(m.network().spec().sizes()));
        assertEquals(List.of("0", "1", "2", "3", "4"), m.classNames());
        assertEquals(Loss.CROSS_ENTROPY, m.network().spec().loss());
    }

    @Test
    void kerasStyleGraphsImportToTheSameFunction() throws Exception {
        compareWithOnnxRuntime(kerasStyle(), 16, "Keras style (BatchNormalization, MatMul + Add)");
    }

    @Test
    void gemmWithoutTransposeAndWithAlphaBeta() throws Exception {
        G g = new G();
        g.tensor("W", g.random(6 * 4, 0.5), 6, 4).tensor("C", g.random(4, 0.5), 1, 4);
        g.node("Gemm", "g", List.of("x", "W", "C"), "y", G.floatAttr("alpha", 0.5f), G.floatAttr("beta", 2f));
        compareWithOnnxRuntime(g.bytes("x", "y", new long[] {-1, 6}, new long[] {-1, 4}), 6, "Gemm transB=0 alpha beta");
    }

    @Test
    void unsupportedOperatorsAreNamedWithTheirNode() {
        G g = new G();
        g.tensor("W", g.random(6 * 4, 0.5), 4, 6);
        g.node("Gemm", "fc", List.of("x", "W"), "z", OnnxExport.intAttribute("transB", 1))
                .node("LeakyRelu", "act/leaky", List.of("z"), "y");
        byte[] onnx = g.bytes("x", "y", new long[] {-1, 6}, new long[] {-1, 4});
        ModelFileException e = assertThrows(ModelFileException.class, () -> Onnx.fromBytes(onnx, FILE));
        assertTrue(e.getMessage().contains("node 'act/leaky' (#1) uses the operator LeakyRelu")
                && e.getMessage().contains("Lanes imports chains of Gemm"), e.getMessage());

        G h = new G();
        h.opset = 20;
        h.tensor("W", h.random(6 * 4, 0.5), 4, 6);
        h.node("Gemm", "fc", List.of("x", "W"), "z", OnnxExport.intAttribute("transB", 1))
                .node("Gelu", "gelu", List.of("z"), "y");
        byte[] exact = h.bytes("x", "y", new long[] {-1, 6}, new long[] {-1, 4});
        e = assertThrows(ModelFileException.class, () -> Onnx.fromBytes(exact, FILE));
        assertTrue(e.getMessage().contains("approximate=\"none\""), e.getMessage());
    }

    @Test
    void malformedFilesFailWithTheFileNamedAndNothingElse() {
        Model model = TestModels.model(7, new int[] {5}, 3, Activation.RELU, Loss.CROSS_ENTROPY, 1, Kernels.reference());
        byte[] good = Onnx.toBytes(model);
        List<String> messages = new ArrayList<>();
        // Every truncation, and random byte changes: a ModelFileException naming the file, or a model.
        for (int cut = 0; cut < good.length; cut += 3) {
            tryRead(java.util.Arrays.copyOf(good, cut), messages);
        }
        Random rnd = new Random(2);
        for (int i = 0; i < 3000; i++) {
            byte[] bad = good.clone();
            for (int k = 0; k <= rnd.nextInt(4); k++) {
                bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
            }
            tryRead(bad, messages);
        }
        assertTrue(messages.size() > 100, "too few corruptions were noticed: " + messages.size());
        // A length field claiming 2 GiB is refused before anything is allocated.
        byte[] hostile = new ProtoWriter().varint(1, 7).toByteArray();
        byte[] withLength = java.util.Arrays.copyOf(hostile, hostile.length + 6);
        withLength[hostile.length] = 0x3a;                       // field 7 (graph), length-delimited
        byte[] len = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        System.arraycopy(len, 0, withLength, hostile.length + 1, 5);
        ModelFileException e = assertThrows(ModelFileException.class, () -> Onnx.fromBytes(withLength, FILE));
        assertTrue(e.getMessage().contains("declares 2147483647 bytes"), e.getMessage());
    }

    private static void tryRead(byte[] bytes, List<String> messages) {
        try {
            Onnx.fromBytes(bytes, FILE);
        } catch (ModelFileException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
            messages.add(e.getMessage());
        }
    }
}
