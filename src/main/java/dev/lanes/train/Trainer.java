package dev.lanes.train;

import dev.lanes.data.Dataset;
import dev.lanes.data.MiniBatches;
import dev.lanes.nn.Evaluation;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.StepUpdate;
import dev.lanes.optim.GradientClipping;
import dev.lanes.optim.LearningRateSchedule;
import dev.lanes.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Mini-batch training: for each epoch, the training set is shuffled by {@link MiniBatches} (order
 * fixed by (seed, epoch)), and each batch runs one forward/backward pass and one optimizer step.
 * After each epoch the optional validation set is evaluated; early stopping ends the run when the
 * validation loss has not improved by more than {@code minDelta} for {@code patience} epochs, and
 * the network then gets back the weights of its best epoch (a copy of the flat parameters kept
 * whenever the validation loss improves). With {@code clipNorm} the global gradient norm of each
 * batch is clipped before the optimizer step. A {@link LearningRateSchedule} sets the optimizer's
 * learning-rate factor before every step, from the step's place among the
 * {@code epochs × batches} steps of the whole run (early stopping does not shorten the schedule).
 *
 * <p>A non-finite batch loss stops training with a {@link TrainingDivergedException} naming the
 * epoch and batch. {@link #checkpoint()} captures a {@link TrainingState} from which
 * {@link #resume} continues bit-identically.
 *
 * <p>Build with {@link #builder()}. A trainer owns its optimizer's state and is not thread-safe.
 *
 * <pre>{@code
 * Trainer t = Trainer.builder().epochs(30).batchSize(32).seed(1).optimizer(new Adam(1e-3f)).build();
 * TrainingResult r = t.fit(network, train, validation);
 * }</pre>
 */
public final class Trainer {

    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final Optimizer optimizer;
    private final TrainingListener listener;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBest;
    private final double clipNorm;
    private final LearningRateSchedule schedule;

    // The run in progress (or last finished), for checkpoint().
    private Network network;
    private int epochsCompleted;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;
    private float[] best;

    private Trainer(Builder b) {
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer must be set");
        this.listener = b.listener;
        this.patience = b.patience;
        this.minDelta = b.minDelta;
        this.restoreBest = b.restoreBest;
        this.clipNorm = b.clipNorm;
        this.schedule = b.schedule;
    }

    /**
     * A builder with 10 epochs, batch size 32, seed 0, a constant learning rate, no listener and
     * no early stopping.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The optimizer this trainer steps. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * Trains {@code network} from its current weights with a fresh optimizer state for the
     * configured number of epochs (fewer if early stopping triggers).
     *
     * @param validation evaluated after every epoch; may be null (then no early stopping)
     * @throws TrainingDivergedException if a batch loss is NaN or infinite
     */
    public TrainingResult fit(Network network, Dataset train, Dataset validation) {
        optimizer.reset();
        begin(network, 0, Double.POSITIVE_INFINITY, 0, 0, null);
        return run(train, validation);
    }

    /**
     * Restores {@code state} into {@code network} (weights and biases) and the optimizer, then
     * trains from epoch {@code state.epochsCompleted() + 1} up to the configured epoch count.
     * With the settings of the interrupted run the result is bit-identical to never stopping.
     */
    public TrainingResult resume(Network network, TrainingState state, Dataset train, Dataset validation) {
        float[] p = state.parameters();
        if (p.length != network.parameterCount()) {
            throw new IllegalArgumentException("the state has " + p.length + " parameters but the network has "
                    + network.parameterCount());
        }
        network.copyParametersFrom(p);
        network.restoreRandomState(state.randomState());
        optimizer.restore(state.optimizer());
        begin(network, state.epochsCompleted(), state.bestValidationLoss(), state.bestEpoch(),
                state.epochsWithoutImprovement(), state.bestParameters());
        return run(train, validation);
    }

    /**
     * The state of the current (or last) run after its last completed epoch: call it from
     * {@link TrainingListener#epochEnd} or after {@code fit}. Deep copies.
     *
     * @throws IllegalStateException if no run has started
     */
    public TrainingState checkpoint() {
        if (network == null) {
            throw new IllegalStateException("no training run has started");
        }
        return new TrainingState(epochsCompleted, network.parameters(), network.randomState(), optimizer.state(),
                bestLoss, bestEpoch, sinceBest, best);
    }

    private void begin(Network net, int completed, double bestSoFar, int bestAt, int since, float[] bestParameters) {
        this.network = Objects.requireNonNull(net, "network");
        this.epochsCompleted = completed;
        this.bestLoss = bestSoFar;
        this.best = bestParameters;
        this.bestEpoch = bestAt;
        this.sinceBest = since;
    }

    private TrainingResult run(Dataset train, Dataset validation) {
        Network net = network;
        checkShapes(net, train, "training set");
        float[] valX = null;
        float[] valY = null;
        if (validation != null) {
            checkShapes(net, validation, "validation set");
            valX = new float[validation.size() * validation.features()];
            valY = new float[validation.size() * validation.outputs()];
            for (int i = 0; i < validation.size(); i++) {
                validation.copyFeatures(i, valX, i * validation.features());
                validation.copyTargets(i, valY, i * validation.outputs());
            }
        }
        MiniBatches batches = new MiniBatches(train, batchSize, seed);
        int count = batches.batchCount();
        int outputs = train.outputs();
        float[] x = new float[batchSize * train.features()];
        float[] y = new float[batchSize * outputs];
        Gradients g = net.newGradients();
        // Without clipping, which needs every gradient before any update, the optimizer's update is
        // fused into the step: each piece of the parameters is updated by the thread that has
        // just computed its gradients (the same bits as a separate step).
        StepUpdate fused = clipNorm > 0 ? null : optimizer.stepUpdate(net, g);
        boolean keepBest = validation != null && patience > 0 && restoreBest;
        if (keepBest && best == null) {
            best = new float[net.parameterCount()];
        }
        List<EpochResult> results = new ArrayList<>();
        boolean stopped = false;
        long totalSteps = (long) epochs * count;

        for (int epoch = epochsCompleted + 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            batches.startEpoch(epoch - 1);
            double lossSum = 0;
            long correct = 0;
            for (int b = 0; b < count; b++) {
                int rows = batches.fill(b, x, y);
                optimizer.learningRateFactor(schedule.factor((epoch - 1L) * count + b, totalSteps));
                // a fused update is not applied when the loss is not finite
                double loss = net.lossAndGradients(x, y, rows, g, fused);
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException(epoch, b + 1, count, loss);
                }
                lossSum += loss * rows;
                correct += Network.countCorrect(net.workspace().outputs(), 0, y, 0, rows, outputs);
                if (fused == null) {
                    if (clipNorm > 0) {
                        GradientClipping.clipGlobalNorm(net.kernels(), g, clipNorm);
                    }
                    optimizer.step(net, g);
                }
                if (listener != null) {
                    listener.batchEnd(epoch, b + 1, count, loss);
                }
            }
            double vLoss = Double.NaN;
            double vAcc = Double.NaN;
            if (validation != null) {
                Evaluation ev = net.evaluate(valX, valY, validation.size());
                vLoss = ev.loss();
                vAcc = ev.accuracy();
                if (vLoss < bestLoss - minDelta) {
                    bestLoss = vLoss;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    if (keepBest) {
                        net.copyParametersTo(best);
                    }
                } else {
                    sinceBest++;
                }
            }
            epochsCompleted = epoch;
            EpochResult r = new EpochResult(epoch, lossSum / train.size(), (double) correct / train.size(),
                    vLoss, vAcc, (System.nanoTime() - t0) * 1e-9);
            results.add(r);
            if (listener != null) {
                listener.epochEnd(r);
            }
            if (validation != null && patience > 0 && sinceBest >= patience && epoch < epochs) {
                stopped = true;
                break;
            }
        }
        TrainingState last = checkpoint();
        int restored = 0;
        if (keepBest && bestEpoch > 0 && bestEpoch != epochsCompleted) {
            net.copyParametersFrom(best);
            restored = bestEpoch;
        }
        return new TrainingResult(results, stopped, bestEpoch, last, restored);
    }

    private static void checkShapes(Network net, Dataset d, String what) {
        if (d.features() != net.inputs() || d.outputs() != net.outputs()) {
            throw new IllegalArgumentException("the " + what + " '" + d.name() + "' has " + d.features()
                    + " features and " + d.outputs() + " outputs but the network expects "
                    + net.inputs() + " and " + net.outputs());
        }
    }

    /**
     * Evaluates {@code network} on a whole dataset (forward only): mean loss and accuracy.
     */
    public static Evaluation evaluate(Network network, Dataset d) {
        checkShapes(network, d, "dataset");
        float[] x = new float[d.size() * d.features()];
        float[] y = new float[d.size() * d.outputs()];
        for (int i = 0; i < d.size(); i++) {
            d.copyFeatures(i, x, i * d.features());
            d.copyTargets(i, y, i * d.outputs());
        }
        return network.evaluate(x, y, d.size());
    }

    /** Settings of a {@link Trainer}. */
    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 32;
        private long seed;
        private Optimizer optimizer;
        private TrainingListener listener;
        private int patience;
        private double minDelta;
        private boolean restoreBest = true;
        private double clipNorm;
        private LearningRateSchedule schedule = LearningRateSchedule.CONSTANT;

        private Builder() {
        }

        /** Total number of epochs, ≥ 1 (a resumed run continues up to this count). */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1 but was " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Examples per mini-batch, ≥ 1; the last batch of an epoch may be shorter. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Seed of the per-epoch shuffles. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The optimizer (required). */
        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /** Progress callbacks; null for none. */
        public Builder listener(TrainingListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Early stopping: stop after {@code patience} consecutive epochs in which the validation
         * loss did not fall below the best so far by more than {@code minDelta}. 0 turns it off.
         * Only active with a validation set.
         */
        public Builder earlyStopping(int patience, double minDelta) {
            if (patience < 0 || !(minDelta >= 0)) {
                throw new IllegalArgumentException("patience must be >= 0 and minDelta >= 0 but were "
                        + patience + ", " + minDelta);
            }
            this.patience = patience;
            this.minDelta = minDelta;
            return this;
        }

        /**
         * Whether early stopping gives the network back the weights of its best epoch (default
         * true) at the end of the run, when that was not the last epoch.
         */
        public Builder restoreBestWeights(boolean restore) {
            this.restoreBest = restore;
            return this;
        }

        /**
         * Clips each batch's global gradient norm to {@code maxNorm} before the optimizer step
         * ({@link GradientClipping}); 0 turns it off (default).
         */
        public Builder clipNorm(double maxNorm) {
            if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("clipNorm must be finite and >= 0 but was " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /**
         * How the learning rate changes over the run (default {@link LearningRateSchedule#CONSTANT}).
         * The schedule spans all {@link #epochs} epochs, so a resumed run must ask for the same
         * epoch count to repeat the uninterrupted run. A schedule other than {@code CONSTANT} needs
         * an optimizer that implements {@link Optimizer#learningRateFactor} (Sgd, Momentum and Adam do).
         */
        public Builder learningRateSchedule(LearningRateSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
