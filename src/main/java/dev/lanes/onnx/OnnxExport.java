package dev.lanes.onnx;

import dev.lanes.io.StoredLayer;
import dev.lanes.io.StoredModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a stored model as an ONNX graph of standard operators: the preprocessing as
 * {@code Sub} and {@code Div} at the front (the same arithmetic Lanes does), each dense layer as
 * one {@code Gemm} with {@code transB = 1} (W is stored units×inputs, as in Lanes) followed by its
 * activation, and {@code Softmax} (last axis) on a softmax output. Dropout is the identity at
 * inference and is left out.
 */
final class OnnxExport {

    /** Opset of graphs without GELU; Gelu is an operator from opset 20 on. */
    static final int OPSET = 13;
    static final int OPSET_GELU = 20;

    private OnnxExport() {
    }

    private static final class Graph {
        final ProtoWriter g = new ProtoWriter();
        final List<ProtoWriter> nodes = new ArrayList<>();
        int counter;

        String node(String op, String name, String[] inputs, String output, ProtoWriter... attributes) {
            ProtoWriter n = new ProtoWriter();
            for (String in : inputs) {
                n.string(1, in);
            }
            n.string(2, output);
            n.string(3, name);
            n.string(4, op);
            for (ProtoWriter a : attributes) {
                n.message(5, a);
            }
            nodes.add(n);
            return output;
        }

        void initializer(String name, long[] dims, float[] values) {
            ProtoWriter t = new ProtoWriter();
            for (long d : dims) {
                t.varint(1, d);
            }
            t.varint(2, OnnxGraph.FLOAT);
            t.string(8, name);
            t.bytes(9, ProtoWriter.littleEndian(values));
            g.message(5, t);
        }
    }

    static ProtoWriter intAttribute(String name, long v) {
        return new ProtoWriter().string(1, name).varint(3, v).varint(20, OnnxGraph.ATTR_INT);
    }

    static ProtoWriter stringAttribute(String name, String v) {
        return new ProtoWriter().string(1, name).string(4, v).varint(20, OnnxGraph.ATTR_STRING);
    }

    /** A 2-D float value: [batch, width], the batch a symbolic dimension. */
    static ProtoWriter valueInfo(String name, int width) {
        ProtoWriter shape = new ProtoWriter()
                .message(1, new ProtoWriter().string(2, "batch"))
                .message(1, new ProtoWriter().varint(1, width));
        ProtoWriter tensor = new ProtoWriter().varint(1, OnnxGraph.FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
    }

    static byte[] toBytes(StoredModel m) {
        Graph graph = new Graph();
        boolean gelu = false;
        String x = Onnx.INPUT;
        if (m.mean() != null) {
            graph.initializer("preprocess.offset", new long[] {m.inputs()}, m.mean());
            graph.initializer("preprocess.divisor", new long[] {m.inputs()}, m.std());
            x = graph.node("Sub", "preprocess.sub", new String[] {x, "preprocess.offset"}, "preprocess.centered");
            x = graph.node("Div", "preprocess.div", new String[] {x, "preprocess.divisor"}, "preprocess.out");
        }
        int fanIn = m.inputs();
        int dense = 0;
        for (int l = 0; l < m.layers().size(); l++) {
            StoredLayer layer = m.layers().get(l);
            if (layer.kind().equals("dropout")) {
                continue;
            }
            if (!layer.isDense()) {
                throw new IllegalArgumentException("layer " + l + " is a " + layer.kind()
                        + " layer; ONNX export handles dense and dropout layers");
            }
            String p = "dense" + dense;
            int units = layer.units();
            graph.initializer(p + ".weight", new long[] {units, fanIn}, layer.weights());
            graph.initializer(p + ".bias", new long[] {units}, layer.biases());
            x = graph.node("Gemm", p + ".gemm", new String[] {x, p + ".weight", p + ".bias"}, p + ".z",
                    intAttribute("transB", 1));
            String act = layer.config().get("activation");
            switch (act) {
                case "relu" -> x = graph.node("Relu", p + ".relu", new String[] {x}, p + ".a");
                case "sigmoid" -> x = graph.node("Sigmoid", p + ".sigmoid", new String[] {x}, p + ".a");
                case "tanh" -> x = graph.node("Tanh", p + ".tanh", new String[] {x}, p + ".a");
                case "gelu" -> {
                    gelu = true;
                    x = graph.node("Gelu", p + ".gelu", new String[] {x}, p + ".a", stringAttribute("approximate", "tanh"));
                }
                case "silu" -> {
                    String s = graph.node("Sigmoid", p + ".sigmoid", new String[] {x}, p + ".s");
                    x = graph.node("Mul", p + ".silu", new String[] {x, s}, p + ".a");
                }
                case "softmax" -> x = graph.node("Softmax", p + ".softmax", new String[] {x}, p + ".a",
                        intAttribute("axis", -1));
                case "identity" -> { }
                default -> throw new IllegalArgumentException("layer " + l + " has the activation '" + act
                        + "', which has no ONNX export");
            }
            fanIn = units;
            dense++;
        }
        if (dense == 0) {
            throw new IllegalArgumentException("the model has no dense layer");
        }
        // The last value produced is the graph's output: rename it.
        String last = x;
        for (int i = 0; i < graph.nodes.size(); i++) {
            ProtoWriter n = graph.nodes.get(i);
            graph.g.message(1, i == graph.nodes.size() - 1 ? renameOutput(n, last) : n);
        }
        graph.g.string(2, "lanes");
        graph.g.message(11, valueInfo(Onnx.INPUT, m.inputs()));
        graph.g.message(12, valueInfo(Onnx.OUTPUT, fanIn));

        ProtoWriter model = new ProtoWriter();
        int opset = gelu ? OPSET_GELU : OPSET;
        model.varint(1, gelu ? 9 : 7);               // IR version of the opset's ONNX release
        model.string(2, "lanes");
        model.string(3, Onnx.FORMAT_VERSION);
        model.message(7, graph.g);
        model.message(8, new ProtoWriter().string(1, "").varint(2, opset));
        for (Map.Entry<String, String> e : Onnx.metadataOf(m).entrySet()) {
            model.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        return model.toByteArray();
    }

    /** The node as written, with its (single) output renamed to the graph output. */
    private static ProtoWriter renameOutput(ProtoWriter node, String from) {
        // Nodes are small: re-read the fields and write them again with the new output name.
        byte[] b = node.toByteArray();
        ProtoReader r = new ProtoReader(b, 0, b.length, "");
        ProtoWriter out = new ProtoWriter();
        try {
            while (r.hasMore()) {
                int tag = r.tag();
                int field = tag >>> 3;
                if (field == 5) {
                    int n = r.length();
                    int start = r.bytesStart(n);
                    out.bytes(5, java.util.Arrays.copyOfRange(b, start, start + n));
                } else {
                    String s = r.string();
                    out.string(field, field == 2 && s.equals(from) ? Onnx.OUTPUT : s);
                }
            }
        } catch (ProtoReader.OnnxFormatException e) {
            throw new IllegalStateException("a node this class wrote does not read back", e);
        }
        return out;
    }
}
