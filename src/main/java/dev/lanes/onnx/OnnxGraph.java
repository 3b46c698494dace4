package dev.lanes.onnx;

import dev.lanes.onnx.ProtoReader.OnnxFormatException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} that a fully connected network uses, read with
 * {@link ProtoReader}: opsets, metadata, and the main graph's nodes, initializers, inputs and
 * outputs. Field numbers are those of {@code onnx.proto}; fields Lanes does not use are skipped
 * without being decoded, and sub-graphs (control-flow attributes) are never descended into, so
 * reading needs no recursion.
 */
final class OnnxGraph {

    /** TensorProto.DataType FLOAT. */
    static final int FLOAT = 1;
    /** AttributeProto.AttributeType values used here. */
    static final int ATTR_FLOAT = 1;
    static final int ATTR_INT = 2;
    static final int ATTR_STRING = 3;
    static final int ATTR_INTS = 7;

    /** A tensor: dims, element type and, for FLOAT tensors, the values (row-major). */
    record Tensor(String name, long[] dims, int dataType, float[] data) {
        long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    record Attribute(String name, int type, float f, long i, String s, long[] ints, Tensor t) {
    }

    /** A node; {@code index} is its position in the graph, for messages. */
    record Node(int index, String name, String op, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes) {

        /** "node 'fc1' (#3, Gemm)" or "node #3 (Gemm)" when unnamed. */
        String describe() {
            return (name.isEmpty() ? "node #" + index : "node '" + name + "' (#" + index + ")") + " " + op;
        }

        Attribute attribute(String key) {
            return attributes.get(key);
        }

        long intAttribute(String key, long otherwise) {
            Attribute a = attributes.get(key);
            return a == null ? otherwise : a.i();
        }

        float floatAttribute(String key, float otherwise) {
            Attribute a = attributes.get(key);
            return a == null ? otherwise : a.f();
        }
    }

    /** A graph input or output: name, element type and dims (-1 for a symbolic or unknown dim). */
    record ValueInfo(String name, int elemType, long[] dims) {
    }

    final long irVersion;
    final Map<String, Long> opsets;
    final Map<String, String> metadata;
    final String producer;
    final List<Node> nodes;
    final Map<String, Tensor> initializers;
    final List<ValueInfo> inputs;
    final List<ValueInfo> outputs;

    private OnnxGraph(long irVersion, Map<String, Long> opsets, Map<String, String> metadata, String producer,
                      List<Node> nodes, Map<String, Tensor> initializers, List<ValueInfo> inputs,
                      List<ValueInfo> outputs) {
        this.irVersion = irVersion;
        this.opsets = opsets;
        this.metadata = metadata;
        this.producer = producer;
        this.nodes = nodes;
        this.initializers = initializers;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /** Parses a serialized ModelProto. */
    static OnnxGraph parse(byte[] bytes) throws OnnxFormatException {
        ProtoReader r = new ProtoReader(bytes, 0, bytes.length, "");
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        String producer = "";
        ProtoReader graph = null;
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> ir = expectVarint(r, tag, "ir_version");
                case 2 -> producer = expectString(r, tag, "producer_name");
                case 7 -> graph = expectMessage(r, tag, "graph");
                case 8 -> {
                    ProtoReader o = expectMessage(r, tag, "opset_import");
                    String domain = "";
                    long version = 0;
                    while (o.hasMore()) {
                        int t = o.tag();
                        switch (t >>> 3) {
                            case 1 -> domain = expectString(o, t, "domain");
                            case 2 -> version = expectVarint(o, t, "version");
                            default -> o.skip(t);
                        }
                    }
                    opsets.put(domain.equals("ai.onnx") ? "" : domain, version);
                }
                case 14 -> {
                    ProtoReader e = expectMessage(r, tag, "metadata_props");
                    String key = "";
                    String value = "";
                    while (e.hasMore()) {
                        int t = e.tag();
                        switch (t >>> 3) {
                            case 1 -> key = expectString(e, t, "key");
                            case 2 -> value = expectString(e, t, "value");
                            default -> e.skip(t);
                        }
                    }
                    metadata.put(key, value);
                }
                default -> r.skip(tag);
            }
        }
        if (graph == null) {
            throw new OnnxFormatException("no graph: not an ONNX model (or an empty one)");
        }
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        while (graph.hasMore()) {
            int tag = graph.tag();
            switch (tag >>> 3) {
                case 1 -> nodes.add(node(expectMessage(graph, tag, "node[" + nodes.size() + "]"), nodes.size()));
                case 5 -> {
                    Tensor t = tensor(expectMessage(graph, tag, "initializer[" + initializers.size() + "]"));
                    initializers.put(t.name(), t);
                }
                case 11 -> inputs.add(valueInfo(expectMessage(graph, tag, "input[" + inputs.size() + "]")));
                case 12 -> outputs.add(valueInfo(expectMessage(graph, tag, "output[" + outputs.size() + "]")));
                default -> graph.skip(tag);
            }
        }
        return new OnnxGraph(ir, opsets, metadata, producer, nodes, initializers, inputs, outputs);
    }

