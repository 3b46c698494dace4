package dev.lanes.io;

import dev.lanes.data.Standardizer;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.LayerSpec;
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

    private Models() {
    }

    /** The file name of an activation. */
    public static String name(Activation a) {
        return a.name().toLowerCase(Locale.ROOT);
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
        return toStored(network.spec(), weightsOf(network), biasesOf(network), standardizer, classNames, metadata);
    }

    private static StoredModel toStored(NetworkSpec spec, List<float[]> w, List<float[]> b,
                                        Standardizer standardizer, List<String> classNames,
                                        Map<String, String> metadata) {
        List<StoredLayer> layers = new ArrayList<>();
        for (int l = 0; l < spec.depth(); l++) {
            LayerSpec s = spec.layers().get(l);
            layers.add(new StoredLayer(s.units(), name(s.activation()), w.get(l).clone(), b.get(l).clone()));
        }
        return new StoredModel(spec.inputs(), layers, name(spec.loss()), classNames,
                standardizer == null ? null : standardizer.mean(),
                standardizer == null ? null : standardizer.std(), metadata);
    }

    /**
     * The network a stored model describes, running on {@code kernels}.
     *
     * @param file named in the error when the model uses an activation or loss this Lanes does not
     *             know, or an invalid combination
     */
    public static Network toNetwork(StoredModel m, Kernels kernels, Path file) throws ModelFileException {
        NetworkSpec spec = specOf(m, file);
        Network net = Network.create(spec, 0, kernels);
        for (int l = 0; l < spec.depth(); l++) {
            net.setWeights(l, m.layers().get(l).weights());
            net.setBiases(l, m.layers().get(l).biases());
        }
        return net;
    }

    /** The architecture of a stored model. */
    public static NetworkSpec specOf(StoredModel m, Path file) throws ModelFileException {
        List<LayerSpec> layers = new ArrayList<>();
        for (int l = 0; l < m.layers().size(); l++) {
            StoredLayer s = m.layers().get(l);
            Activation a = activation(s.activation());
            if (a == null) {
                throw new ModelFileException(file, "layer " + (l + 1) + " uses the activation '"
                        + ModelFile.excerpt(s.activation()) + "', which this Lanes does not know");
            }
            layers.add(new LayerSpec(s.units(), a));
        }
        Loss loss = loss(m.loss());
        if (loss == null) {
            throw new ModelFileException(file, "uses the loss '" + ModelFile.excerpt(m.loss()) + "', which this Lanes does not know");
        }
        try {
            return new NetworkSpec(m.inputs(), layers, loss);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "describes an invalid network: " + e.getMessage());
        }
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
        StoredModel model = toStored(spec, state.weights(), state.biases(), standardizer, classNames, metadata);
        Map<String, String> all = new HashMap<>(config);
        Optimizer.State os = state.optimizer();
        all.put(OPT_NAME, os.optimizer());
        all.put(OPT_STEPS, Long.toString(os.steps()));
        all.put(BEST_LOSS, Double.toString(state.bestValidationLoss()));
        all.put(BEST_EPOCH, Integer.toString(state.bestEpoch()));
        all.put(SINCE_BEST, Integer.toString(state.epochsWithoutImprovement()));
        Map<String, float[]> tensors = new HashMap<>();
        for (int i = 0; i < os.buffers().size(); i++) {
            tensors.put(String.format(Locale.ROOT, "%s%04d", BUFFER, i), os.buffers().get(i));
        }
        return new Checkpoint(model, state.epochsCompleted(), seed, all, tensors);
    }

    /** The training state held by a checkpoint. */
    public static TrainingState toTrainingState(Checkpoint c, Path file) throws ModelFileException {
        Map<String, String> cfg = c.config();
        try {
            int count = c.optimizerState().size();
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
            List<float[]> w = new ArrayList<>();
            List<float[]> b = new ArrayList<>();
            for (StoredLayer l : c.model().layers()) {
                w.add(l.weights());
                b.add(l.biases());
            }
            return new TrainingState(c.epochs(), w, b, os,
                    Double.parseDouble(required(cfg, BEST_LOSS, file)),
                    Integer.parseInt(required(cfg, BEST_EPOCH, file)),
                    Integer.parseInt(required(cfg, SINCE_BEST, file)));
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

    private static List<float[]> weightsOf(Network n) {
        List<float[]> out = new ArrayList<>();
        for (int l = 0; l < n.depth(); l++) {
            out.add(n.weights(l));
        }
        return out;
    }

    private static List<float[]> biasesOf(Network n) {
        List<float[]> out = new ArrayList<>();
        for (int l = 0; l < n.depth(); l++) {
            out.add(n.biases(l));
        }
        return out;
    }
}
