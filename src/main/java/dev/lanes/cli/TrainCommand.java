package dev.lanes.cli;

import dev.lanes.data.Dataset;
import dev.lanes.data.Standardizer;
import dev.lanes.io.Checkpoint;
import dev.lanes.io.ModelFile;
import dev.lanes.io.Models;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Evaluation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Adam;
import dev.lanes.optim.Momentum;
import dev.lanes.optim.Optimizer;
import dev.lanes.optim.Sgd;
import dev.lanes.train.EpochResult;
import dev.lanes.train.Trainer;
import dev.lanes.train.TrainingDivergedException;
import dev.lanes.train.TrainingListener;
import dev.lanes.train.TrainingResult;
import dev.lanes.train.TrainingState;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.CRC32;

/** {@code lanes train}: trains a network, writes the model, checkpoints and a training plot. */
@Command(name = "train", mixinStandardHelpOptions = true,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILURE, ExitCodes.HELP_USAGE,
            ExitCodes.HELP_BAD_INPUT},
        description = {"Train a dense network on a data set and write the model file.",
            "The data is split (seeded, stratified for classes) into training, validation and test parts; "
                + "features are standardized with statistics of the training part, which the model keeps. "
                + "After every epoch a checkpoint <out>.ckpt is written (atomically); --resume continues "
                + "from one and ends with the same weights as an uninterrupted run. A plot of loss and "
                + "accuracy per epoch goes to <out>.png. The test accuracy is printed at the end."})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    DataOptions dataOptions;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--layers", split = ",", paramLabel = "N",
            description = "Every layer's width, input first and output last, as in 784-512-512-10; "
                    + "the first must equal the data's features and the last its classes or targets "
                    + "(default: <features>,128,<outputs>), e.g. 64,32,10 for the digits.")
    int[] layers;

    @Option(names = "--activation", defaultValue = "relu", paramLabel = "sigmoid|tanh|relu|identity|gelu|silu",
            description = "Activation of the hidden layers (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--output-activation", paramLabel = "NAME",
            description = "Activation of the output layer (default: softmax with cross-entropy, identity with mse).")
    String outputActivation;

    @Option(names = "--loss", paramLabel = "cross-entropy|mse",
            description = "Loss (default: cross-entropy for classification, mse for regression).")
    String loss;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "sgd|momentum|adam|adamw",
            description = "Optimizer (default: ${DEFAULT-VALUE}); adamw is Adam with decoupled weight decay "
                    + "(--weight-decay, default 0.01 for adamw).")
    String optimizer;

    @Option(names = "--dropout", defaultValue = "0", paramLabel = "P",
            description = "Inverted dropout after every hidden layer, dropping each value with probability P "
                    + "in [0, 1) during training only (default: ${DEFAULT-VALUE}, none).")
    double dropout;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA",
            description = "Weight decay: L2 added to the gradient for sgd and momentum, decoupled for adamw "
                    + "(default: 0.01 for adamw, 0 otherwise; not allowed with adam, use adamw).")
    Float weightDecay;

    @Option(names = "--clip-norm", defaultValue = "0", paramLabel = "N",
            description = "Clip each batch's global gradient norm to N before the update (default: ${DEFAULT-VALUE}, off).")
    double clipNorm;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: 0.001 for adam, 0.1 for sgd and momentum).")
    Float learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", paramLabel = "MU",
            description = "Momentum coefficient of --optimizer momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--batch", defaultValue = "32", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", defaultValue = "30", description = "Total epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "1",
            description = "Seed of the initial weights, the splits and the batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--validation", defaultValue = "0.1", paramLabel = "FRACTION",
            description = "Fraction of the non-test rows held out for validation after each epoch (default: ${DEFAULT-VALUE}).")
    double validation;

    @Option(names = "--test", defaultValue = "0.2", paramLabel = "FRACTION",
            description = "Fraction of all rows held out for the final test accuracy (default: ${DEFAULT-VALUE}).")
    double test;

    @Option(names = "--patience", defaultValue = "0", paramLabel = "EPOCHS",
            description = "Stop early when the validation loss has not improved for this many epochs, and keep "
                    + "the weights of the best epoch; 0 = never (default).")
    int patience;

    @Option(names = "--no-standardize", negatable = false,
            description = "Feed the features as they are instead of standardizing them.")
    boolean noStandardize;

    @Option(names = "--out", defaultValue = "model.lanes", paramLabel = "FILE",
            description = "The model file to write (default: ${DEFAULT-VALUE}); the checkpoint is FILE.ckpt, the plot FILE.png.")
    Path out;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue the run saved in this checkpoint up to --epochs, with its settings.")
    Path resume;

    @Option(names = "--no-plot", negatable = false, description = "Do not write the PNG plot.")
    boolean noPlot;

    @Option(names = "--progress", paramLabel = "auto|bar|log", defaultValue = "auto",
            description = "Per-epoch progress bar on a terminal (auto), always (bar) or plain log lines (log).")
    String progress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The settings that define a run; a resumed run must keep them. */
    private static final List<String> RUN_SETTINGS = List.of("--layers", "--activation", "--output-activation",
            "--loss", "--optimizer", "--lr", "--momentum", "--batch", "--seed", "--validation", "--test",
            "--no-standardize");

    /** Checkpoint key of the per-epoch metrics so far, so the plot of a resumed run shows every epoch. */
    private static final String HISTORY = "history";

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        PrintWriter o = cl.getOut();
        Checkpoint checkpoint = null;
        if (resume != null) {
            checkpoint = ModelFile.readCheckpoint(resume);
            adoptSettings(cl, checkpoint.config());
            seed = checkpoint.seed();
        }
        validateOptions(cl);
        Main.requireParentDirectory(cl, "--out", out);
        Kernels kernels = kernelOptions.kernels(cl);

        if (dataOptions.data == null) {
            dataOptions.data = DataOptions.DIGITS;
        }
        Dataset all = dataOptions.load(null);
        boolean classes = all.isClassification();
        Dataset.Split ts = all.split(test, seed, classes);
        Dataset trainAll = ts.first();
        Dataset testSet = ts.second().size() > 0 ? ts.second() : null;
        Dataset.Split tv = trainAll.split(validation, seed + 1, classes && trainAll.size() > 1);
        Dataset train = tv.first();
        Dataset val = tv.second().size() > 0 ? tv.second() : null;
        if (train.size() == 0) {
            throw CliException.badInput(dataOptions.describe() + ": no training rows left after holding out "
                    + "--test " + test + " and --validation " + validation + " of " + all.size() + " rows");
        }
        Standardizer std = noStandardize ? null : Standardizer.fit(train);
        if (std != null) {
            try {
                train = std.apply(train);
                val = val == null ? null : std.apply(val);
                testSet = testSet == null ? null : std.apply(testSet);
            } catch (IllegalArgumentException e) {
                throw CliException.badInput(dataOptions.describe() + ": " + e.getMessage()
                        + " (try --no-standardize)", e);
            }
        }
        String fingerprint = fingerprint(train);

        NetworkSpec netSpec = networkSpec(cl, all);
        Map<String, String> config = settings(netSpec, fingerprint);
        if (checkpoint != null) {
            String had = checkpoint.config().get("data.fingerprint");
            if (!fingerprint.equals(had)) {
                throw CliException.badInput("the data " + dataOptions.describe() + " is not the data the checkpoint "
                        + resume + " was trained on (training part fingerprint " + fingerprint + ", checkpoint has "
                        + had + ")");
            }
            NetworkSpec saved = Models.specOf(checkpoint.model(), resume);
            if (!saved.equals(netSpec)) {
                throw CliException.badInput(resume + ": the checkpoint's network " + saved
                        + " does not match " + netSpec);
            }
        }
        Network net = Network.create(netSpec, seed, kernels);
        Optimizer opt = optimizer();
        Progress listener = new Progress(cl, train.size(), epochs, classes);
        Trainer trainer = Trainer.builder().epochs(epochs).batchSize(batch).seed(seed).optimizer(opt)
                .listener(listener).earlyStopping(patience, 0).clipNorm(clipNorm).build();
        Path ckpt = sibling(out, ".ckpt");
        List<String> classNames = classes ? all.classNames() : List.of();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("data", dataOptions.describe());
        metadata.put("task", classes ? "classification" : "regression");
        listener.onEpoch = r -> {
            TrainingState s = trainer.checkpoint();
            try {
                Map<String, String> withHistory = new LinkedHashMap<>(config);
                withHistory.put(HISTORY, encodeHistory(listener.history));
                ModelFile.write(ckpt, Models.toCheckpoint(netSpec, s, seed, std, classNames, metadata, withHistory));
            } catch (IOException e) {
                throw new CliException(ExitCodes.FAILURE, "cannot write the checkpoint " + ckpt + ": " + e, e);
            }
        };

        o.printf("train: %s, %d rows (%d training, %d validation, %d test), %d features, %s%n",
                dataOptions.describe(), all.size(), train.size(), val == null ? 0 : val.size(),
                testSet == null ? 0 : testSet.size(), all.features(),
                classes ? all.classes() + " classes" : all.outputs() + " targets");
        o.printf("network: %s, %,d parameters; optimizer %s, batch %d, seed %d%n", netSpec,
                netSpec.parameterCount(), opt, batch, seed);
        o.printf("kernels: %s%n", kernels.describe());
        TrainingResult result;
        try {
            if (checkpoint != null) {
                TrainingState state = Models.toTrainingState(checkpoint, resume);
                if (state.epochsCompleted() >= epochs) {
                    throw new CliException(ExitCodes.USAGE, "the checkpoint " + resume + " already has "
                            + state.epochsCompleted() + " epochs; ask for more with --epochs");
                }
                o.printf("resuming after epoch %d from %s%n", state.epochsCompleted(), resume);
                listener.history.addAll(decodeHistory(checkpoint.config().get(HISTORY)));
                o.flush();
                result = trainer.resume(net, state, train, val);
            } else {
                o.flush();
                result = trainer.fit(net, train, val);
            }
        } catch (TrainingDivergedException e) {
            throw new CliException(ExitCodes.FAILURE, e.getMessage()
                    + " (try a smaller --lr; the last good checkpoint is " + ckpt + ")", e);
        } finally {
            listener.close();
        }
        if (result.stoppedEarly()) {
            o.printf("stopped early: the validation loss last improved at epoch %d%n", result.bestEpoch());
        }
        if (result.restoredEpoch() > 0) {
            EpochResult best = null;
            for (EpochResult r : listener.history) {
                if (r.epoch() == result.restoredEpoch()) {
                    best = r;
                }
            }
            o.printf(Locale.ROOT, "restored the weights of epoch %d, the best validation loss%s%n", result.restoredEpoch(),
                    best == null ? "" : String.format(Locale.ROOT, " (%.5f%s)", best.validationLoss(),
                            classes ? String.format(Locale.ROOT, ", accuracy %.2f%%", 100 * best.validationAccuracy()) : ""));
            // Evaluated again from the restored weights: the same numbers as that epoch's.
            Evaluation again = Trainer.evaluate(net, val);
            o.printf(Locale.ROOT, "validation with the restored weights: loss %.5f%s%n", again.loss(),
                    classes ? String.format(Locale.ROOT, ", accuracy %.2f%%", 100 * again.accuracy()) : "");
            metadata.put("restored.epoch", Integer.toString(result.restoredEpoch()));
            metadata.put("validation.loss", Double.toString(again.loss()));
            if (classes) {
                metadata.put("validation.accuracy", Double.toString(again.accuracy()));
            }
        }
        if (testSet != null) {
            Evaluation ev = Trainer.evaluate(net, testSet);
            metadata.put("test.loss", Double.toString(ev.loss()));
            if (classes) {
                metadata.put("test.accuracy", Double.toString(ev.accuracy()));
                o.printf(Locale.ROOT, "test: loss %.5f, accuracy %.2f%% (%d of %d)%n", ev.loss(),
                        100 * ev.accuracy(), ev.correct(), ev.examples());
            } else {
                o.printf(Locale.ROOT, "test: loss (mse) %.6g over %d rows%n", ev.loss(), ev.examples());
            }
        }
        metadata.put("epochs", Integer.toString(result.finalState().epochsCompleted()));
        ModelFile.write(out, Models.toStored(net, std, classNames, metadata));
        o.printf("model: %s (checkpoint %s)%n", out, ckpt);
        if (!noPlot) {
            Path png = sibling(out, ".png");
            Charts.writeTraining(png, listener.history, classes);
            o.printf("plot: %s%n", png);
        }
        o.flush();
        return ExitCodes.OK;
    }

    private void validateOptions(CommandLine cl) {
        List<String> bad = new ArrayList<>();
        if (batch < 1) {
            bad.add("--batch must be at least 1 but was " + batch);
        }
        if (epochs < 1) {
            bad.add("--epochs must be at least 1 but was " + epochs);
        }
        if (!(validation >= 0 && validation < 1)) {
            bad.add("--validation must be in [0, 1) but was " + validation);
        }
        if (!(test >= 0 && test < 1)) {
            bad.add("--test must be in [0, 1) but was " + test);
        }
        if (patience < 0) {
            bad.add("--patience must not be negative but was " + patience);
        }
        if (learningRate != null && !(learningRate > 0 && Float.isFinite(learningRate))) {
            bad.add("--lr must be positive and finite but was " + learningRate);
        }
        if (layers != null && Arrays.stream(layers).anyMatch(n -> n < 1)) {
            bad.add("--layers widths must be positive but were " + Arrays.toString(layers));
        }
        if (!List.of("auto", "bar", "log").contains(progress)) {
            bad.add("--progress must be auto, bar or log but was '" + progress + "'");
        }
        if (!List.of("sgd", "momentum", "adam", "adamw").contains(optimizer)) {
            bad.add("--optimizer must be sgd, momentum, adam or adamw but was '" + optimizer + "'");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            bad.add("--dropout must be in [0, 1) but was " + dropout);
        }
        if (weightDecay != null && !(weightDecay >= 0 && Float.isFinite(weightDecay))) {
            bad.add("--weight-decay must be finite and >= 0 but was " + weightDecay);
        }
        if (weightDecay != null && weightDecay > 0 && optimizer.equals("adam")) {
            bad.add("--weight-decay with --optimizer adam: use --optimizer adamw (decoupled weight decay)");
        }
        if (!(clipNorm >= 0 && Double.isFinite(clipNorm))) {
            bad.add("--clip-norm must be finite and >= 0 but was " + clipNorm);
        }
        if (!bad.isEmpty()) {
            throw new CommandLine.ParameterException(cl, String.join("; ", bad));
        }
    }

    private NetworkSpec networkSpec(CommandLine cl, Dataset data) {
        Activation hidden = parseActivation(cl, "--activation", activation);
        Loss l = loss == null ? (data.isClassification() ? Loss.CROSS_ENTROPY : Loss.MSE) : Models.loss(loss);
        if (l == null) {
            throw new CommandLine.ParameterException(cl, "--loss must be cross-entropy or mse but was '" + loss + "'");
        }
        Activation outAct = outputActivation != null ? parseActivation(cl, "--output-activation", outputActivation)
                : l == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.IDENTITY;
        int[] widths = layers != null ? layers : new int[] {data.features(), 128, data.outputs()};
        if (widths.length < 2) {
            throw new CommandLine.ParameterException(cl, "--layers needs at least an input and an output width "
                    + "(e.g. " + data.features() + "," + data.outputs() + ") but was " + join(widths));
        }
        if (widths[0] != data.features()) {
            throw CliException.badInput("shape mismatch: the network's input layer has "
                    + widths[0] + " units (--layers " + join(widths) + ") but the data "
                    + dataOptions.describe() + " has " + data.features() + " features per row");
        }
        if (widths[widths.length - 1] != data.outputs()) {
            throw CliException.badInput("shape mismatch: the network's output layer has "
                    + widths[widths.length - 1] + " units (--layers " + join(widths) + ") but the data "
                    + dataOptions.describe() + " has " + data.outputs()
                    + (data.isClassification() ? " classes" : " targets")
                    + " per row (" + data.features() + " features → " + data.outputs() + ")");
        }
        int[] sizes = widths.clone();
        try {
            NetworkSpec.Builder b = NetworkSpec.builder(sizes[0]);
            for (int i = 1; i < sizes.length; i++) {
                boolean output = i == sizes.length - 1;
                b.dense(sizes[i], output ? outAct : hidden);
                if (!output && dropout > 0) {
                    b.dropout(dropout);
                }
            }
            return b.loss(l).spec();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    private static Activation parseActivation(CommandLine cl, String option, String s) {
        Activation a = Models.activation(s.trim().toLowerCase(Locale.ROOT));
        if (a == null) {
            throw new CommandLine.ParameterException(cl, option
                    + " must be sigmoid, tanh, relu, identity, gelu, silu or softmax but was '" + s + "'");
        }
        return a;
    }

    private Optimizer optimizer() {
        return switch (optimizer) {
            case "sgd" -> new Sgd(learningRateUsed(), weightDecayUsed());
            case "momentum" -> new Momentum(learningRateUsed(), momentum, weightDecayUsed());
            case "adamw" -> Adam.adamW(learningRateUsed(), weightDecayUsed());
            default -> new Adam(learningRateUsed());
        };
    }

    /** The run's settings as text, stored in checkpoints so --resume can restore them. */
    private Map<String, String> settings(NetworkSpec netSpec, String fingerprint) {
        Map<String, String> c = new LinkedHashMap<>();
        int[] sizes = netSpec.sizes();
        c.put("--layers", join(sizes));
        c.put("--activation", activation);
        c.put("--output-activation", Models.name(netSpec.outputLayer().activation()));
        c.put("--loss", Models.name(netSpec.loss()));
        c.put("--optimizer", optimizer);
        c.put("--lr", Float.toString(learningRateUsed()));
        c.put("--momentum", Float.toString(momentum));
        c.put("--batch", Integer.toString(batch));
        c.put("--seed", Long.toString(seed));
        c.put("--validation", Double.toString(validation));
        c.put("--test", Double.toString(test));
        c.put("--no-standardize", Boolean.toString(noStandardize));
        c.put("--patience", Integer.toString(patience));
        c.put("--dropout", Double.toString(dropout));
        c.put("--weight-decay", Float.toString(weightDecayUsed()));
        c.put("--clip-norm", Double.toString(clipNorm));
        c.put("data.fingerprint", fingerprint);
        return c;
    }

    private float learningRateUsed() {
        return learningRate != null ? learningRate : optimizer.startsWith("adam") ? 1e-3f : 0.1f;
    }

    private float weightDecayUsed() {
        return weightDecay != null ? weightDecay : optimizer.equals("adamw") ? 0.01f : 0f;
    }

    /**
     * Takes the run's settings from a checkpoint. An option given explicitly on this command line
     * with a different value is an error: a resumed run only reproduces the uninterrupted one
     * with the same settings.
     */
    private void adoptSettings(CommandLine cl, Map<String, String> saved) {
        CommandLine.ParseResult pr = cl.getParseResult();
        for (String option : RUN_SETTINGS) {
            String value = saved.get(option);
            if (value == null) {
                throw CliException.badInput(resume + ": the checkpoint lacks the setting " + option);
            }
            if (pr.hasMatchedOption(option)) {
                String given = currentValue(option);
                if (!equalSetting(option, given, value)) {
                    throw new CommandLine.ParameterException(cl, option + " " + given + " differs from the value "
                            + value + " of the checkpoint " + resume + "; a resumed run keeps its settings");
                }
            }
            try {
                apply(option, value);
            } catch (RuntimeException e) {
                throw CliException.badInput(resume + ": malformed setting " + option + "=" + value, e);
            }
        }
        String p = saved.get("--patience");
        if (p != null && !pr.hasMatchedOption("--patience")) {
            patience = Integer.parseInt(p);
        }
        // Settings added after the first checkpoints were written: absent means their default.
        for (String option : List.of("--dropout", "--weight-decay", "--clip-norm")) {
            String value = saved.get(option);
            if (value == null) {
                continue;
            }
            String given = option.equals("--dropout") ? Double.toString(dropout)
                    : option.equals("--clip-norm") ? Double.toString(clipNorm) : String.valueOf(weightDecay);
            if (pr.hasMatchedOption(option) && !equalSetting("--lr", given, value)) {
                throw new CommandLine.ParameterException(cl, option + " " + given + " differs from the value "
                        + value + " of the checkpoint " + resume + "; a resumed run keeps its settings");
            }
            try {
                switch (option) {
                    case "--dropout" -> dropout = Double.parseDouble(value);
                    case "--clip-norm" -> clipNorm = Double.parseDouble(value);
                    default -> weightDecay = Float.parseFloat(value);
                }
            } catch (NumberFormatException e) {
                throw CliException.badInput(resume + ": malformed setting " + option + "=" + value, e);
            }
        }
    }

    private String currentValue(String option) {
        return switch (option) {
            case "--layers" -> layers == null ? "" : join(layers);
            case "--activation" -> activation;
            case "--output-activation" -> String.valueOf(outputActivation);
            case "--loss" -> String.valueOf(loss);
            case "--optimizer" -> optimizer;
            case "--lr" -> String.valueOf(learningRate);
            case "--momentum" -> Float.toString(momentum);
            case "--batch" -> Integer.toString(batch);
            case "--seed" -> Long.toString(seed);
            case "--validation" -> Double.toString(validation);
            case "--test" -> Double.toString(test);
            case "--no-standardize" -> Boolean.toString(noStandardize);
            default -> throw new IllegalArgumentException(option);
        };
    }

    private static boolean equalSetting(String option, String given, String saved) {
        if (given.equals(saved)) {
            return true;
        }
        return switch (option) {
            case "--lr", "--momentum", "--validation", "--test" -> {
                try {
                    yield Double.parseDouble(given) == Double.parseDouble(saved);
                } catch (NumberFormatException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }

    private void apply(String option, String value) {
        switch (option) {
            case "--layers" -> layers = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
            case "--activation" -> activation = value;
            case "--output-activation" -> outputActivation = value;
            case "--loss" -> loss = value;
            case "--optimizer" -> optimizer = value;
            case "--lr" -> learningRate = Float.parseFloat(value);
            case "--momentum" -> momentum = Float.parseFloat(value);
            case "--batch" -> batch = Integer.parseInt(value);
            case "--seed" -> seed = Long.parseLong(value);
            case "--validation" -> validation = Double.parseDouble(value);
            case "--test" -> test = Double.parseDouble(value);
            case "--no-standardize" -> noStandardize = Boolean.parseBoolean(value);
            default -> throw new IllegalArgumentException(option);
        }
    }

    /** CRC-32 of the training part's size, features and targets: resuming needs the same data. */
    private static String fingerprint(Dataset d) {
        CRC32 crc = new CRC32();
        ByteBuffer b = ByteBuffer.allocate(4 * Math.max(d.features(), d.outputs())).order(ByteOrder.LITTLE_ENDIAN);
        float[] row = new float[Math.max(d.features(), d.outputs())];
        for (int i = 0; i < d.size(); i++) {
            d.copyFeatures(i, row, 0);
            b.clear();
            b.asFloatBuffer().put(row, 0, d.features());
            crc.update(b.array(), 0, 4 * d.features());
            d.copyTargets(i, row, 0);
            b.clear();
            b.asFloatBuffer().put(row, 0, d.outputs());
            crc.update(b.array(), 0, 4 * d.outputs());
        }
        return String.format("%d×%d:%08x", d.size(), d.features(), crc.getValue());
    }

    /** One line per epoch: epoch, losses and accuracies as exact decimal doubles, seconds. */
    private static String encodeHistory(List<EpochResult> history) {
        StringBuilder sb = new StringBuilder();
        for (EpochResult r : history) {
            sb.append(r.epoch()).append(' ').append(r.trainLoss()).append(' ').append(r.trainAccuracy()).append(' ')
                    .append(r.validationLoss()).append(' ').append(r.validationAccuracy()).append(' ')
                    .append(r.seconds()).append('\n');
        }
        return sb.toString();
    }

    private List<EpochResult> decodeHistory(String s) {
        List<EpochResult> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        try {
            for (String line : s.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(" ");
                out.add(new EpochResult(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])));
            }
        } catch (RuntimeException e) {
            throw CliException.badInput(resume + ": the checkpoint's epoch history is malformed", e);
        }
        return out;
    }

    static Path sibling(Path file, String suffix) {
        Path abs = file.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + suffix);
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return sb.toString();
    }

    /** Per-epoch progress: a bar on a terminal, one plain line per epoch otherwise. */
    private final class Progress implements TrainingListener, AutoCloseable {
        private final PrintWriter out;
        private final int trainRows;
        private final int totalEpochs;
        private final boolean bar;
        private final boolean accuracy;
        private ProgressBar current;
        private int currentEpoch;
        final List<EpochResult> history = new ArrayList<>();
        java.util.function.Consumer<EpochResult> onEpoch = r -> { };

        Progress(CommandLine cl, int trainRows, int totalEpochs, boolean accuracy) {
            this.out = cl.getOut();
            this.accuracy = accuracy;
            this.trainRows = trainRows;
            this.totalEpochs = totalEpochs;
            java.io.Console console = System.console();
            this.bar = progress.equals("bar") || (progress.equals("auto") && console != null && console.isTerminal());
        }

        @Override
        public void batchEnd(int epoch, int batchNo, int batchCount, double batchLoss) {
            if (!bar) {
                return;
            }
            if (current == null || currentEpoch != epoch) {
                closeBar();
                currentEpoch = epoch;
                current = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + totalEpochs)
                        .setInitialMax(batchCount).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                        .continuousUpdate().hideEta().build();
            }
            current.stepTo(batchNo);
            current.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", batchLoss));
        }

        @Override
        public void epochEnd(EpochResult r) {
            closeBar();
            history.add(r);
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %3d/%d  loss %.5f",
                    r.epoch(), totalEpochs, r.trainLoss()));
            if (accuracy) {
                sb.append(String.format(Locale.ROOT, "  acc %6.2f%%", 100 * r.trainAccuracy()));
            }
            if (r.hasValidation()) {
                sb.append(String.format(Locale.ROOT, "  val_loss %.5f", r.validationLoss()));
                if (accuracy) {
                    sb.append(String.format(Locale.ROOT, "  val_acc %6.2f%%", 100 * r.validationAccuracy()));
                }
            }
            sb.append(String.format(Locale.ROOT, "  %,.0f samples/s  %.2f s", trainRows / r.seconds(), r.seconds()));
            out.println(sb);
            out.flush();
            onEpoch.accept(r);
        }

        private void closeBar() {
            if (current != null) {
                current.close();
                current = null;
            }
        }

        @Override
        public void close() {
            closeBar();
        }
    }
}
