package dev.lanes.cli;

import dev.lanes.data.Dataset;
import dev.lanes.data.Standardizer;
import dev.lanes.io.Checkpoint;
import dev.lanes.io.Model;
import dev.lanes.io.ModelFile;
import dev.lanes.io.Models;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Evaluation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Adam;
import dev.lanes.optim.LearningRateSchedule;
import dev.lanes.optim.Momentum;
import dev.lanes.optim.Optimizer;
import dev.lanes.optim.Sgd;
import dev.lanes.train.EpochResult;
import dev.lanes.train.Trainer;
import dev.lanes.train.TrainingDivergedException;
import dev.lanes.train.TrainingListener;
import dev.lanes.train.TrainingResult;
import dev.lanes.train.TrainingState;
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

    @Option(names = "--layers", converter = Ranges.Positive.class, split = "[,-]", splitSynopsisLabel = ",", paramLabel = "N",
            description = "Every layer's width, input first and output last, separated by '-' or ',' as in "
                    + "784-512-512-10; the first must equal the data's features and the last its classes or "
                    + "targets (default: <features>-128-<outputs>), e.g. 64-32-10 for the digits.")
    int[] layers;

    @Option(names = "--activation", defaultValue = "relu", paramLabel = "NAME",
            converter = Choices.ActivationConverter.class, completionCandidates = Choices.Activations.class,
            description = "Activation of the hidden layers: ${COMPLETION-CANDIDATES} (default: relu).")
    Activation activation;

    @Option(names = "--output-activation", paramLabel = "NAME",
            converter = Choices.ActivationConverter.class, completionCandidates = Choices.Activations.class,
            description = "Activation of the output layer: ${COMPLETION-CANDIDATES} "
                    + "(default: softmax with cross-entropy, identity with mse).")
    Activation outputActivation;

    @Option(names = "--loss", paramLabel = "NAME",
            converter = Choices.LossConverter.class, completionCandidates = Choices.Losses.class,
            description = "Loss: ${COMPLETION-CANDIDATES} (default: cross-entropy for classification, mse for regression).")
    Loss loss;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "NAME",
            converter = Choices.OptimizerConverter.class, completionCandidates = Choices.Optimizers.class,
            description = "Optimizer: ${COMPLETION-CANDIDATES} (default: adam); adamw is Adam with decoupled "
                    + "weight decay (--weight-decay, default 0.01 for adamw).")
    Choices.OptimizerName optimizer;

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

    @Option(names = "--lr", converter = Ranges.Rate.class, paramLabel = "RATE",
            description = "Learning rate (default: 0.001 for adam, 0.1 for sgd and momentum).")
    Float learningRate;

    @Option(names = "--lr-schedule", defaultValue = "cosine", paramLabel = "NAME",
            converter = Choices.ScheduleConverter.class, completionCandidates = Choices.Schedules.class,
            description = "How the learning rate changes over the run: ${COMPLETION-CANDIDATES}. cosine (default) "
                    + "anneals it after every batch from --lr down to nearly 0 at the end of --epochs; constant "
                    + "keeps --lr. A cosine run is resumed with the same --epochs.")
    LearningRateSchedule schedule;

    @Option(names = "--momentum", converter = Ranges.Momentum.class, defaultValue = "0.9", paramLabel = "MU",
            description = "Momentum coefficient of --optimizer momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--batch", converter = Ranges.Positive.class, defaultValue = "32", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", converter = Ranges.Positive.class, defaultValue = "30", description = "Total epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "1",
            description = "Seed of the initial weights, the splits and the batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--validation", converter = Ranges.Fraction.class, defaultValue = "0.1", paramLabel = "FRACTION",
            description = "Fraction of the non-test rows held out for validation after each epoch (default: ${DEFAULT-VALUE}).")
    double validation;

    @Option(names = "--test", converter = Ranges.Fraction.class, defaultValue = "0.2", paramLabel = "FRACTION",
            description = "Fraction of all rows held out for the final test accuracy (default: ${DEFAULT-VALUE}).")
    double test;

    @Option(names = "--test-data", paramLabel = "FILE",
            description = "A separate test set, read like --data (CSV with the same columns, or IDX images with "
                    + "--test-labels); replaces the --test split, so all of --data is used for training and validation.")
    String testData;

    @Option(names = "--test-labels", paramLabel = "FILE",
            description = "IDX labels file of --test-data.")
    Path testLabels;

    @Option(names = "--patience", converter = Ranges.NonNegative.class, defaultValue = "0", paramLabel = "EPOCHS",
            description = "Stop early when the validation loss has not improved for this many epochs, and keep "
                    + "the weights of the best epoch; 0 = never (default).")
    int patience;

    @Option(names = "--no-standardize", negatable = false,
            description = "Same as --preprocess none.")
    boolean noStandardize;

    @Option(names = "--preprocess", paramLabel = "NAME", defaultValue = "auto",
            converter = Choices.PreprocessConverter.class, completionCandidates = Choices.Preprocessings.class,
            description = "Input preprocessing, one of ${COMPLETION-CANDIDATES}, fitted on the training part and "
                    + "kept in the model: standardize (mean 0, deviation 1, with a variance floor), min-max (each "
                    + "feature's training range to [0, 1]) or none. auto (default): none for IDX images, whose "
                    + "pixels the reader already scales to [0, 1]; standardize otherwise.")
    Choices.Preprocess preprocess;

    @Option(names = "--out", defaultValue = "model.lanes", paramLabel = "FILE",
            description = "The model file to write (default: ${DEFAULT-VALUE}); the checkpoint is FILE.ckpt, the plot FILE.png.")
    Path out;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue the run saved in this checkpoint up to --epochs, with its settings.")
    Path resume;

    @Option(names = "--no-plot", negatable = false, description = "Do not write the PNG plot.")
    boolean noPlot;

    @Option(names = "--progress", paramLabel = "NAME", defaultValue = "auto",
            converter = Choices.ProgressConverter.class, completionCandidates = Choices.Progresses.class,
            description = "Progress display, one of ${COMPLETION-CANDIDATES}. auto (default): a progress bar on a "
                    + "terminal, redrawn at most 10 times a second and replaced by one summary line per epoch; "
                    + "bar: always; log: only the summary lines.")
    Choices.Progress progress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The settings that define a run; a resumed run must keep them. */
    private static final List<String> RUN_SETTINGS = List.of("--layers", "--activation", "--output-activation",
            "--loss", "--optimizer", "--lr", "--momentum", "--batch", "--seed", "--validation", "--test",
            "--no-standardize");

    /** Checkpoint key of the epoch count a non-constant learning-rate schedule spans. */
    private static final String SCHEDULE_EPOCHS = "lr-schedule.epochs";

    /** Checkpoint key of the per-epoch metrics so far, so the plot of a resumed run shows every epoch. */
    private static final String HISTORY = "history";

    /** The warm-up started before the data is read, if any; stopped when the command ends. */
    private StartupWarmup.Handle early;

    @Override
    public Integer call() throws IOException {
        try {
            return train();
        } finally {
            // A command that fails (bad data, a shape mismatch) leaves no warm-up running behind it.
            StartupWarmup.stop(early);
        }
    }

    private Integer train() throws IOException {
        CommandLine cl = spec.commandLine();
        PrintWriter o = cl.getOut();
        Checkpoint checkpoint = null;
        if (resume != null) {
            checkpoint = ModelFile.readCheckpoint(resume);
            adoptSettings(cl, checkpoint.config());
            seed = checkpoint.seed();
        }
        Main.requireOneWidthList(cl, "--layers");
        validateOptions(cl);
        // The data must survive a run whose --out names it (the checkpoint --resume reads is
        // meant to be rewritten, so it is not among them).
        Path[] inputs = {Main.pathOrNull(dataOptions.data), dataOptions.labels, Main.pathOrNull(testData), testLabels};
        Main.requireWritableFile(cl, "--out", out, inputs);
        Main.requireWritableFile(cl, "--out", sibling(out, ".ckpt"), inputs);
        if (!noPlot) {
            Main.requireWritableFile(cl, "--out", sibling(out, ".png"), inputs);
        }
        if (layers != null) {
            Budget.network(cl, "--layers", join(layers), layers, batch, optimizerFloats());
        }
        if (testLabels != null && testData == null) {
            throw new CommandLine.ParameterException(cl, "--test-labels needs --test-data (the IDX images file)");
        }
        if (testData != null) {
            if (cl.getParseResult().hasMatchedOption("--test") && test != 0) {
                throw new CommandLine.ParameterException(cl, "--test " + test + " and --test-data both choose the "
                        + "test set; give one of them");
            }
            test = 0;
        }
        Kernels kernels = kernelOptions.kernels(cl);

        if (dataOptions.data == null) {
            dataOptions.data = DataOptions.DIGITS;
        }
        // When --layers gives every width, the network is known before the data is read, up to the
        // loss the task implies: warm its kernels up while the data loads (a second or more for
        // MNIST) instead of after. A wrong guess only costs that background work.
        NetworkSpec guess = guessSpec(cl);
        early = guess == null ? null : StartupWarmup.training(guess, kernels, optimizer());
        Parts parts = loadParts(cl);
        boolean classes = parts.classes();
        int rows = parts.rows();
        Dataset train = parts.train();
        Dataset val = parts.validation();
        Dataset testSet = parts.test();
        parts = null;
        String prep = preprocessing();
        Standardizer std = switch (prep) {
            case "standardize" -> Standardizer.fit(train);
            case "min-max" -> Standardizer.fitMinMax(train);
            default -> null;
        };
        if (std != null) {
            try {
                // One part at a time, so at most one part is held twice while it is transformed.
                train = std.apply(train);
                val = val == null ? null : std.apply(val);
                testSet = testSet == null ? null : std.apply(testSet);
            } catch (IllegalArgumentException e) {
                throw CliException.badInput(dataOptions.describe() + ": " + e.getMessage()
                        + " (try --preprocess none)", e);
            }
        }
        String fingerprint = fingerprint(train);

        NetworkSpec netSpec = networkSpec(cl, train);
        Budget.network(cl, "--layers", join(netSpec.sizes()), netSpec.sizes(), batch, optimizerFloats());
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
        // Training is always a large pass: wait for the kernels its step needs to be compiled, or the
        // first epoch runs several times slower than the rest.
        StartupWarmup.Handle warm = early;
        if (early != null && !netSpec.equals(guess)) {
            StartupWarmup.stop(early);
            warm = null;
        }
        if (warm == null) {
            warm = StartupWarmup.training(netSpec, kernels, optimizer());
        }
        if (warm != null) {
            warm.done.join();
        }
        Optimizer opt = optimizer();
        Progress listener = new Progress(cl, train.size(), epochs, classes);
        Trainer trainer = Trainer.builder().epochs(epochs).batchSize(batch).seed(seed).optimizer(opt)
                .learningRateSchedule(schedule).listener(listener).earlyStopping(patience, 0).clipNorm(clipNorm)
                .build();
        Path ckpt = sibling(out, ".ckpt");
        List<String> classNames = classes ? train.classNames() : List.of();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("data", dataOptions.describe());
        metadata.put("task", classes ? "classification" : "regression");
        int[] lastCheckpoint = {0};
        if (testData != null) {
            metadata.put("test.data", testLabels == null ? testData : testData + " + " + testLabels);
        }
        listener.onEpoch = r -> {
            TrainingState s = trainer.checkpoint();
            try {
                Map<String, String> withHistory = new LinkedHashMap<>(config);
                withHistory.put(HISTORY, encodeHistory(listener.history));
                Map<String, String> meta = new LinkedHashMap<>(metadata);
                meta.put(Model.PREPROCESSING_KEY, std == null ? "none" : std.kind().label());
                ModelFile.write(ckpt, Models.toCheckpoint(netSpec, s, seed, std, classNames, meta, withHistory));
                lastCheckpoint[0] = s.epochsCompleted();
            } catch (IOException e) {
                throw new CliException(ExitCodes.FAILURE, "cannot write the checkpoint " + ckpt + ": " + e, e);
            }
        };

        o.printf("train: %s, %d rows (%d training, %d validation, %d test%s), %d features, %s%n",
                dataOptions.describe(), rows, train.size(), val == null ? 0 : val.size(),
                testSet == null ? 0 : testSet.size(), testData == null ? "" : " in " + testData
                        + (testLabels == null ? "" : " + " + testLabels), train.features(),
                classes ? train.classes() + " classes" : train.outputs() + " targets");
        o.printf("preprocessing: %s%s%n", prep, preprocess == Choices.Preprocess.AUTO
                ? (dataOptions.labels != null ? " (auto: IDX pixels are already scaled to [0, 1])"
                        : " (auto; --preprocess min-max|none to change)") : "");
        o.printf("network: %s, %,d parameters; optimizer %s, %s learning rate, batch %d, seed %d%n", netSpec,
                netSpec.parameterCount(), opt, schedule.label(), batch, seed);
        o.printf("kernels: %s%n", kernels.describe());
        TrainingResult result = null;
        int epochsDone;
        try {
            if (checkpoint != null) {
                TrainingState state = Models.toTrainingState(checkpoint, resume);
                if (state.epochsCompleted() > epochs) {
                    throw new CliException(ExitCodes.USAGE, "the checkpoint " + resume + " already has "
                            + state.epochsCompleted() + " epochs, more than --epochs " + epochs
                            + "; ask for at least " + state.epochsCompleted());
                }
                listener.history.addAll(decodeHistory(checkpoint.config().get(HISTORY)));
                boolean stoppedEarly = val != null && patience > 0 && state.epochsWithoutImprovement() >= patience;
                if (state.epochsCompleted() == epochs || stoppedEarly) {
                    // The run finished but its model was never written (e.g. the process was killed
                    // while writing it): a resume that trains no epoch ends the run exactly as the
                    // uninterrupted one ended (including the return to the best epoch's weights).
                    o.printf("the checkpoint %s holds the finished run (%d epochs); writing its model%n",
                            resume, state.epochsCompleted());
                    Trainer finish = Trainer.builder().epochs(state.epochsCompleted()).batchSize(batch).seed(seed)
                            .optimizer(opt).learningRateSchedule(schedule).listener(listener)
                            .earlyStopping(patience, 0).clipNorm(clipNorm).build();
                    try {
                        result = finish.resume(net, state, train, val);
                    } catch (IllegalArgumentException e) {
                        throw CliException.badInput(resume + ": cannot resume from this checkpoint: "
                                + excerpt(String.valueOf(e.getMessage())), e);
                    }
                    epochsDone = result.finalState().epochsCompleted();
                } else {
                    o.printf("resuming after epoch %d from %s%n", state.epochsCompleted(), resume);
                    o.flush();
                    try {
                        result = trainer.resume(net, state, train, val);
                    } catch (IllegalArgumentException e) {
                        // The checkpoint passed its checksum but its state does not fit this run
                        // (an optimizer of another kind, buffers of other shapes).
                        throw CliException.badInput(resume + ": cannot resume from this checkpoint: "
                                + excerpt(String.valueOf(e.getMessage())), e);
                    }
                    epochsDone = result.finalState().epochsCompleted();
                }
            } else {
                o.flush();
                result = trainer.fit(net, train, val);
                epochsDone = result.finalState().epochsCompleted();
            }
        } catch (TrainingDivergedException e) {
            String where = lastCheckpoint[0] > 0
                    ? "the last good checkpoint is " + ckpt + " (after epoch " + lastCheckpoint[0] + ")"
                    : checkpoint != null
                    ? "the checkpoint " + resume + " it resumed from is unchanged"
                    : "no checkpoint was written: it diverged in the first epoch";
            throw new CliException(ExitCodes.FAILURE, e.getMessage() + " (try a smaller --lr; " + where + ")", e);
        } finally {
            listener.close();
        }
        if (result != null && result.stoppedEarly()) {
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
        metadata.put("epochs", Integer.toString(epochsDone));
        Model.of(net, std, classNames, metadata).save(out);
        o.printf("model: %s (checkpoint %s)%n", out, ckpt);
        if (!noPlot) {
            Path png = sibling(out, ".png");
            Charts.writeTraining(png, listener.history, classes);
            o.printf("plot: %s%n", png);
        }
        o.flush();
        return ExitCodes.OK;
    }

    /** The training, validation and test parts, and the row count of --data. */
    private record Parts(Dataset train, Dataset validation, Dataset test, int rows, boolean classes) {
    }

    /**
     * Reads the data and splits it. The parts are views of the data set's one feature array
     * ({@link Dataset#split}), so the values are held once, during the split and after it.
     */
    private Parts loadParts(CommandLine cl) {
        Dataset all = dataOptions.load(null);
        boolean classes = all.isClassification();
        if (classes && all.classes() < 2) {
            throw CliException.badInput(dataOptions.describe() + ": a classifier needs at least two classes, but "
                    + "every row has the label '" + excerpt(all.classNames().getFirst()) + "'");
        }
        warnConstantColumns(cl, all);
        Dataset trainAll;
        Dataset testSet;
        if (testData != null) {
            trainAll = all;
            testSet = dataOptions.load(testData, testLabels, classes ? all.classNames() : null,
                    "--test-data", "--test-labels");
            if (testSet.features() != all.features() || testSet.outputs() != all.outputs()) {
                throw CliException.badInput("shape mismatch: the test data " + testData + " has " + testSet.features()
                        + " features and " + testSet.outputs() + " outputs per row but the training data "
                        + dataOptions.describe() + " has " + all.features() + " and " + all.outputs());
            }
        } else {
            Dataset.Split ts = all.split(test, seed, classes);
            trainAll = ts.first();
            testSet = ts.second().size() > 0 ? ts.second() : null;
        }
        Dataset.Split tv = trainAll.split(validation, seed + 1, classes && trainAll.size() > 1);
        Dataset train = tv.first();
        Dataset val = tv.second().size() > 0 ? tv.second() : null;
        if (train.size() == 0) {
            throw CliException.badInput(dataOptions.describe() + ": no training rows left after holding out "
                    + "--test " + test + " and --validation " + validation + " of " + all.size() + " rows");
        }
        if (test > 0 && testSet == null || validation > 0 && val == null) {
            throw CliException.badInput(dataOptions.describe() + ": " + all.size() + " rows are too few for the "
                    + "splits: --test " + test + " leaves " + (testSet == null ? 0 : testSet.size())
                    + " test rows and --validation " + validation + " leaves " + (val == null ? 0 : val.size())
                    + " validation rows; give more rows, or --test 0 / --validation 0 to skip a split");
        }
        return new Parts(train, val, testSet, all.size(), classes);
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
        if (!(momentum >= 0 && momentum < 1)) {
            bad.add("--momentum must be in [0, 1) but was " + momentum);
        }
        if (layers != null && Arrays.stream(layers).anyMatch(n -> n < 1)) {
            bad.add("--layers widths must be positive but were " + Arrays.toString(layers));
        }
        if (!(dropout >= 0 && dropout < 1)) {
            bad.add("--dropout must be in [0, 1) but was " + dropout);
        }
        if (weightDecay != null && !(weightDecay >= 0 && Float.isFinite(weightDecay))) {
            bad.add("--weight-decay must be finite and >= 0 but was " + weightDecay);
        }
        if (weightDecay != null && weightDecay > 0 && optimizer == Choices.OptimizerName.ADAM) {
            bad.add("--weight-decay with --optimizer adam: use --optimizer adamw (decoupled weight decay)");
        }
        // Softmax cross-entropy scores class probabilities against class labels; on numeric targets
        // (one output: a softmax that is always 1) it trains nothing and reports a loss of 0. A data
        // set is a regression one exactly when --task says so, and a resumed run's loss is adopted
        // from its checkpoint before this check.
        if (loss == Loss.CROSS_ENTROPY && dataOptions.task == DataOptions.Task.REGRESSION) {
            bad.add("--loss cross-entropy needs class labels, but --task regression trains on numeric targets; "
                    + "use --loss mse");
        }
        if (!(clipNorm >= 0 && Double.isFinite(clipNorm))) {
            bad.add("--clip-norm must be finite and >= 0 but was " + clipNorm);
        }
        if (!bad.isEmpty()) {
            if (resume != null) {
                // Options given here were range-checked while parsing: these values came from the file.
                throw CliException.badInput(resume + ": the checkpoint's settings are invalid: "
                        + excerpt(String.join("; ", bad)));
            }
            throw new CommandLine.ParameterException(cl, String.join("; ", bad));
        }
    }

    /** Optimizer floats per parameter, for the memory estimate. */
    private int optimizerFloats() {
        return switch (optimizer) {
            case SGD -> 0;
            case MOMENTUM -> 1;
            case ADAM, ADAMW -> 2;
        };
    }

    /** A loud warning, not an error: a constant feature is useless but harmless. */
    private static void warnConstantColumns(CommandLine cl, Dataset d) {
        int f = d.features();
        float[] first = new float[f];
        float[] row = new float[f];
        // The columns still equal to the first row, in order; a column leaves the list the first
        // time it differs, so after a few rows only the constant candidates are compared (on MNIST
        // 67 of 784) and the scan stops once none is left.
        int[] open = new int[f];
        for (int j = 0; j < f; j++) {
            open[j] = j;
        }
        int count = f;
        d.copyFeatures(0, first, 0);
        for (int i = 1; i < d.size() && count > 0; i++) {
            d.copyFeatures(i, row, 0);
            int kept = 0;
            for (int t = 0; t < count; t++) {
                int j = open[t];
                if (Float.compare(row[j], first[j]) == 0) {
                    open[kept++] = j;
                }
            }
            count = kept;
        }
        List<Integer> constant = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            constant.add(open[t] + 1);
        }
        if (d.size() > 1 && !constant.isEmpty()) {
            String list = constant.size() <= 10 ? constant.toString()
                    : constant.subList(0, 10) + " and " + (constant.size() - 10) + " more";
            cl.getErr().printf("lanes train: warning: %d of %d feature columns are constant (1-based: %s); "
                    + "they carry no information%n", constant.size(), f, list);
            cl.getErr().flush();
        }
    }

    private static String excerpt(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    private NetworkSpec networkSpec(CommandLine cl, Dataset data) {
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
        return specOf(cl, widths, data.isClassification());
    }

    /**
     * The network the options describe, if --layers gives every width, assuming the task the data
     * options imply (IDX labels and CSV classification: a classifier); null otherwise, or if the
     * options are invalid — the error is reported once the data is read, as without a guess.
     */
    NetworkSpec guessSpec(CommandLine cl) {
        if (layers == null || layers.length < 2) {
            return null;
        }
        try {
            return specOf(cl, layers, dataOptions.labels != null || dataOptions.task == DataOptions.Task.CLASSIFICATION);
        } catch (CommandLine.ParameterException e) {
            return null;
        }
    }

    /**
     * The network of these widths with the options' activations, dropout and loss; the default loss
     * is cross-entropy for a classifier and mean squared error otherwise.
     */
    private NetworkSpec specOf(CommandLine cl, int[] widths, boolean classification) {
        Activation hidden = activation;
        Loss l = loss == null ? (classification ? Loss.CROSS_ENTROPY : Loss.MSE) : loss;
        Activation outAct = outputActivation != null ? outputActivation
                : l == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.IDENTITY;
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

    private Optimizer optimizer() {
        return switch (optimizer) {
            case SGD -> new Sgd(learningRateUsed(), weightDecayUsed());
            case MOMENTUM -> new Momentum(learningRateUsed(), momentum, weightDecayUsed());
            case ADAMW -> Adam.adamW(learningRateUsed(), weightDecayUsed());
            case ADAM -> new Adam(learningRateUsed());
        };
    }

    /** The run's settings as text, stored in checkpoints so --resume can restore them. */
    private Map<String, String> settings(NetworkSpec netSpec, String fingerprint) {
        Map<String, String> c = new LinkedHashMap<>();
        int[] sizes = netSpec.sizes();
        c.put("--layers", join(sizes));
        c.put("--activation", Models.name(activation));
        c.put("--output-activation", Models.name(netSpec.outputLayer().activation()));
        c.put("--loss", Models.name(netSpec.loss()));
        c.put("--optimizer", optimizer.label());
        c.put("--lr", Float.toString(learningRateUsed()));
        c.put("--momentum", Float.toString(momentum));
        c.put("--batch", Integer.toString(batch));
        c.put("--seed", Long.toString(seed));
        c.put("--validation", Double.toString(validation));
        c.put("--test", Double.toString(test));
        c.put("--no-standardize", Boolean.toString(noStandardize));
        c.put("--preprocess", preprocessing());
        c.put("--lr-schedule", schedule.label());
        c.put(SCHEDULE_EPOCHS, Integer.toString(epochs));
        c.put("--patience", Integer.toString(patience));
        c.put("--dropout", Double.toString(dropout));
        c.put("--weight-decay", Float.toString(weightDecayUsed()));
        c.put("--clip-norm", Double.toString(clipNorm));
        c.put("data.fingerprint", fingerprint);
        return c;
    }

    /** The preprocessing this run uses: --no-standardize wins, then --preprocess, auto resolved. */
    private String preprocessing() {
        if (noStandardize) {
            return "none";
        }
        if (preprocess == Choices.Preprocess.AUTO) {
            return dataOptions.labels != null ? "none" : "standardize";
        }
        return preprocess.label();
    }

    private float learningRateUsed() {
        return learningRate != null ? learningRate
                : optimizer == Choices.OptimizerName.ADAM || optimizer == Choices.OptimizerName.ADAMW ? 1e-3f : 0.1f;
    }

    private float weightDecayUsed() {
        return weightDecay != null ? weightDecay : optimizer == Choices.OptimizerName.ADAMW ? 0.01f : 0f;
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
                            + excerpt(value) + " of the checkpoint " + resume + "; a resumed run keeps its settings");
                }
            }
            try {
                apply(option, value);
            } catch (RuntimeException e) {
                throw CliException.badInput(resume + ": malformed setting " + option + "=" + excerpt(value), e);
            }
        }
        String savedPrep = saved.get("--preprocess");
        if (savedPrep != null) {
            String given = preprocessing();
            if (pr.hasMatchedOption("--preprocess") && !given.equals(savedPrep)) {
                throw new CommandLine.ParameterException(cl, "--preprocess " + given + " differs from the value "
                        + savedPrep + " of the checkpoint " + resume + "; a resumed run keeps its settings");
            }
            try {
                preprocess = new Choices.PreprocessConverter().convert(savedPrep);
            } catch (RuntimeException e) {
                throw CliException.badInput(resume + ": malformed setting --preprocess=" + excerpt(savedPrep), e);
            }
        }
        adoptSchedule(cl, saved);
        String p = saved.get("--patience");
        if (p != null && !pr.hasMatchedOption("--patience")) {
            try {
                patience = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw CliException.badInput(resume + ": malformed setting --patience", e);
            }
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

    /**
     * Takes the learning-rate schedule from a checkpoint (one written before schedules existed ran
     * at a constant rate). A schedule other than constant spans the epochs the run asked for, so
     * it can only be resumed up to that same count.
     */
    private void adoptSchedule(CommandLine cl, Map<String, String> saved) {
        CommandLine.ParseResult pr = cl.getParseResult();
        String value = saved.getOrDefault("--lr-schedule", LearningRateSchedule.CONSTANT.label());
        LearningRateSchedule had;
        try {
            had = new Choices.ScheduleConverter().convert(value);
        } catch (RuntimeException e) {
            throw CliException.badInput(resume + ": malformed setting --lr-schedule=" + excerpt(value), e);
        }
        if (pr.hasMatchedOption("--lr-schedule") && schedule != had) {
            throw new CommandLine.ParameterException(cl, "--lr-schedule " + schedule.label() + " differs from the value "
                    + had.label() + " of the checkpoint " + resume + "; a resumed run keeps its settings");
        }
        schedule = had;
        if (had == LearningRateSchedule.CONSTANT) {
            return;
        }
        String span = saved.get(SCHEDULE_EPOCHS);
        int spanEpochs;
        try {
            spanEpochs = Integer.parseInt(String.valueOf(span));
        } catch (NumberFormatException e) {
            throw CliException.badInput(resume + ": malformed setting " + SCHEDULE_EPOCHS + "=" + excerpt(String.valueOf(span)), e);
        }
        if (spanEpochs != epochs) {
            throw new CommandLine.ParameterException(cl, "--epochs " + epochs + " differs from the " + spanEpochs
                    + " epochs of the run in the checkpoint " + resume + ": its " + had.label()
                    + " learning-rate schedule spans exactly those; resume with --epochs " + spanEpochs
                    + " (a run can be extended only with --lr-schedule constant)");
        }
    }

    private String currentValue(String option) {
        return switch (option) {
            case "--layers" -> layers == null ? "" : join(layers);
            case "--activation" -> Models.name(activation);
            case "--output-activation" -> outputActivation == null ? "null" : Models.name(outputActivation);
            case "--loss" -> loss == null ? "null" : Models.name(loss);
            case "--optimizer" -> optimizer.label();
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
            case "--layers" -> layers = Arrays.stream(value.split("[,-]")).mapToInt(Integer::parseInt).toArray();
            case "--activation" -> activation = new Choices.ActivationConverter().convert(value);
            case "--output-activation" -> outputActivation = new Choices.ActivationConverter().convert(value);
            case "--loss" -> loss = new Choices.LossConverter().convert(value);
            case "--optimizer" -> optimizer = new Choices.OptimizerConverter().convert(value);
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

    /**
     * Per-epoch progress: on a terminal a bar redrawn in place at most {@value #REDRAW_NANOS} ns
     * apart (ten times a second) and replaced by the epoch's summary line, so one line per epoch
     * stays on screen; elsewhere only the summary lines. A batch costs one {@code System.nanoTime()}
     * call unless a redraw is due; the time spent drawing is measured and left out of samples/s.
     */
    private final class Progress implements TrainingListener, AutoCloseable {
        static final long REDRAW_NANOS = 100_000_000L;
        private static final int BAR = 30;
        private final PrintWriter out;
        private final int trainRows;
        private final int totalEpochs;
        private final boolean bar;
        private final boolean accuracy;
        private long lastDraw;
        private long drawNanos;
        private int epochSeen = -1;
        private boolean drawn;
        private final StringBuilder line = new StringBuilder(128);
        final List<EpochResult> history = new ArrayList<>();
        java.util.function.Consumer<EpochResult> onEpoch = r -> { };

        Progress(CommandLine cl, int trainRows, int totalEpochs, boolean accuracy) {
            this.out = cl.getOut();
            this.accuracy = accuracy;
            this.trainRows = trainRows;
            this.totalEpochs = totalEpochs;
            java.io.Console console = System.console();
            this.bar = progress == Choices.Progress.BAR
                    || (progress == Choices.Progress.AUTO && console != null && console.isTerminal());
        }

        @Override
        public void batchEnd(int epoch, int batchNo, int batchCount, double batchLoss) {
            if (!bar) {
                return;
            }
            long now = System.nanoTime();
            if (epoch != epochSeen) {
                // The first redraw of an epoch waits a full interval: short epochs draw nothing.
                epochSeen = epoch;
                lastDraw = now;
                drawNanos = 0;
                return;
            }
            if (now - lastDraw < REDRAW_NANOS) {
                return;
            }
            int filled = (int) ((long) BAR * batchNo / Math.max(1, batchCount));
            line.setLength(0);
            line.append("\repoch ").append(epoch).append('/').append(totalEpochs).append(" [");
            for (int i = 0; i < BAR; i++) {
                line.append(i < filled ? '#' : '.');
            }
            line.append("] ").append(100L * batchNo / Math.max(1, batchCount)).append("% ")
                    .append(batchNo).append('/').append(batchCount)
                    .append(String.format(Locale.ROOT, "  loss %.4f", batchLoss)).append("\u001b[K");
            out.print(line);
            out.flush();
            drawn = true;
            long done = System.nanoTime();
            drawNanos += done - now;
            lastDraw = done;
        }

        @Override
        public void epochEnd(EpochResult r) {
            history.add(r);
            double seconds = Math.max(1e-9, r.seconds() - drawNanos * 1e-9);
            epochSeen = -1;
            StringBuilder sb = new StringBuilder(drawn ? "\r" : "");
            sb.append(String.format(Locale.ROOT, "epoch %3d/%d  loss %.5f", r.epoch(), totalEpochs, r.trainLoss()));
            if (accuracy) {
                sb.append(String.format(Locale.ROOT, "  acc %6.2f%%", 100 * r.trainAccuracy()));
            }
            if (r.hasValidation()) {
                sb.append(String.format(Locale.ROOT, "  val_loss %.5f", r.validationLoss()));
                if (accuracy) {
                    sb.append(String.format(Locale.ROOT, "  val_acc %6.2f%%", 100 * r.validationAccuracy()));
                }
            }
            sb.append(String.format(Locale.ROOT, "  %,.0f samples/s  %.2f s", trainRows / seconds, r.seconds()));
            if (drawn) {
                sb.append("\u001b[K");
            }
            drawn = false;
            out.println(sb);
            out.flush();
            onEpoch.accept(r);
        }

        @Override
        public void close() {
            if (drawn) {
                out.println();
                out.flush();
                drawn = false;
            }
        }
    }
}