    private static Node node(ProtoReader r, int index) throws OnnxFormatException {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> in.add(expectString(r, tag, "input"));
                case 2 -> out.add(expectString(r, tag, "output"));
                case 3 -> name = expectString(r, tag, "name");
                case 4 -> op = expectString(r, tag, "op_type");
                case 5 -> {
                    Attribute a = attribute(expectMessage(r, tag, "attribute"));
                    attributes.put(a.name(), a);
                }
                case 7 -> domain = expectString(r, tag, "domain");
                default -> r.skip(tag);
            }
        }
        return new Node(index, name, op, domain.equals("ai.onnx") ? "" : domain, in, out, attributes);
    }

    private static Attribute attribute(ProtoReader r) throws OnnxFormatException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = "";
        LongList ints = new LongList();
        Tensor t = null;
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> name = expectString(r, tag, "name");
                case 2 -> {
                    expectWire(r, tag, ProtoReader.FIXED32, "f");
                    f = r.float32();
                }
                case 3 -> i = expectVarint(r, tag, "i");
                case 4 -> s = expectString(r, tag, "s");
                case 5 -> t = tensor(expectMessage(r, tag, "t"));
                case 8 -> readLongs(r, tag, ints, "ints");
                case 20 -> type = (int) expectVarint(r, tag, "type");
                default -> r.skip(tag);
            }
        }
        return new Attribute(name, type, f, i, s, ints.toArray(), t);
    }

    private static Tensor tensor(ProtoReader r) throws OnnxFormatException {
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        FloatList floats = new FloatList();
        float[] raw = null;
        long location = 0;
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> readLongs(r, tag, dims, "dims");
                case 2 -> dataType = (int) expectVarint(r, tag, "data_type");
                case 4 -> {
                    if ((tag & 7) == ProtoReader.LENGTH) {
                        int n = r.length();
                        if (n % 4 != 0) {
                            throw r.error("float_data holds " + n + " bytes, not a multiple of 4");
                        }
                        int start = r.bytesStart(n);
                        floats.addLittleEndian(r.array(), start, n / 4);
                    } else {
                        expectWire(r, tag, ProtoReader.FIXED32, "float_data");
                        floats.add(r.float32());
                    }
                }
                case 8 -> name = expectString(r, tag, "name");
                case 9 -> {
                    expectWire(r, tag, ProtoReader.LENGTH, "raw_data");
                    int n = r.length();
                    int start = r.bytesStart(n);
                    if (n % 4 == 0) {
                        FloatList l = new FloatList();
                        l.addLittleEndian(r.array(), start, n / 4);
                        raw = l.toArray();
                    } else {
                        raw = new float[0];
                        dataType = dataType == FLOAT ? -n : dataType;
                    }
                }
                case 14 -> location = expectVarint(r, tag, "data_location");
                default -> r.skip(tag);
            }
        }
        String where = "tensor '" + name + "'";
        if (location != 0) {
            throw new OnnxFormatException(where + " keeps its data in an external file, which Lanes does not read");
        }
        if (dataType < 0) {
            throw new OnnxFormatException(where + " has " + (-dataType) + " bytes of float data, not a multiple of 4");
        }
        long[] d = dims.toArray();
        long count = 1;
        for (long x : d) {
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new OnnxFormatException(where + " has the dimension " + x);
            }
            count = Math.multiplyExact(count, Math.max(x, 1));
            if (x == 0) {
                count = 0;
                break;
            }
            if (count > Integer.MAX_VALUE) {
                throw new OnnxFormatException(where + " declares more than 2^31 elements");
            }
        }
        float[] data = null;
        if (dataType == FLOAT) {
            data = raw != null ? raw : floats.toArray();
            if (data.length != count) {
                throw new OnnxFormatException(where + " declares dims " + Arrays.toString(d) + " (" + count
                        + " elements) but holds " + data.length + " floats");
            }
        }
        return new Tensor(name, d, dataType, data);
    }

    private static ValueInfo valueInfo(ProtoReader r) throws OnnxFormatException {
        String name = "";
        int elem = 0;
        LongList dims = new LongList();
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> name = expectString(r, tag, "name");
                case 2 -> {
                    ProtoReader type = expectMessage(r, tag, "type");
                    while (type.hasMore()) {
                        int t = type.tag();
                        if (t >>> 3 != 1) {
                            type.skip(t);
                            continue;
                        }
                        ProtoReader tensor = expectMessage(type, t, "tensor_type");
                        while (tensor.hasMore()) {
                            int u = tensor.tag();
                            switch (u >>> 3) {
                                case 1 -> elem = (int) expectVarint(tensor, u, "elem_type");
                                case 2 -> {
                                    ProtoReader shape = expectMessage(tensor, u, "shape");
                                    while (shape.hasMore()) {
                                        int v = shape.tag();
                                        if (v >>> 3 != 1) {
                                            shape.skip(v);
                                            continue;
                                        }
                                        ProtoReader dim = expectMessage(shape, v, "dim");
                                        long value = -1;
                                        while (dim.hasMore()) {
                                            int w = dim.tag();
                                            if (w >>> 3 == 1) {
                                                value = expectVarint(dim, w, "dim_value");
                                            } else {
                                                dim.skip(w);
                                            }
                                        }
                                        dims.add(value);
                                    }
                                }
                                default -> tensor.skip(u);
                            }
                        }
                    }
                }
                default -> r.skip(tag);
            }
        }
        return new ValueInfo(name, elem, dims.toArray());
    }

    // ------------------------------------------------------------------ field helpers

    private static void expectWire(ProtoReader r, int tag, int wire, String field) throws OnnxFormatException {
        if ((tag & 7) != wire) {
            throw r.error("field " + field + " has wire type " + (tag & 7) + ", expected " + wire);
        }
    }

    private static long expectVarint(ProtoReader r, int tag, String field) throws OnnxFormatException {
        expectWire(r, tag, ProtoReader.VARINT, field);
        return r.varint();
    }

    private static String expectString(ProtoReader r, int tag, String field) throws OnnxFormatException {
        expectWire(r, tag, ProtoReader.LENGTH, field);
        return r.string();
    }

    private static ProtoReader expectMessage(ProtoReader r, int tag, String field) throws OnnxFormatException {
        expectWire(r, tag, ProtoReader.LENGTH, field);
        return r.message(field);
    }

    /** A repeated int64: packed (one length-delimited field) or one varint per element. */
    private static void readLongs(ProtoReader r, int tag, LongList into, String field) throws OnnxFormatException {
        if ((tag & 7) == ProtoReader.LENGTH) {
            ProtoReader packed = r.message(field);
            while (packed.hasMore()) {
                into.add(packed.varint());
            }
        } else {
            into.add(expectVarint(r, tag, field));
        }
    }

    /** Grows with the values actually read, so its size is bounded by the file. */
    private static final class LongList {
        private long[] v = new long[4];
        private int n;

        void add(long x) {
            if (n == v.length) {
                v = Arrays.copyOf(v, 2 * n);
            }
            v[n++] = x;
        }

        long[] toArray() {
            return Arrays.copyOf(v, n);
        }
    }

    private static final class FloatList {
        private float[] v = new float[0];
        private int n;

        void add(float x) {
            if (n == v.length) {
                v = Arrays.copyOf(v, Math.max(16, 2 * n));
            }
            v[n++] = x;
        }

        /** {@code count} little-endian floats from {@code b[start..]}, already bounds-checked. */
        void addLittleEndian(byte[] b, int start, int count) {
            if (n + count > v.length) {
                v = Arrays.copyOf(v, n + count);
            }
            for (int i = 0; i < count; i++) {
                int p = start + 4 * i;
                v[n++] = Float.intBitsToFloat((b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16
                        | (b[p + 3] & 0xff) << 24);
            }
        }

        float[] toArray() {
            return n == v.length ? v : Arrays.copyOf(v, n);
        }
    }
}
