package dev.lanes.onnx;

import dev.lanes.io.Model;
import dev.lanes.io.ModelFileException;
import dev.lanes.io.StoredLayer;
import dev.lanes.io.StoredModel;
import dev.lanes.onnx.OnnxGraph.Node;
import dev.lanes.onnx.OnnxGraph.Tensor;
import dev.lanes.onnx.OnnxGraph.ValueInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an ONNX graph into a Lanes model record by walking it as one chain from the input to the
 * output: preprocessing ops in front fold into the standardization, each {@code Gemm} or
 * {@code MatMul} starts a dense layer, and the activation after it becomes the layer's. The
 * walk refuses anything that would make the imported network compute something else.
 */
final class OnnxImport {

    static final String SUPPORTED = "Lanes imports chains of Gemm, MatMul, Add, Relu, Sigmoid, Tanh, "
            + "Gelu (approximate=\"tanh\"), Sigmoid+Mul (SiLU), Softmax (last axis, at the end), Flatten, "
            + "Identity, Dropout, Constant, and Sub/Div/Mul/Add by constants or BatchNormalization before the "
            + "first layer";

    private final Path file;
    private final Map<String, Tensor> constants;
    /** Per-feature preprocessing (x − offset)/divisor, in double while ops are folded in. */
    private double[] offset;
    private double[] divisor;
    private int width;
    private final List<Dense> layers = new ArrayList<>();

    /** A dense layer being assembled. */
    private static final class Dense {
        final int fanIn;
        final int units;
        final float[] w;
        final float[] b;
        String activation;

        Dense(int fanIn, int units, float[] w, float[] b) {
            this.fanIn = fanIn;
            this.units = units;
            this.w = w;
            this.b = b;
        }
    }

    private OnnxImport(Path file, Map<String, Tensor> constants) {
        this.file = file;
        this.constants = constants;
    }

    static StoredModel toStored(OnnxGraph g, Path file) throws ModelFileException {
        return new OnnxImport(file, new HashMap<>(g.initializers)).convert(g);
    }

    private ModelFileException fail(String problem) {
        return new ModelFileException(file, problem);
    }

