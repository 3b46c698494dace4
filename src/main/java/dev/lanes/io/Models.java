package dev.lanes.io;

import dev.lanes.data.Standardizer;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.LayerSpec;
import dev.lanes.nn.LayerSpecs;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Optimizer;
import dev.lanes.train.TrainingState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts between the network and training classes and the file records: {@link Network} ⇄
 * {@link StoredModel}, {@link TrainingState} ⇄ {@link Checkpoint}. Activations and losses are
 * stored by their lower-case names ({@code sigmoid}, {@code tanh}, {@code relu}, {@code identity},
 * {@code softmax}; {@code mse}, {@code cross-entropy}), so the file does not depend on enum order.
 */
public final class Models {

    /** Configuration keys of the trainer state inside a checkpoint. */
    private static final String OPT_NAME = "optimizer.state.name";
    private static final String OPT_STEPS = "optimizer.state.steps";
    private static final String BEST_LOSS = "trainer.bestValidationLoss";
    private static final String BEST_EPOCH = "trainer.bestEpoch";
    private static final String SINCE_BEST = "trainer.epochsWithoutImprovement";
    private static final String BUFFER = "optimizer.buffer.";
    private static final String RANDOM_STATE = "network.randomState";
    private static final String BEST_PARAMETERS = "trainer.bestParameters";

    private Models() {
    }

    /** The file name of an activation. */
    public static String name(Activation a) {
        return a.fileName();
    }

    /** The file name of a loss. */
    public static String name(Loss l) {
        return l == Loss.CROSS_ENTROPY ? "cross-entropy" : l.name().toLowerCase(Locale.ROOT);
    }

    /** Parses an activation name as {@link #name(Activation)} writes it; null if unknown. */
    public static Activation activation(String s) {
        for (Activation a : Activation.values()) {
            if (name(a).equals(s)) {
                return a;
            }
        }
        return null;
    }

    /** Parses a loss name as {@link #name(Loss)} writes it; null if unknown. */
    public static Loss loss(String s) {
        for (Loss l : Loss.values()) {
            if (name(l).equals(s)) {
                return l;
            }
        }
        return null;
    }

    /**
     * The stored form of {@code network}.
     *
     * @param standardizer the input standardization applied before the network, or null
     * @param classNames   one per output for a classifier, or empty
     * @param metadata     free text facts to keep with the model
     */
    public static StoredModel toStored(Network network, Standardizer standardizer, List<String> classNames,
                                       Map<String, String> metadata) {
        return toStored(network.spec(), network.parameters(), standardizer, classNames, metadata);
    }

    private static StoredModel toStored(NetworkSpec spec, float[] parameters,
                                        Standardizer standardizer, List<String> classNames,
                                        Map<String, String> metadata) {
        List<StoredLayer> layers = new ArrayList<>();
        int[] sizes = spec.sizes();
        int offset = 0;
        for (int l = 0; l < spec.depth(); l++) {
            LayerSpec s = spec.layers().get(l);
            int p = (int) s.parameterCount(sizes[l]);
            int units = sizes[l + 1];
            float[] w;
            float[] b;
            if (s instanceof dev.lanes.nn.DenseSpec) {
                w = java.util.Arrays.copyOfRange(parameters, offset, offset + p - units);
                b = java.util.Arrays.copyOfRange(parameters, offset + p - units, offset + p);
            } else {
                w = java.util.Arrays.copyOfRange(parameters, offset, offset + p);
                b = new float[0];
            }
            layers.add(new StoredLayer(s.kind(), s.config(), units, w, b));
            offset += p;
        }
        return new StoredModel(spec.inputs(), layers, name(spec.loss()), classNames,
                standardizer == null ? null : standardizer.mean(),
                standardizer == null ? null : standardizer.std(), metadata);
    }

    /**
     * The network a stored model describes, running on {@code kernels}.
     *
     * @param file named in the error when the model uses a layer kind, activation or loss this
     *             Lanes does not know, or an invalid combination
     */
    public static Network toNetwork(StoredModel m, Kernels kernels, Path file) throws ModelFileException {
        NetworkSpec spec = specOf(m, file);
        requireFinite(m, file);
        Network net = Network.create(spec, 0, kernels);
        net.copyParametersFrom(parametersOf(m));
        return net;
    }

    /**
     * Refuses a stored model with a NaN or infinite weight or bias: training never saves one (a
     * run whose loss is not finite stops without writing), so such a file was altered or damaged
     * in a way its checksum did not catch, or an ONNX graph carries it; predictions from it would
     * be NaN or silently wrong.
     */
    static void requireFinite(StoredModel m, Path file) throws ModelFileException {
        for (int l = 0; l < m.layers().size(); l++) {
            StoredLayer s = m.layers().get(l);
            float[][] parts = {s.weights(), s.biases()};
            for (int part = 0; part < 2; part++) {
                float[] v = parts[part];
                for (int i = 0; i < v.length; i++) {
                    if (!Float.isFinite(v[i])) {
                        throw new ModelFileException(file, "layer " + (l + 1) + " holds a non-finite "
                                + (part == 0 ? "weight" : "bias") + " (" + v[i] + ") at index " + i
                                + "; a trained model's parameters are always finite");
                    }
                }
            }
        }
    }

    /** The flat parameters of a stored model, laid out like {@link Network#parameters()}. */
    public static float[] parametersOf(StoredModel m) {
        int n = 0;
        for (StoredLayer l : m.layers()) {
            n += l.weights().length + l.biases().length;
        }
        float[] p = new float[n];
        int at = 0;
        for (StoredLayer l : m.layers()) {
            System.arraycopy(l.weights(), 0, p, at, l.weights().length);
            at += l.weights().length;
            System.arraycopy(l.biases(), 0, p, at, l.biases().length);
            at += l.biases().length;
        }
        return p;
    }

