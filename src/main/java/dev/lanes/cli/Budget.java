package dev.lanes.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.util.Locale;

/**
 * Memory estimates of what the options ask for, checked before any work: sizes that do not fit in
 * one Java array or whose memory would exceed the heap are usage errors naming the option and the
 * bytes needed, instead of an {@link OutOfMemoryError} or a negative array size later. The
 * estimates are lower bounds of what the code allocates, so a refused size would certainly fail.
 */
final class Budget {

    private Budget() {
    }

    /** The most elements one Java array holds on common JVMs. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Refuses a dense network of these widths trained or evaluated in batches of {@code batch}
     * rows. Per parameter: the weight, its gradient and {@code optimizerFloats} optimizer floats;
     * per batch row and unit: pre-activation, activation and error signal.
     */
    static void network(CommandLine cl, String option, String shown, int[] widths, long batch, int optimizerFloats) {
        double params = 0;
        double units = 0;
        for (int l = 1; l < widths.length; l++) {
            double w = (double) widths[l] * widths[l - 1];
            if (w > MAX_ARRAY) {
                throw new ParameterException(cl, option + " " + shown + ": layer " + l + " would have "
                        + String.format(Locale.ROOT, "%.0f", w) + " weights, more than one Java array holds ("
                        + MAX_ARRAY + ")");
            }
            params += w + widths[l];
            units += widths[l];
        }
        for (int width : widths) {
            double cells = (double) batch * width;
            if (cells > MAX_ARRAY) {
                throw new ParameterException(cl, option + " " + shown + ": a batch of " + batch + " rows of "
                        + width + " values is " + String.format(Locale.ROOT, "%.0f", cells)
                        + " floats, more than one Java array holds (" + MAX_ARRAY + ")");
            }
        }
        double bytes = 4 * params * (2 + optimizerFloats) + 4 * 3 * batch * units + 4.0 * batch * widths[0];
        heap(cl, option + " " + shown, bytes);
    }

    /** Refuses {@code bytes} (an estimate) when it exceeds the heap the JVM may grow to. */
    static void heap(CommandLine cl, String what, double bytes) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max) {
            throw new ParameterException(cl, String.format(Locale.ROOT,
                    "%s needs at least %,.0f bytes of memory but the heap allows %,d bytes; "
                            + "use smaller sizes or a larger heap (e.g. LANES_JAVA_OPTS=-Xmx8g)", what, bytes, max));
        }
    }
}