    private StoredModel convert(OnnxGraph g) throws ModelFileException {
        Long opset = g.opsets.get("");
        if (opset == null) {
            throw fail("imports no version of the standard ONNX operator set");
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfo v : g.inputs) {
            if (!g.initializers.containsKey(v.name())) {
                inputs.add(v);
            }
        }
        if (inputs.size() != 1) {
            throw fail("has " + inputs.size() + " graph inputs; Lanes imports networks with exactly one");
        }
        if (g.outputs.size() != 1) {
            throw fail("has " + g.outputs.size() + " graph outputs; Lanes imports networks with exactly one");
        }
        ValueInfo input = inputs.getFirst();
        if (input.elemType() != OnnxGraph.FLOAT) {
            throw fail("the input '" + input.name() + "' has element type " + input.elemType()
                    + "; Lanes imports float (type 1) inputs");
        }
        width = featureWidth(input);
        String current = input.name();
        List<Node> nodes = g.nodes;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!n.domain().isEmpty()) {
                throw unsupported(n, "from the operator domain '" + n.domain() + "'");
            }
            if (n.op().equals("Constant")) {
                constant(n);
                continue;
            }
            if (n.outputs().isEmpty()) {
                throw fail(n.describe() + " has no output");
            }
            if (n.inputs().isEmpty() || !n.inputs().contains(current)) {
                throw fail(n.describe() + " does not read '" + current + "', the value before it; Lanes imports "
                        + "graphs that are a single chain from the input to the output");
            }
            switch (n.op()) {
                case "Identity", "Dropout" -> { }
                case "Flatten" -> {
                    long axis = n.intAttribute("axis", 1);
                    if (axis != 1) {
                        throw unsupported(n, "with axis " + axis + " (only axis 1, which keeps the batch, is supported)");
                    }
                }
                case "Gemm" -> gemm(n, current);
                case "MatMul" -> matMul(n, current);
                case "Relu" -> activation(n, "relu");
                case "Tanh" -> activation(n, "tanh");
                case "Gelu" -> {
                    var a = n.attribute("approximate");
                    String approx = a == null ? "none" : a.s();
                    if (!approx.equals("tanh")) {
                        throw unsupported(n, "with approximate=\"" + approx + "\": Lanes computes GELU only in its "
                                + "tanh approximation, which would give a different model");
                    }
                    activation(n, "gelu");
                }
                case "Sigmoid" -> {
                    Node next = i + 1 < nodes.size() ? nodes.get(i + 1) : null;
                    if (next != null && next.op().equals("Mul") && next.inputs().size() == 2
                            && Set.copyOf(next.inputs()).equals(Set.of(current, n.outputs().getFirst()))) {
                        activation(n, "silu");
                        current = next.outputs().getFirst();
                        i++;
                        continue;
                    }
                    activation(n, "sigmoid");
                }
                case "Softmax" -> {
                    long axis = n.intAttribute("axis", opset >= 13 ? -1 : 1);
                    if (axis != -1 && axis != 1) {
                        throw unsupported(n, "with axis " + axis + " (Lanes applies softmax over each row: axis 1 or -1)");
                    }
                    if (i != nodes.size() - 1) {
                        throw unsupported(n, "before other nodes (Lanes has softmax only on the output)");
                    }
                    activation(n, "softmax");
                }
                case "Add", "Sub", "Mul", "Div" -> elementwise(n, current);
                case "BatchNormalization" -> batchNorm(n, current);
                default -> throw unsupported(n, "");
            }
            current = n.outputs().getFirst();
        }
        String out = g.outputs.getFirst().name();
        if (!current.equals(out)) {
            throw fail("the graph output '" + out + "' is not the end of the chain ('" + current + "')");
        }
        if (layers.isEmpty()) {
            throw fail("has no Gemm or MatMul: no layer to import");
        }
        return record(g);
    }

    private ModelFileException unsupported(Node n, String detail) {
        return fail(n.describe().replaceFirst(" " + java.util.regex.Pattern.quote(n.op()) + "$", "")
                + " uses the operator " + n.op() + (detail.isEmpty() ? "" : " " + detail)
                + ", which Lanes cannot import. " + SUPPORTED);
    }

    private int featureWidth(ValueInfo input) throws ModelFileException {
        long[] d = input.dims();
        if (d.length < 2) {
            // Unknown rank: take the width from the first layer.
            return -1;
        }
        long w = 1;
        for (int i = 1; i < d.length; i++) {
            if (d[i] < 1) {
                return -1;
            }
            w *= d[i];
            if (w > Integer.MAX_VALUE) {
                throw fail("the input '" + input.name() + "' has more than 2^31 features");
            }
        }
        return (int) w;
    }

    private void constant(Node n) throws ModelFileException {
        var a = n.attribute("value");
        if (a == null || a.t() == null || n.outputs().isEmpty()) {
            throw unsupported(n, "without a tensor 'value'");
        }
        Tensor t = a.t();
        constants.put(n.outputs().getFirst(), new Tensor(n.outputs().getFirst(), t.dims(), t.dataType(), t.data()));
    }

    /** The other input of a binary node: a float constant. */
    private Tensor operand(Node n, String current) throws ModelFileException {
        if (n.inputs().size() < 2) {
            throw fail(n.describe() + " has " + n.inputs().size() + " inputs, expected 2");
        }
        String name = n.inputs().get(0).equals(current) ? n.inputs().get(1) : n.inputs().get(0);
        return floatConstant(n, name);
    }

    private Tensor floatConstant(Node n, String name) throws ModelFileException {
        Tensor t = constants.get(name);
        if (t == null) {
            throw fail(n.describe() + " reads '" + name + "', which is neither the chain's value nor a constant");
        }
        if (t.dataType() != OnnxGraph.FLOAT || t.data() == null) {
            throw fail(n.describe() + ": the tensor '" + name + "' has element type " + t.dataType()
                    + "; Lanes imports float (type 1) weights");
        }
        return t;
    }

    /** A per-feature vector of {@code width} values from a tensor of shape [], [1], [w] or [1, w]. */
    private float[] perFeature(Node n, Tensor t, int w, String what) throws ModelFileException {
        float[] d = t.data();
        long[] dims = t.dims();
        boolean ok = dims.length <= 2 && (dims.length < 2 || dims[0] == 1);
        if (ok && d.length == 1) {
            float[] v = new float[w];
            Arrays.fill(v, d[0]);
            return v;
        }
        if (!ok || d.length != w) {
            throw fail(n.describe() + ": " + what + " '" + t.name() + "' has shape " + Arrays.toString(dims)
                    + "; expected one value or " + w + " (one per feature)");
        }
        return d;
    }

    private void requireWidth(Node n, String what) throws ModelFileException {
        if (width < 1) {
            throw fail(n.describe() + ": the input's feature count is not declared, so " + what
                    + " before the first layer cannot be checked");
        }
    }

    private void elementwise(Node n, String current) throws ModelFileException {
        Tensor c = operand(n, current);
        boolean currentFirst = n.inputs().get(0).equals(current);
        if (!layers.isEmpty()) {
            Dense last = layers.getLast();
            if (n.op().equals("Add") && last.activation == null) {
                float[] bias = perFeature(n, c, last.units, "the bias");
                for (int j = 0; j < last.units; j++) {
                    last.b[j] += bias[j];
                }
                return;
            }
            throw unsupported(n, "after a layer (as a bias Add directly after Gemm or MatMul it would be folded)");
        }
        if (!currentFirst && (n.op().equals("Sub") || n.op().equals("Div"))) {
            throw unsupported(n, "with the constant first (c − x or c / x is not a standardization)");
        }
        requireWidth(n, n.op());
        float[] v = perFeature(n, c, width, "the constant");
        ensurePreprocessing();
        for (int j = 0; j < width; j++) {
            double x = v[j];
            switch (n.op()) {
                case "Sub" -> offset[j] += x * divisor[j];
                case "Add" -> offset[j] -= x * divisor[j];
                case "Div" -> {
                    if (!(x > 0) || !Double.isFinite(x)) {
                        throw fail(n.describe() + " divides feature " + j + " by " + x
                                + "; Lanes folds only division by positive numbers into its preprocessing");
                    }
                    divisor[j] *= x;
                }
                case "Mul" -> {
                    if (!(x > 0) || !Double.isFinite(x)) {
                        throw fail(n.describe() + " multiplies feature " + j + " by " + x
                                + "; Lanes folds only multiplication by positive numbers into its preprocessing");
                    }
                    divisor[j] /= x;
                }
                default -> throw new IllegalStateException(n.op());
            }
        }
    }

    private void batchNorm(Node n, String current) throws ModelFileException {
        if (!layers.isEmpty()) {
            throw unsupported(n, "after a layer (only in front of the first layer, where it is folded into the "
                    + "preprocessing)");
        }
        if (n.inputs().size() != 5 || !n.inputs().getFirst().equals(current)) {
            throw fail(n.describe() + " must have the inputs X, scale, B, mean, var");
        }
        requireWidth(n, "BatchNormalization");
        float[] scale = perFeature(n, floatConstant(n, n.inputs().get(1)), width, "scale");
        float[] bias = perFeature(n, floatConstant(n, n.inputs().get(2)), width, "B");
        float[] mean = perFeature(n, floatConstant(n, n.inputs().get(3)), width, "mean");
        float[] var = perFeature(n, floatConstant(n, n.inputs().get(4)), width, "var");
        double eps = n.floatAttribute("epsilon", 1e-5f);
        ensurePreprocessing();
        for (int j = 0; j < width; j++) {
            // y = (x − mean)·scale/σ + B = (x − (mean − B·σ/scale)) / (σ/scale), σ = √(var + ε)
            double sigma = Math.sqrt(var[j] + eps);
            double d = sigma / scale[j];
            if (!(d > 0) || !Double.isFinite(d)) {
                throw fail(n.describe() + ": feature " + j + " has scale " + scale[j] + " and variance " + var[j]
                        + "; only a positive scale folds into the preprocessing");
            }
            double sub = mean[j] - bias[j] * d;
            offset[j] += sub * divisor[j];
            divisor[j] *= d;
        }
    }

    private void ensurePreprocessing() {
        if (offset == null) {
            offset = new double[width];
            divisor = new double[width];
            Arrays.fill(divisor, 1);
        }
    }

    private void gemm(Node n, String current) throws ModelFileException {
        if (n.inputs().size() < 2 || !n.inputs().getFirst().equals(current)) {
            throw fail(n.describe() + " must read the chain's value as A");
        }
        if (n.intAttribute("transA", 0) != 0) {
            throw unsupported(n, "with transA=1 (the batch must be the rows of A)");
        }
        boolean transB = n.intAttribute("transB", 0) != 0;
        float alpha = n.floatAttribute("alpha", 1f);
        float beta = n.floatAttribute("beta", 1f);
        Tensor b = floatConstant(n, n.inputs().get(1));
        if (b.dims().length != 2) {
            throw fail(n.describe() + ": the weight '" + b.name() + "' has shape " + Arrays.toString(b.dims())
                    + "; expected a matrix");
        }
        int fanIn = (int) (transB ? b.dims()[1] : b.dims()[0]);
        int units = (int) (transB ? b.dims()[0] : b.dims()[1]);
        float[] w = weights(n, b.data(), fanIn, units, transB, alpha);
        float[] bias = new float[units];
        if (n.inputs().size() >= 3 && !n.inputs().get(2).isEmpty()) {
            float[] c = perFeature(n, floatConstant(n, n.inputs().get(2)), units, "the bias C");
            for (int j = 0; j < units; j++) {
                bias[j] = beta * c[j];
            }
        }
        addLayer(n, fanIn, units, w, bias);
    }

    private void matMul(Node n, String current) throws ModelFileException {
        if (n.inputs().size() != 2 || !n.inputs().getFirst().equals(current)) {
            throw fail(n.describe() + " must read the chain's value as its first input");
        }
        Tensor b = floatConstant(n, n.inputs().get(1));
        if (b.dims().length != 2) {
            throw fail(n.describe() + ": the weight '" + b.name() + "' has shape " + Arrays.toString(b.dims())
                    + "; expected a matrix");
        }
        int fanIn = (int) b.dims()[0];
        int units = (int) b.dims()[1];
        addLayer(n, fanIn, units, weights(n, b.data(), fanIn, units, false, 1f), new float[units]);
    }

    /** W as Lanes stores it, units×fanIn, from B stored fanIn×units (or units×fanIn when transposed). */
    private static float[] weights(Node n, float[] data, int fanIn, int units, boolean transposed, float alpha) {
        float[] w = new float[data.length];
        for (int j = 0; j < units; j++) {
            for (int i = 0; i < fanIn; i++) {
                w[j * fanIn + i] = alpha * (transposed ? data[j * fanIn + i] : data[i * units + j]);
            }
        }
        return w;
    }

    private void addLayer(Node n, int fanIn, int units, float[] w, float[] b) throws ModelFileException {
        int expected = layers.isEmpty() ? width : layers.getLast().units;
        if (fanIn < 1 || units < 1) {
            throw fail(n.describe() + " has a weight matrix with an empty side (" + fanIn + " inputs, " + units
                    + " units)");
        }
        if (expected > 0 && fanIn != expected) {
            throw fail(n.describe() + " takes " + fanIn + " inputs but the value before it has " + expected);
        }
        if (layers.isEmpty()) {
            width = fanIn;
        }
        if (!layers.isEmpty() && layers.getLast().activation == null) {
            layers.getLast().activation = "identity";
        }
        layers.add(new Dense(fanIn, units, w, b));
    }

    private void activation(Node n, String name) throws ModelFileException {
        if (layers.isEmpty()) {
            throw unsupported(n, "before the first layer");
        }
        Dense last = layers.getLast();
        if (last.activation != null) {
            throw unsupported(n, "after the layer's activation " + last.activation
                    + " (Lanes has one activation per layer)");
        }
        last.activation = name;
    }

    private StoredModel record(OnnxGraph g) throws ModelFileException {
        List<StoredLayer> stored = new ArrayList<>();
        for (Dense d : layers) {
            stored.add(new StoredLayer(d.units, d.activation == null ? "identity" : d.activation, d.w, d.b));
        }
        Dense last = layers.getLast();
        boolean softmax = "softmax".equals(last.activation);
        String loss = softmax ? "cross-entropy" : g.metadata.getOrDefault(Onnx.LOSS, "mse");
        if (!softmax && loss.equals("cross-entropy")) {
            loss = "mse";
        }
        List<String> names = List.of();
        String written = g.metadata.get(Onnx.CLASS_NAMES);
        if (written != null && Onnx.splitNames(written).size() == last.units) {
            names = Onnx.splitNames(written);
        } else if (softmax) {
            List<String> numbered = new ArrayList<>();
            for (int c = 0; c < last.units; c++) {
                numbered.add(Integer.toString(c));
            }
            names = numbered;
        }
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : g.metadata.entrySet()) {
            if (e.getKey().startsWith(Onnx.META)) {
                meta.put(e.getKey().substring(Onnx.META.length()), e.getValue());
            }
        }
        meta.put("onnx.producer", g.producer.isEmpty() ? "unknown" : g.producer);
        float[] mean = null;
        float[] std = null;
        if (offset != null) {
            mean = new float[width];
            std = new float[width];
            for (int j = 0; j < width; j++) {
                mean[j] = (float) offset[j];
                std[j] = (float) divisor[j];
                if (!Float.isFinite(mean[j]) || !(std[j] > 0) || !Float.isFinite(std[j])) {
                    throw fail("the preprocessing of feature " + j + " folds to (x − " + offset[j] + ") / "
                            + divisor[j] + ", which is not a usable float standardization");
                }
            }
            String kind = g.metadata.getOrDefault(Onnx.PREPROCESSING, "standardize");
            meta.put(Model.PREPROCESSING_KEY, kind.equals("min-max") ? kind : "standardize");
        }
        try {
            return new StoredModel(width, stored, loss, names, mean, std, meta);
        } catch (IllegalArgumentException e) {
            throw fail("does not form a network: " + e.getMessage());
        }
    }
}