    /** The architecture of a stored model. */
    public static NetworkSpec specOf(StoredModel m, Path file) throws ModelFileException {
        List<LayerSpec> layers = new ArrayList<>();
        for (int l = 0; l < m.layers().size(); l++) {
            StoredLayer s = m.layers().get(l);
            if (s.isDense() && activation(s.activation()) == null) {
                throw new ModelFileException(file, "layer " + (l + 1) + " uses the activation '"
                        + ModelFile.excerpt(s.activation()) + "', which this Lanes does not know");
            }
            try {
                LayerSpec spec = LayerSpecs.parse(s.kind(), s.config());
                layers.add(spec);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "layer " + (l + 1) + ": " + e.getMessage()
                        + (e.getMessage().startsWith("unknown layer kind") ? ", which this Lanes does not know" : ""));
            }
        }
        Loss loss = loss(m.loss());
        if (loss == null) {
            throw new ModelFileException(file, "uses the loss '" + ModelFile.excerpt(m.loss()) + "', which this Lanes does not know");
        }
        NetworkSpec spec;
        try {
            spec = new NetworkSpec(m.inputs(), layers, loss);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "describes an invalid network: " + e.getMessage());
        }
        int[] sizes = spec.sizes();
        for (int l = 0; l < m.layers().size(); l++) {
            StoredLayer s = m.layers().get(l);
            long want = spec.layers().get(l).parameterCount(sizes[l]);
            if (s.units() != sizes[l + 1] || s.weights().length + s.biases().length != want) {
                throw new ModelFileException(file, "layer " + (l + 1) + " stores " + s.units() + " units and "
                        + (s.weights().length + s.biases().length) + " parameters but its configuration "
                        + spec.layers().get(l) + " needs " + sizes[l + 1] + " and " + want);
            }
        }
        return spec;
    }

    /** The input standardization of a stored model, or null if it has none. */
    public static Standardizer standardizerOf(StoredModel m) {
        return m.mean() == null ? null : Standardizer.of(m.mean(), m.std());
    }

    /**
     * A checkpoint of a training run: the network's architecture with the state's parameters, the
     * optimizer state and the early-stopping bookkeeping, plus the caller's configuration.
     */
    public static Checkpoint toCheckpoint(NetworkSpec spec, TrainingState state, long seed,
                                          Standardizer standardizer, List<String> classNames,
                                          Map<String, String> metadata, Map<String, String> config) {
        StoredModel model = toStored(spec, state.parameters(), standardizer, classNames, metadata);
        Map<String, String> all = new HashMap<>(config);
        Optimizer.State os = state.optimizer();
        all.put(OPT_NAME, os.optimizer());
        all.put(OPT_STEPS, Long.toString(os.steps()));
        all.put(BEST_LOSS, Double.toString(state.bestValidationLoss()));
        all.put(BEST_EPOCH, Integer.toString(state.bestEpoch()));
        all.put(SINCE_BEST, Integer.toString(state.epochsWithoutImprovement()));
        StringBuilder rs = new StringBuilder();
        for (long r : state.randomState()) {
            rs.append(rs.length() == 0 ? "" : ",").append(r);
        }
        all.put(RANDOM_STATE, rs.toString());
        Map<String, float[]> tensors = new HashMap<>();
        for (int i = 0; i < os.buffers().size(); i++) {
            tensors.put(String.format(Locale.ROOT, "%s%04d", BUFFER, i), os.buffers().get(i));
        }
        if (state.bestParameters() != null) {
            tensors.put(BEST_PARAMETERS, state.bestParameters());
        }
        return new Checkpoint(model, state.epochsCompleted(), seed, all, tensors);
    }

    /** The training state held by a checkpoint. */
    public static TrainingState toTrainingState(Checkpoint c, Path file) throws ModelFileException {
        Map<String, String> cfg = c.config();
        try {
            int count = (int) c.optimizerState().keySet().stream().filter(k -> k.startsWith(BUFFER)).count();
            List<float[]> buffers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                float[] v = c.optimizerState().get(String.format(Locale.ROOT, "%s%04d", BUFFER, i));
                if (v == null) {
                    throw new ModelFileException(file, "optimizer buffer " + i + " of " + count + " is missing");
                }
                buffers.add(v);
            }
            Optimizer.State os = new Optimizer.State(required(cfg, OPT_NAME, file),
                    Long.parseLong(required(cfg, OPT_STEPS, file)), buffers);
            String rs = cfg.getOrDefault(RANDOM_STATE, "");
            long[] random = rs.isEmpty() ? new long[0]
                    : java.util.Arrays.stream(rs.split(",")).mapToLong(Long::parseLong).toArray();
            requireFinite(c.model(), file);
            float[] parameters = parametersOf(c.model());
            float[] best = c.optimizerState().get(BEST_PARAMETERS);
            if (best != null && best.length != parameters.length) {
                throw new ModelFileException(file, "holds " + best.length + " best parameters for a model of "
                        + parameters.length);
            }
            return new TrainingState(c.epochs(), parameters, random, os,
                    Double.parseDouble(required(cfg, BEST_LOSS, file)),
                    Integer.parseInt(required(cfg, BEST_EPOCH, file)),
                    Integer.parseInt(required(cfg, SINCE_BEST, file)), best);
        } catch (NumberFormatException e) {
            throw new ModelFileException(file, "has a malformed trainer setting: "
                    + ModelFile.excerpt(String.valueOf(e.getMessage())));
        }
    }

    private static String required(Map<String, String> cfg, String key, Path file) throws ModelFileException {
        String v = cfg.get(key);
        if (v == null) {
            throw new ModelFileException(file, "lacks the trainer setting '" + key + "'");
        }
        return v;
    }
}
