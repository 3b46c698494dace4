package dev.lanes.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option converters that parse and range-check in one step, so an out-of-range number is a usage
 * error (exit {@value ExitCodes#USAGE}) naming the option while the command line is parsed, before
 * any data is read or any work is done. Picocli prefixes the message with the option's name.
 */
final class Ranges {

    private Ranges() {
    }

    /** The most threads a kernel call may be given: far above any core count, far below a thread bomb. */
    static final int MAX_THREADS = 1024;

    private static String shown(String value) {
        return value.length() <= 40 ? "'" + value + "'" : "'" + value.substring(0, 37) + "...'";
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException(shown(value) + " is not an integer");
        }
    }

    private static int intIn(String value, long min, long max, String rule) {
        long v = parseLong(value);
        if (v > max && max == Integer.MAX_VALUE) {
            // The rules name the lower bound; above an int the problem is the other end.
            throw new TypeConversionException(shown(value) + " is out of range: it must be at most " + max);
        }
        if (v < min || v > max) {
            throw new TypeConversionException(shown(value) + " is out of range: " + rule);
        }
        return (int) v;
    }

    private static double finite(String value) {
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException(shown(value) + " is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new TypeConversionException(shown(value) + " is not a finite number");
        }
        return v;
    }

    /** An integer of at least 1. */
    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return intIn(value, 1, Integer.MAX_VALUE, "it must be at least 1");
        }
    }

    /** An integer of at least 0. */
    static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return intIn(value, 0, Integer.MAX_VALUE, "it must be at least 0");
        }
    }

    /** A thread count: 0 (all processors) up to {@link #MAX_THREADS}. */
    static final class Threads implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return intIn(value, 0, MAX_THREADS, "0 (all processors) up to " + MAX_THREADS);
        }
    }

    /** A fraction in [0, 1): a share of rows held out. */
    static final class Fraction implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double v = finite(value);
            if (!(v >= 0 && v < 1)) {
                throw new TypeConversionException(shown(value) + " is out of range: it must be in [0, 1)");
            }
            return v;
        }
    }

    /** A momentum coefficient in [0, 1). */
    static final class Momentum implements ITypeConverter<Float> {
        @Override
        public Float convert(String value) {
            double v = finite(value);
            if (!(v >= 0 && v < 1)) {
                throw new TypeConversionException(shown(value) + " is out of range: it must be in [0, 1)");
            }
            return (float) v;
        }
    }

    /** A learning rate: positive and finite as a float. */
    static final class Rate implements ITypeConverter<Float> {
        @Override
        public Float convert(String value) {
            double v = finite(value);
            float f = (float) v;
            if (!(f > 0) || !Float.isFinite(f)) {
                throw new TypeConversionException(shown(value) + " is out of range: it must be positive and "
                        + "finite as a float");
            }
            return f;
        }
    }

    /** A field delimiter: one character, not a quote or a line break. */
    static final class Delimiter implements ITypeConverter<Character> {
        @Override
        public Character convert(String value) {
            String v = value;
            if (v.length() != 1) {
                throw new TypeConversionException(shown(value) + " is not one character");
            }
            char c = v.charAt(0);
            if (c == '"' || c == '\n' || c == '\r') {
                throw new TypeConversionException(shown(value) + " cannot be a delimiter: quotes and line "
                        + "breaks have their own meaning in CSV");
            }
            return c;
        }
    }
}
