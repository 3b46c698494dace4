package dev.lanes.onnx;

import dev.lanes.io.Model;
import dev.lanes.io.ModelFileException;
import dev.lanes.io.StoredModel;
import dev.lanes.kernel.Kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * ONNX in and out for fully connected networks, with the JDK alone (the protocol-buffer wire
 * format is read and written by this package; no generated classes, no protobuf library).
 *
 * <p><b>Export</b> ({@link #write}) writes standard operators only: the preprocessing as
 * {@code Sub}/{@code Div}, each dense layer as {@code Gemm} ({@code transB = 1}) and its
 * activation ({@code Relu}, {@code Sigmoid}, {@code Tanh}, {@code Gelu} with
 * {@code approximate = "tanh"}, SiLU as {@code Sigmoid} and {@code Mul}), and {@code Softmax}
 * ({@code axis = -1}). Opset {@value OnnxExport#OPSET}, or {@value OnnxExport#OPSET_GELU} when a
 * layer uses GELU (the {@code Gelu} operator exists from opset 20). The graph has one input,
 * {@value #INPUT}, float [batch, inputs], and one output, {@value #OUTPUT}, float
 * [batch, outputs]. Class names, loss, preprocessing kind and the model's metadata travel in
 * the model's metadata properties ({@code lanes.class_names}, {@code lanes.loss},
 * {@code lanes.preprocessing}, {@code lanes.meta.*}).
 *
 * <p><b>Import</b> ({@link #read}) takes graphs as PyTorch and Keras exporters write fully
 * connected networks: one float input, a chain of {@code Gemm} (any {@code transB}, alpha, beta)
 * or {@code MatMul} + {@code Add}, the activations above, {@code Softmax} on the last axis at the
 * end, {@code Flatten} (axis 1), {@code Identity} and {@code Dropout} (inference: the identity),
 * and in front of the first layer any {@code Sub}, {@code Div}, {@code Mul}, {@code Add} by
 * per-feature constants or a {@code BatchNormalization}, folded into the preprocessing.
 * Constants may be initializers or {@code Constant} nodes. Anything else is refused with a
 * {@link ModelFileException} naming the operator, its node and what Lanes supports: never a
 * different model. {@code Gelu} must be the tanh approximation, the one Lanes computes.
 *
 * <p><b>Bounded reading.</b> A file is read whole up to {@value #MAX_BYTES} bytes; every length
 * inside it is checked against the bytes that remain before anything is allocated, tensor sizes
 * against their data, and external tensor data is refused. A malformed file fails with a
 * {@link ModelFileException} naming the file and the place in the model.
 */
public final class Onnx {

    /** Name of the graph input written by {@link #write}. */
    public static final String INPUT = "input";
    /** Name of the graph output written by {@link #write}. */
    public static final String OUTPUT = "output";
    /** Largest ONNX file read, in bytes (1 GiB). */
    public static final long MAX_BYTES = 1L << 30;

    static final String FORMAT_VERSION = "1";
    static final String CLASS_NAMES = "lanes.class_names";
    static final String LOSS = "lanes.loss";
    static final String PREPROCESSING = "lanes.preprocessing";
    static final String META = "lanes.meta.";

    private Onnx() {
    }

    /** Whether a path names an ONNX file, by its extension {@code .onnx} (any case). */
    public static boolean isOnnxFile(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
    }

    /**
     * The ONNX encoding of a model.
     *
     * @throws IllegalArgumentException if the network has a layer kind other than dense and dropout
     */
    public static byte[] toBytes(Model model) {
        Objects.requireNonNull(model, "model");
        return OnnxExport.toBytes(model.toStored());
    }

    /**
     * Writes a model as ONNX, atomically (a temporary file in the same directory, then a rename).
     *
     * @throws IllegalArgumentException if the network has a layer kind other than dense and dropout
     */
    public static void write(Model model, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        // The same writer as model files: a temporary file named for its process (so a killed
        // write's leftover can be cleaned up later), forced to the device, renamed over the target.
        dev.lanes.io.AtomicFiles.write(file, toBytes(model));
    }

    /** Reads an ONNX model onto {@link Kernels#best()}; see the class comment for what is accepted. */
    public static Model read(Path file) throws IOException {
        return read(file, Kernels.best());
    }

    /**
     * Reads an ONNX model onto the given kernels.
     *
     * @throws ModelFileException naming the file and the problem: malformed bytes, or an operator,
     *                            attribute or shape Lanes does not support (with the node)
     */
    public static Model read(Path file, Kernels kernels) throws IOException {
        Objects.requireNonNull(kernels, "kernels");
        return Model.fromStored(readStored(file), kernels, file);
    }

    /** The stored-model record of an ONNX file, as {@link #read} builds its model from. */
    public static StoredModel readStored(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return fromBytes(readBounded(file), file);
    }

    /**
     * The stored-model record of ONNX bytes.
     *
     * @param file named in errors (need not exist)
     */
    public static StoredModel fromBytes(byte[] bytes, Path file) throws ModelFileException {
        Objects.requireNonNull(bytes, "bytes");
        String head = new String(bytes, 0, Math.min(8, bytes.length), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (head.equals(dev.lanes.io.ModelFile.MODEL_MAGIC) || head.equals(dev.lanes.io.ModelFile.CHECKPOINT_MAGIC)) {
            throw new ModelFileException(file, "is a Lanes " + (head.equals(dev.lanes.io.ModelFile.MODEL_MAGIC)
                    ? "model" : "checkpoint") + " file, not ONNX: commands take it as it is (rename it to .lanes)");
        }
        OnnxGraph graph;
        try {
            graph = OnnxGraph.parse(bytes);
        } catch (ProtoReader.OnnxFormatException e) {
            throw new ModelFileException(file, "is not a readable ONNX model: " + e.getMessage());
        }
        return OnnxImport.toStored(graph, file);
    }

    private static byte[] readBounded(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new ModelFileException(file, "is a directory, not an ONNX file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "does not exist", e);
        }
        if (size > MAX_BYTES) {
            throw new ModelFileException(file, "is " + size + " bytes; ONNX files above " + MAX_BYTES
                    + " bytes are not read");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes((int) size);
            if (b.length != size || in.read() != -1) {
                throw new ModelFileException(file, "changed size while it was read");
            }
            return b;
        }
    }

    /** The metadata properties export writes. */
    static Map<String, String> metadataOf(StoredModel m) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(LOSS, m.loss());
        meta.put(PREPROCESSING, m.metadata().getOrDefault(Model.PREPROCESSING_KEY, m.mean() == null ? "none" : "standardize"));
        if (!m.classNames().isEmpty()) {
            meta.put(CLASS_NAMES, joinNames(m.classNames()));
        }
        m.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> !e.getKey().equals(Model.PREPROCESSING_KEY))
                .forEach(e -> meta.put(META + e.getKey(), e.getValue()));
        return meta;
    }

    /** Names one per line; a backslash or line break inside a name is escaped. */
    static String joinNames(List<String> names) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append('\n');
            }
            b.append(names.get(i).replace("\\", "\\\\").replace("\n", "\\n"));
        }
        return b.toString();
    }

    static List<String> splitNames(String s) {
        List<String> names = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                cur.append(n == 'n' ? '\n' : n);
            } else if (c == '\n') {
                names.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        names.add(cur.toString());
        return names;
    }
}
