package dev.lanes.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Reads and writes Lanes model and checkpoint files: a small, versioned, checksummed binary format
 * that a program in any language can read with a few lines of code.
 *
 * <h2>Byte layout, format version 2</h2>
 * All integers are unsigned and <b>little-endian</b>; {@code f32} is an IEEE 754 binary32 float,
 * little-endian; {@code str} is a {@code u32} byte count followed by that many bytes of UTF-8.
 * <pre>
 * offset  size  field
 * 0       8     magic: ASCII "LANESMDL" (model) or "LANESCKP" (checkpoint)
 * 8       4     u32 format version = 2 (this class also reads version 1, below)
 * 12      4     u32 flags = 0 (reserved; readers reject other values)
 * 16      8     u64 N = payload length in bytes
 * 24      N     payload (below)
 * 24+N    4     u32 CRC-32 (the zlib/PNG polynomial, as java.util.zip.CRC32 and zlib.crc32)
 *               of bytes [0, 24+N): header and payload
 * The file is exactly 28+N bytes long.
 *
 * Model payload (version 2):
 *   u32 n0                      input width
 *   u32 L                       number of layers, of every kind (1 ≤ L ≤ 65536)
 *   L × {
 *     str kind                  "dense", "dropout", …
 *     u32 n_l                   output width (a dropout layer keeps its input width)
 *     u32 K; K × { str key; str value }      configuration, keys sorted; dense: activation
 *                                            ("sigmoid", "tanh", "relu", "identity", "softmax",
 *                                            "gelu", "silu") and units; dropout: rate
 *     u32 P; f32[P] parameters  dense: P = n_l·n_(l−1) + n_l, the weights row-major (row j holds
 *                               unit j's incoming weights, so the layer computes Z = A·Wᵀ + b)
 *                               then the biases; dropout: P = 0
 *   }
 *   str loss                                 e.g. "mse", "cross-entropy"
 *   u32 C; C × str                           class names (C = n_L), or C = 0 for regression
 *   u32 F; F × f32 mean; F × f32 std         input standardization x' = (x − mean)/std,
 *                                            F = n0, or F = 0 for none
 *   u32 M; M × { str key; str value }        metadata, keys sorted
 *
 * Model payload (version 1, read only; dense layers only):
 *   u32 n0; u32 L; L × { u32 n_l; str activation }; str loss; u32 C; C × str;
 *   u32 F; F × f32 mean; F × f32 std; u32 M; M × { str key; str value };
 *   then for l = 1..L: f32[n_l × n_(l−1)] weights; f32[n_l] biases
 *
 * Checkpoint payload: the model payload, then
 *   u32 epochs                              completed epochs
 *   u64 seed                                training seed (two's complement of the Java long)
 *   u32 P; P × { str key; str value }       trainer configuration, keys sorted
 *   u32 T; T × { str name; u32 n; f32[n] }  optimizer state tensors, names sorted
 * </pre>
 * A reader must check the magic, version, flags, length and checksum before it trusts anything in
 * the payload, and check every count and length against the bytes that remain before it
 * allocates anything. Parameters must be finite.
 *
 * <h2>Limits</h2>
 * Every count and length in the payload is checked, before anything is allocated for it, against
 * the bytes that remain in the payload (each item needs at least its smallest encoding: 8 bytes
 * per layer, 4 per class name or string, 8 per standardized feature, map entry or optimizer tensor)
 * and against these limits: at most {@value #MAX_LAYERS} layers, {@value #MAX_CLASSES} class names,
 * {@value #MAX_ENTRIES} metadata, configuration or optimizer entries, and strings of at most
 * {@value #MAX_STRING_BYTES} bytes. A file of a given size therefore never makes the reader allocate
 * much more than that size. Files are read whole, so they must fit in the heap.
 *
 * <h2>Safety</h2>
 * Writes are atomic ({@link AtomicFiles}): a crash leaves the previous file whole. Reading a file
 * that is missing, truncated, corrupted, of another version, of the wrong kind or not a Lanes
 * file at all throws {@link ModelFileException} naming the file and the problem; a damaged file
 * never yields weights.
 */
public final class ModelFile {

    /** The format version this class writes; it reads this one and {@link #VERSION_1}. */
    public static final int VERSION = 2;
    /**
     * Versions above this are not taken for a newer Lanes' files: the format has had two versions,
     * so a number this large means the bytes after the magic are damaged.
     */
    private static final long PLAUSIBLE_VERSION = 1000;
    /** The first format version, dense layers only; still read. */
    public static final int VERSION_1 = 1;
    /** The most layers a model may have. */
    public static final int MAX_LAYERS = 1 << 16;
    /** The 8-byte magic of a model file. */
    public static final String MODEL_MAGIC = "LANESMDL";
    /** The 8-byte magic of a checkpoint file. */
    public static final String CHECKPOINT_MAGIC = "LANESCKP";

    /** The largest class-name count a reader accepts. */
    public static final int MAX_CLASSES = 1 << 20;
    /** The largest entry count of a metadata or configuration map or of the optimizer state. */
    public static final int MAX_ENTRIES = 1 << 16;
    /** The largest string, in UTF-8 bytes, a reader accepts. */
    public static final int MAX_STRING_BYTES = 1 << 24;

    private static final int HEADER = 24;
    private static final int TRAILER = 4;

    private ModelFile() {
    }

    // ------------------------------------------------------------------------------------------
    // Public API
    // ------------------------------------------------------------------------------------------

    /** Atomically writes {@code model} to {@code file}, replacing any previous file. */
    public static void write(Path file, StoredModel model) throws IOException {
        checkFinite(model);
        Out out = new Out();
        writeModel(out, model);
        AtomicFiles.write(file, frame(MODEL_MAGIC, out.bytes()));
    }

    /** Atomically writes {@code checkpoint} to {@code file}, replacing any previous file. */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        checkFinite(checkpoint.model());
        Out out = new Out();
        writeModel(out, checkpoint.model());
        out.u32(checkpoint.epochs());
        out.u64(checkpoint.seed());
        writeMap(out, checkpoint.config());
        Map<String, float[]> state = new TreeMap<>(checkpoint.optimizerState());
        out.u32(state.size());
        for (Map.Entry<String, float[]> e : state.entrySet()) {
            out.str(e.getKey());
            out.u32(e.getValue().length);
            out.f32s(e.getValue());
        }
        AtomicFiles.write(file, frame(CHECKPOINT_MAGIC, out.bytes()));
    }

    /**
     * Reads the model in {@code file}. A checkpoint file is accepted too (its model is returned),
     * so {@code eval} and {@code predict} can use the latest checkpoint of a run.
     *
     * @throws ModelFileException naming the file and what is wrong with it
     */
    public static StoredModel readModel(Path file) throws IOException {
        byte[] bytes = readAll(file);
        String magic = checkFrame(file, bytes, MODEL_MAGIC, CHECKPOINT_MAGIC);
        In in = new In(file, bytes);
        StoredModel m = readModelPayload(in);
        if (magic.equals(MODEL_MAGIC)) {
            in.expectEnd();
        }
        return m;
    }

    /**
     * Reads the checkpoint in {@code file}.
     *
     * @throws ModelFileException naming the file and what is wrong with it (a model file without
     *     optimizer state is refused)
     */
    public static Checkpoint readCheckpoint(Path file) throws IOException {
        byte[] bytes = readAll(file);
        checkFrame(file, bytes, CHECKPOINT_MAGIC);
        In in = new In(file, bytes);
        StoredModel model = readModelPayload(in);
        int epochs = in.count("epoch count");
        long seed = in.u64();
        Map<String, String> config = readMap(in, "configuration");
        int t = in.items("optimizer tensor count", 8, MAX_ENTRIES);
        Map<String, float[]> state = new LinkedHashMap<>();
        for (int i = 0; i < t; i++) {
            String name = in.str("optimizer tensor name");
            String quoted = "optimizer tensor '" + excerpt(name) + "'";
            int n = in.count("length of " + quoted);
            float[] v = in.f32s(n, quoted);
            requireFinite(file, v, quoted);
            state.put(name, v);
        }
        in.expectEnd();
        try {
            return new Checkpoint(model, epochs, seed, config, state);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "inconsistent checkpoint: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------
    // Writing
    // ------------------------------------------------------------------------------------------

    private static void writeModel(Out out, StoredModel m) {
        out.u32(m.inputs());
        out.u32(m.layers().size());
        for (StoredLayer layer : m.layers()) {
            out.str(layer.kind());
            out.u32(layer.units());
            writeMap(out, layer.config());
            out.u32(layer.weights().length + layer.biases().length);
            out.f32s(layer.weights());
            out.f32s(layer.biases());
        }
        out.str(m.loss());
        out.u32(m.classNames().size());
        for (String c : m.classNames()) {
            out.str(c);
        }
        if (m.mean() == null) {
            out.u32(0);
        } else {
            out.u32(m.mean().length);
            out.f32s(m.mean());
            out.f32s(m.std());
        }
        writeMap(out, m.metadata());
    }

    private static void writeMap(Out out, Map<String, String> map) {
        Map<String, String> sorted = new TreeMap<>(map);
        out.u32(sorted.size());
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            out.str(e.getKey());
            out.str(e.getValue());
        }
    }

    private static byte[] frame(String magic, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length + TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        b.put(magic.getBytes(StandardCharsets.US_ASCII));
        b.putInt(VERSION);
        b.putInt(0);
        b.putLong(payload.length);
        b.put(payload);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, HEADER + payload.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static void checkFinite(StoredModel m) {
        for (int l = 0; l < m.layers().size(); l++) {
            StoredLayer layer = m.layers().get(l);
            int bad = firstNonFinite(layer.weights());
            if (bad >= 0) {
                throw new IllegalArgumentException("layer " + (l + 1) + " weight " + bad + " is "
                        + layer.weights()[bad] + "; a model with non-finite parameters is not saved");
            }
            bad = firstNonFinite(layer.biases());
            if (bad >= 0) {
                throw new IllegalArgumentException("layer " + (l + 1) + " bias " + bad + " is "
                        + layer.biases()[bad] + "; a model with non-finite parameters is not saved");
            }
        }
    }

    private static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------
    // Reading
    // ------------------------------------------------------------------------------------------

    private static byte[] readAll(Path file) throws ModelFileException {
        if (Files.isDirectory(file)) {
            throw new ModelFileException(file, "is a directory, not a model file");
        }
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new ModelFileException(file, "is " + size + " bytes, larger than a Lanes model can be");
            }
            // Read whole, then parsed into arrays as large again: refuse what cannot fit.
            if (2 * size > Runtime.getRuntime().maxMemory()) {
                throw new ModelFileException(file, "is " + size + " bytes; reading it needs about " + 2 * size
                        + " bytes of memory but the heap allows " + Runtime.getRuntime().maxMemory()
                        + " (raise it with -Xmx)");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "no such file", e);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be read: " + e, e);
        }
    }

    /** Checks magic, version, flags, length and CRC; returns the magic found. */
    private static String checkFrame(Path file, byte[] bytes, String... accepted) throws ModelFileException {
        String what = accepted[0].equals(MODEL_MAGIC) ? "model" : "checkpoint";
        if (bytes.length == 0) {
            throw new ModelFileException(file, "is empty, not a Lanes " + what + " file");
        }
        int m = Math.min(8, bytes.length);
        String magic = new String(bytes, 0, m, StandardCharsets.ISO_8859_1);
        boolean known = magic.equals(MODEL_MAGIC) || magic.equals(CHECKPOINT_MAGIC);
        if (!known) {
            if (m < 8 && (MODEL_MAGIC.startsWith(magic) || CHECKPOINT_MAGIC.startsWith(magic))) {
                throw new ModelFileException(file, "is truncated: only " + bytes.length + " bytes");
            }
            throw new ModelFileException(file, "is not a Lanes " + what + " file (it starts with "
                    + hex(bytes, m) + ", expected the magic \"" + accepted[0] + "\")");
        }
        if (!List.of(accepted).contains(magic)) {
            throw new ModelFileException(file, "is a Lanes "
                    + (magic.equals(MODEL_MAGIC) ? "model" : "checkpoint") + " file, but a " + what
                    + " file is needed here" + (what.equals("checkpoint")
                    ? " (a model holds no optimizer state to resume from)" : ""));
        }
        if (bytes.length < HEADER + TRAILER) {
            throw new ModelFileException(file, "is truncated: only " + bytes.length
                    + " bytes, shorter than the " + (HEADER + TRAILER) + "-byte frame");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long version = Integer.toUnsignedLong(b.getInt(8));
        if (version != VERSION && version != VERSION_1) {
            throw new ModelFileException(file, "has format version " + version + "; this Lanes reads versions "
                    + VERSION_1 + " and " + VERSION + (version > VERSION && version <= PLAUSIBLE_VERSION
                    ? " (the file was written by a newer Lanes)" : " (its header is damaged)"));
        }
        int flags = b.getInt(12);
        if (flags != 0) {
            throw new ModelFileException(file, "has unknown flags 0x" + Integer.toHexString(flags)
                    + " for format version " + version);
        }
        long n = b.getLong(16);
        long expected = HEADER + n + TRAILER;
        if (n < 0 || expected > bytes.length) {
            throw new ModelFileException(file, "is truncated: the header announces "
                    + (n < 0 ? Long.toUnsignedString(n) : Long.toString(n)) + " payload bytes ("
                    + (n < 0 ? "more than" : Long.toString(expected)) + " bytes in all) but the file has "
                    + bytes.length);
        }
        if (expected < bytes.length) {
            throw new ModelFileException(file, "has " + (bytes.length - expected)
                    + " unexpected bytes after the checksum (expected " + expected + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, HEADER + (int) n);
        long stored = Integer.toUnsignedLong(b.getInt(HEADER + (int) n));
        if (crc.getValue() != stored) {
            throw new ModelFileException(file, String.format(
                    "is corrupted: its CRC-32 is %08x but the file records %08x", crc.getValue(), stored));
        }
        return magic;
    }

    private static StoredModel readModelPayload(In in) throws ModelFileException {
        return in.version == VERSION_1 ? readModelPayloadV1(in) : readModelPayloadV2(in);
    }

    private static StoredModel readModelPayloadV2(In in) throws ModelFileException {
        int inputs = in.count("input width");
        int layerCount = in.count("layer count");
        if (inputs == 0 || layerCount == 0) {
            throw in.bad("a model needs at least one input and one layer, found "
                    + inputs + " inputs and " + layerCount + " layers");
        }
        if (layerCount > MAX_LAYERS) {
            throw in.bad("the model has " + layerCount + " layers, more than the " + MAX_LAYERS + " allowed");
        }
        // every layer needs at least 16 bytes: kind length, width, entry count, parameter count
        in.need(16L * layerCount, "list of " + layerCount + " layers");
        List<StoredLayer> layers = new ArrayList<>(layerCount);
        for (int l = 0; l < layerCount; l++) {
            String where = "layer " + (l + 1);
            String kind = in.str("kind of " + where);
            int units = in.count("width of " + where);
            if (units == 0) {
                throw in.bad(where + " has no units");
            }
            Map<String, String> config = readMap(in, "configuration of " + where);
            int p = in.count("parameter count of " + where);
            float[] params = in.f32s(p, "parameters of " + where);
            requireFinite(in.file, params, "parameters of " + where);
            float[] w;
            float[] b;
            if (kind.equals(StoredLayer.DENSE)) {
                if (p < units) {
                    throw in.bad(where + " is dense with " + units + " units but holds only " + p + " parameters");
                }
                w = java.util.Arrays.copyOfRange(params, 0, p - units);
                b = java.util.Arrays.copyOfRange(params, p - units, p);
            } else {
                w = params;
                b = new float[0];
            }
            try {
                layers.add(new StoredLayer(kind, config, units, w, b));
            } catch (IllegalArgumentException e) {
                throw in.bad(where + ": " + e.getMessage());
            }
        }
        String loss = in.str("loss");
        int c = in.count("class count");
        in.need(4L * c, "list of " + c + " class names");
        List<String> classes = new ArrayList<>(c);
        for (int i = 0; i < c; i++) {
            classes.add(in.str("class name " + i));
        }
        int f = in.count("standardization width");
        float[] mean = null;
        float[] std = null;
        if (f > 0) {
            mean = in.f32s(f, "standardization means");
            std = in.f32s(f, "standardization deviations");
            requireFinite(in.file, mean, "standardization means");
            requireFinite(in.file, std, "standardization deviations");
        }
        Map<String, String> metadata = readMap(in, "metadata");
        try {
            return new StoredModel(inputs, layers, loss, classes, mean, std, metadata);
        } catch (IllegalArgumentException e) {
            throw in.bad(e.getMessage());
        }
    }

    private static StoredModel readModelPayloadV1(In in) throws ModelFileException {
        int inputs = in.count("input width");
        int layerCount = in.count("layer count");
        if (inputs == 0 || layerCount == 0) {
            throw in.bad("a model needs at least one input and one layer, found "
                    + inputs + " inputs and " + layerCount + " layers");
        }
        if (layerCount > MAX_LAYERS) {
            throw in.bad("the model has " + layerCount + " layers, more than the " + MAX_LAYERS + " allowed");
        }
        in.need(8L * layerCount, "list of " + layerCount + " layers");
        int[] units = new int[layerCount];
        String[] activations = new String[layerCount];
        for (int l = 0; l < layerCount; l++) {
            units[l] = in.count("unit count of layer " + (l + 1));
            if (units[l] == 0) {
                throw in.bad("layer " + (l + 1) + " has no units");
            }
            activations[l] = in.str("activation of layer " + (l + 1));
        }
        String loss = in.str("loss");
        int c = in.items("class count", 4, MAX_CLASSES);
        List<String> classes = new ArrayList<>(c);
        for (int i = 0; i < c; i++) {
            classes.add(in.str("class name " + i));
        }
        int f = in.items("standardization width", 8, Integer.MAX_VALUE);
        float[] mean = null;
        float[] std = null;
        if (f > 0) {
            mean = in.f32s(f, "standardization means");
            std = in.f32s(f, "standardization deviations");
            requireFinite(in.file, mean, "standardization means");
            requireFinite(in.file, std, "standardization deviations");
        }
        Map<String, String> metadata = readMap(in, "metadata");
        List<StoredLayer> layers = new ArrayList<>(layerCount);
        int fanIn = inputs;
        for (int l = 0; l < layerCount; l++) {
            long count = (long) units[l] * fanIn;
            if (count > Integer.MAX_VALUE) {
                throw in.bad("layer " + (l + 1) + " would have " + count + " weights");
            }
            float[] w = in.f32s((int) count, "weights of layer " + (l + 1));
            float[] b = in.f32s(units[l], "biases of layer " + (l + 1));
            requireFinite(in.file, w, "weights of layer " + (l + 1));
            requireFinite(in.file, b, "biases of layer " + (l + 1));
            layers.add(new StoredLayer(units[l], activations[l], w, b));
            fanIn = units[l];
        }
        try {
            return new StoredModel(inputs, layers, loss, classes, mean, std, metadata);
        } catch (IllegalArgumentException e) {
            throw in.bad(e.getMessage());
        }
    }

    private static Map<String, String> readMap(In in, String what) throws ModelFileException {
        int n = in.items(what + " entry count", 8, MAX_ENTRIES);
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String k = in.str(what + " key");
            map.put(k, in.str(what + " value of '" + excerpt(k) + "'"));
        }
        return map;
    }

    private static void requireFinite(Path file, float[] v, String what) throws ModelFileException {
        int bad = firstNonFinite(v);
        if (bad >= 0) {
            throw new ModelFileException(file, "is inconsistent: element " + bad + " of the " + what
                    + " is " + v[bad]);
        }
    }

    /**
     * At most the first 80 characters of {@code s}, marked when cut: strings from a file may be
     * megabytes long, and an error message quotes them.
     */
    static String excerpt(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
        }
        return sb.toString();
    }

    /** Little-endian growable output. */
    private static final class Out {
        private ByteBuffer buf = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);

        private void room(int n) {
            if (buf.remaining() < n) {
                long cap = Math.max((long) buf.capacity() * 2, (long) buf.position() + n);
                if (cap > Integer.MAX_VALUE - 64) {
                    throw new IllegalArgumentException("the model is too large for one file (over 2 GiB)");
                }
                ByteBuffer bigger = ByteBuffer.allocate((int) cap).order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void u32(int v) {
            room(4);
            buf.putInt(v);
        }

        void u64(long v) {
            room(8);
            buf.putLong(v);
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            room(b.length);
            buf.put(b);
        }

        void f32s(float[] v) {
            room(4 * v.length);
            buf.asFloatBuffer().put(v);
            buf.position(buf.position() + 4 * v.length);
        }

        byte[] bytes() {
            byte[] out = new byte[buf.position()];
            buf.get(0, out);
            return out;
        }
    }

    /** Bounds-checked little-endian reader over the payload of a frame whose checksum held. */
    private static final class In {
        final Path file;
        final int version;
        private final ByteBuffer buf;
        private final int end;

        In(Path file, byte[] bytes) {
            this.file = file;
            this.version = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
            this.end = bytes.length - TRAILER;
            this.buf = ByteBuffer.wrap(bytes, HEADER, end - HEADER).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        ModelFileException bad(String problem) {
            return new ModelFileException(file, "is inconsistent: " + problem);
        }

        void need(long n, String what) throws ModelFileException {
            if (n > buf.remaining()) {
                throw bad("the " + what + " needs " + n + " bytes but only " + buf.remaining() + " remain");
            }
        }

        int count(String what) throws ModelFileException {
            need(4, what);
            long v = Integer.toUnsignedLong(buf.getInt());
            if (v > Integer.MAX_VALUE) {
                throw bad("the " + what + " is " + v + ", too large");
            }
            return (int) v;
        }

        long u64() throws ModelFileException {
            need(8, "seed");
            return buf.getLong();
        }

        /**
         * Reads a count of items that each take at least {@code minBytes} of the payload; refuses
         * it, before anything is allocated, when it exceeds {@code limit} or the bytes that remain.
         */
        int items(String what, int minBytes, int limit) throws ModelFileException {
            int n = count(what);
            if (n > limit) {
                throw bad("the " + what + " is " + n + ", over the limit of " + limit);
            }
            if ((long) n * minBytes > buf.remaining()) {
                throw bad("the " + what + " is " + n + ", but only " + buf.remaining()
                        + " bytes remain for items of at least " + minBytes + " bytes each");
            }
            return n;
        }

        String str(String what) throws ModelFileException {
            int n = count("length of the " + what);
            need(n, what);
            if (n > MAX_STRING_BYTES) {
                throw bad("the " + what + " is " + n + " bytes long, over the limit of " + MAX_STRING_BYTES);
            }
            need(n, what);
            byte[] b = new byte[n];
            buf.get(b);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw bad("the " + what + " is not valid UTF-8");
            }
        }

        float[] f32s(int n, String what) throws ModelFileException {
            need(4L * n, what);
            float[] v = new float[n];
            buf.asFloatBuffer().get(v);
            buf.position(buf.position() + 4 * n);
            return v;
        }

        void expectEnd() throws ModelFileException {
            if (buf.hasRemaining()) {
                throw bad(buf.remaining() + " bytes left over after the last section");
            }
        }
    }
}
