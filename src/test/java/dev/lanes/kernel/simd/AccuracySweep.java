package dev.lanes.kernel.simd;

import java.util.Locale;

/**
 * Measures the worst error of the vectorized exp, sigmoid, tanh, GELU and SiLU against {@link Math} (in double;
 * rounded to float for the ulp count) over every float input whose result is a normal float and
 * not saturated, or over every {@code stride}-th of them. A program, not a test: the full sweep
 * (2.2·10⁹ inputs per function) takes minutes; {@code VectorMathTest} runs a sparser one.
 *
 * <pre>
 * ./mvnw -B -q test-compile
 * java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes \
 *     dev.lanes.kernel.simd.AccuracySweep [stride=1] [bits=512] [functions, e.g. gelu,silu; default all]
 * </pre>
 */
public final class AccuracySweep {

    private AccuracySweep() {
    }

    /** Worst error seen by one sweep. */
    static final class Worst {
        final String name;
        long ulps;
        float ulpsAt = Float.NaN;
        double rel;
        float relAt = Float.NaN;
        long count;

        Worst(String name) {
            this.name = name;
        }

        /** Records got against the exact (double) value; only normal float results count. */
        void add(float x, float got, double exact) {
            float rounded = (float) exact;
            if (!(Math.abs(rounded) >= Float.MIN_NORMAL) || Float.isInfinite(rounded)) {
                return;
            }
            count++;
            long u = ulpDistance(got, rounded);
            if (u > ulps) {
                ulps = u;
                ulpsAt = x;
            }
            double r = Math.abs(got - exact) / Math.abs(exact);
            if (!(r <= rel)) {
                rel = r;
                relAt = x;
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-8s max %d ulp (at x=%s), max relative error %.3e (at x=%s), over %d inputs",
                    name, ulps, ulpsAt, rel, relAt, count);
        }
    }

    /** The number of floats between a and b (same-sign finite values; huge for NaN or a sign flip). */
    static long ulpDistance(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Long.MAX_VALUE;
        }
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits < 0 ? -(long) (bits & 0x7fffffff) : bits;
    }

    /** The functions swept, each with the input range where its float result is normal and not yet saturated. */
    enum Function {
        EXP(-87.34f, 88.72283f),
        SIGMOID(-87.34f, 17.4f),
        // tanh is odd by construction (the sign bit is copied), so its positive half is enough.
        TANH(0f, 9.1f),
        // x·σ(t): below these bounds the result is subnormal; above, it is x itself.
        GELU(-9.3f, Float.MAX_VALUE),
        SILU(-87.3f, Float.MAX_VALUE);

        final float lo;
        final float hi;

        Function(float lo, float hi) {
            this.lo = lo;
            this.hi = hi;
        }

        void apply(VectorElementwise k, int n, float[] x) {
            apply(k, n, x, 0);
        }

        void apply(VectorElementwise k, int n, float[] x, int offset) {
            switch (this) {
                case EXP -> k.exp(n, x, offset);
                case SIGMOID -> k.sigmoid(n, x, offset);
                case TANH -> k.tanh(n, x, offset);
                case GELU -> k.gelu(n, x, offset);
                case SILU -> k.silu(n, x, offset);
            }
        }

        double exact(double x) {
            return switch (this) {
                case EXP -> Math.exp(x);
                case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
                case TANH -> Math.tanh(x);
                // x·(1 + tanh u)/2 written as x·σ(2u): no cancellation where tanh u → −1
                case GELU -> x / (1.0 + Math.exp(-2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
                case SILU -> x / (1.0 + Math.exp(-x));
            };
        }
    }

    /**
     * Sweeps every {@code stride}-th float of [f.lo, f.hi] (by bit pattern, so every binade is
     * sampled evenly), starting {@code phase} patterns in.
     */
    static Worst sweep(VectorElementwise k, Function f, int stride, int phase) {
        Worst w = new Worst(f.name().toLowerCase(Locale.ROOT));
        int chunk = 1 << 16;
        float[] x = new float[chunk];
        float[] got = new float[chunk];
        // Non-negative floats: bit patterns 0 .. bits(hi); negative: 0x80000000 .. bits(lo).
        long[][] ranges = {
            {0, f.hi >= 0 ? Float.floatToRawIntBits(f.hi) : -1},
            {0x80000000L, f.lo < 0 ? Integer.toUnsignedLong(Float.floatToRawIntBits(f.lo)) : 0x80000000L - 1},
        };
        for (long[] r : ranges) {
            long bits = r[0] + phase;
            while (bits <= r[1]) {
                int n = 0;
                for (; n < chunk && bits <= r[1]; bits += stride) {
                    x[n++] = Float.intBitsToFloat((int) bits);
                }
                System.arraycopy(x, 0, got, 0, n);
                f.apply(k, n, got);
                for (int i = 0; i < n; i++) {
                    w.add(x[i], got[i], f.exact(x[i]));
                }
            }
        }
        return w;
    }

    public static void main(String[] args) {
        int stride = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int bits = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        long t0 = System.nanoTime();
        java.util.Set<String> only = args.length > 2 ? java.util.Set.of(args[2].toUpperCase(Locale.ROOT).split(",")) : null;
        for (Function f : Function.values()) {
            if (only != null && !only.contains(f.name())) {
                continue;
            }
            System.out.println(sweep(VectorElementwise.forBits(bits), f, stride, 0));
        }
        System.out.printf(Locale.ROOT, "stride %d, %d-bit vectors, %.1f s%n", stride, bits, (System.nanoTime() - t0) / 1e9);
    }
}
