package dev.lanes.optim;

import java.util.Locale;

/**
 * How the learning rate changes over a training run: a factor applied to the optimizer's base
 * rate before every step, as a function of the step's position in the run. The trainer asks for
 * the factor of step {@code t} (0-based, counted over the whole run) of {@code total} steps, so
 * the schedule is fixed by the number of epochs asked for and a resumed run repeats the factors
 * of the uninterrupted one exactly.
 *
 * <p>{@link #CONSTANT} keeps the base rate (the factor is exactly 1, so the updates are those of
 * an optimizer without a schedule). {@link #COSINE} anneals it along half a cosine period, from
 * the base rate at the first step to nearly 0 at the last (Loshchilov &amp; Hutter's SGDR without
 * restarts, stepped per batch): large steps early, small ones when the weights are nearly
 * settled, which removes most of the epoch-to-epoch jitter of a constant rate at the end of a run.
 */
public enum LearningRateSchedule {

    /** Factor 1 at every step. */
    CONSTANT {
        @Override
        public float factor(long step, long totalSteps) {
            check(step, totalSteps);
            return 1f;
        }
    },

    /** Factor ½(1 + cos(π·t/T)) at step t of T: 1 at the first step, ½(1 − cos(π/T)) ≈ 0 at the last. */
    COSINE {
        @Override
        public float factor(long step, long totalSteps) {
            check(step, totalSteps);
            return (float) (0.5 * (1 + Math.cos(Math.PI * step / totalSteps)));
        }
    };

    /**
     * The factor for step {@code step} of a run of {@code totalSteps} steps, in (0, 1].
     *
     * @param step       0-based index of the step over the whole run, in {@code [0, totalSteps)}
     * @param totalSteps steps of the whole run (epochs × batches per epoch), at least 1
     * @throws IllegalArgumentException if {@code step} is outside {@code [0, totalSteps)}
     */
    public abstract float factor(long step, long totalSteps);

    /** The lower-case name, e.g. {@code "cosine"}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static void check(long step, long totalSteps) {
        if (totalSteps < 1 || step < 0 || step >= totalSteps) {
            throw new IllegalArgumentException("step must be in [0, totalSteps) with totalSteps >= 1 but was step "
                    + step + " of " + totalSteps);
        }
    }
}
