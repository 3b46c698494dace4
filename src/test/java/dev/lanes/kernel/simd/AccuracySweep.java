package dev.lanes.kernel.simd;

import java.util.Locale;

/**
 * Measures the worst error of the vectorized exp, sigmoid and tanh against {@link Math} (in double,
 * rounded to float for the ulp count) over every float input whose result is a normal float, or
 * over every {@code stride}-th bit pattern. A program, not a test: the full sweep takes minutes.
 *
 * <pre>
 * ./mvnw -B -q test-compile
 * java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes \
 *     dev.lanes.kernel.simd.AccuracySweep [stride=1] [bits=512]
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

    /** Sweeps the bit patterns from {@code start} (inclusive) by {@code stride} over all floats. */
    static Worst[] sweep(VectorElementwise k, long stride, long start) {
        Worst exp = new Worst("exp");
        Worst sig = new Worst("sigmoid");
        Worst tanh = new Worst("tanh");
        int chunk = 1 << 16;
        float[] x = new float[chunk];
        float[] e = new float[chunk];
        float[] s = new float[chunk];
        float[] t = new float[chunk];
        long bits = start;
        long end = 1L << 32;
        while (bits < end) {
            int n = 0;
            for (; n < chunk && bits < end; bits += stride) {
                float v = Float.intBitsToFloat((int) bits);
                if (!Float.isNaN(v)) {
                    x[n++] = v;
                }
            }
            System.arraycopy(x, 0, e, 0, n);
            System.arraycopy(x, 0, s, 0, n);
            System.arraycopy(x, 0, t, 0, n);
            k.exp(n, e, 0);
            k.sigmoid(n, s, 0);
            k.tanh(n, t, 0);
            for (int i = 0; i < n; i++) {
                double xi = x[i];
                if (xi > -88 && xi < 89) {
                    exp.add(x[i], e[i], Math.exp(xi));
                }
                if (xi > -88) {
                    sig.add(x[i], s[i], 1.0 / (1.0 + Math.exp(-xi)));
                }
                tanh.add(x[i], t[i], Math.tanh(xi));
            }
        }
        return new Worst[] {exp, sig, tanh};
    }

    public static void main(String[] args) {
        long stride = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int bits = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        long t0 = System.nanoTime();
        for (Worst w : sweep(VectorElementwise.forBits(bits), stride, 0)) {
            System.out.println(w);
        }
        System.out.printf(Locale.ROOT, "stride %d, %d-bit vectors, %.1f s%n", stride, bits, (System.nanoTime() - t0) / 1e9);
    }
}
