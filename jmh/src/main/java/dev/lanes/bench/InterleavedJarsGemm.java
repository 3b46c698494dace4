package dev.lanes.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * sgemm of two builds of the library side by side in one JVM, each in its own class loader, timed
 * in turns (short slices, round after round, the order alternating) so that a slow phase of a
 * noisy machine slows both alike; the companion of {@link InterleavedJars} for a change to the GEMM
 * code. After the warm-up, each shape is run by both builds on the same operands (alpha = 0.7 and
 * beta = 0, then beta = 1.3, every transpose) and the results must have the same bits, so a
 * refactoring that claims to change nothing is checked for that too. Prints each build's median
 * GFLOP/s and the median over rounds of new/old time. SIMD kernels at the JVM's preferred width,
 * or {@code -bits}.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp jmh/target/classes dev.lanes.bench.InterleavedJarsGemm \
 *      OLD.jar NEW.jar [-shapes 512x512x512,256x512x784xNT] [-rounds 20] [-slice 0.4] [-threads 1]
 *      [-bits 0] [-bitsMayDiffer]
 * </pre>
 * Only reflection on {@code Kernels}, {@code KernelConfig} and {@code Transpose}, so this class
 * compiles on its own: {@code javac -d DIR jmh/src/main/java/dev/lanes/bench/InterleavedJarsGemm.java}.
 */
public final class InterleavedJarsGemm {

    private InterleavedJarsGemm() {
    }

    /** One build's kernels and sgemm, called by reflection (nanoseconds against milliseconds). */
    static final class Build {
        final Object kernels;
        final Method sgemm;
        final Object none;
        final Object trans;

        Build(Path jar, int threads, int bits) throws ReflectiveOperationException, java.io.IOException {
            ClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> k = cl.loadClass("dev.lanes.kernel.Kernels");
            Class<?> config = cl.loadClass("dev.lanes.kernel.KernelConfig");
            Class<?> implEnum = cl.loadClass("dev.lanes.kernel.KernelConfig$Implementation");
            Object cfg = config.getConstructor(implEnum, int.class, int.class,
                    cl.loadClass("java.util.concurrent.ExecutorService"))
                    .newInstance(enumValue(implEnum, "SIMD"), bits, threads, null);
            kernels = k.getMethod("create", config).invoke(null, cfg);
            if (!"simd".equals(k.getMethod("name").invoke(kernels))) {
                throw new IllegalStateException("no SIMD kernels: " + k.getMethod("describe").invoke(kernels));
            }
            Class<?> t = cl.loadClass("dev.lanes.kernel.Transpose");
            none = enumValue(t, "NONE");
            trans = enumValue(t, "TRANSPOSE");
            sgemm = k.getMethod("sgemm", t, t, int.class, int.class, int.class, float.class, float[].class, int.class,
                    int.class, float[].class, int.class, int.class, float.class, float[].class, int.class, int.class);
        }

        void sgemm(boolean ta, boolean tb, int m, int n, int kk, float alpha, float[] a, float[] b, float beta,
                   float[] c) throws ReflectiveOperationException {
            sgemm.invoke(kernels, ta ? trans : none, tb ? trans : none, m, n, kk, alpha, a, 0, ta ? m : kk, b, 0,
                    tb ? kk : n, beta, c, 0, n);
        }

        /** Runs C := op(A)·op(B) for about {@code seconds}; returns nanoseconds per call. */
        double slice(boolean ta, boolean tb, int m, int n, int kk, float[] a, float[] b, float[] c, double seconds)
                throws ReflectiveOperationException {
            long budget = (long) (seconds * 1e9);
            long start = System.nanoTime();
            long calls = 0;
            long now;
            do {
                sgemm(ta, tb, m, n, kk, 1f, a, b, 0f, c);
                calls++;
                now = System.nanoTime();
            } while (now - start < budget);
            return (double) (now - start) / calls;
        }
    }

    private static Object enumValue(Class<?> e, String name) {
        for (Object c : e.getEnumConstants()) {
            if (((Enum<?>) c).name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static float[] random(int size, SplittableRandom rnd) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }

    /**
     * Whether both builds give bit-identical C for every transpose and both beta cases; fails when
     * they do not, unless {@code mayDiffer} (a change of the k blocking changes the order of sums).
     */
    private static boolean checkSameBits(Build old, Build neu, int m, int n, int k, boolean mayDiffer)
            throws ReflectiveOperationException {
        SplittableRandom rnd = new SplittableRandom(m * 31L + n * 7L + k);
        float[] a = random(m * k, rnd);
        float[] b = random(k * n, rnd);
        float[] c0 = random(m * n, rnd);
        for (int t = 0; t < 4; t++) {
            for (float beta : new float[] {0f, 1.3f}) {
                float[] c1 = c0.clone();
                float[] c2 = c0.clone();
                old.sgemm((t & 1) != 0, (t & 2) != 0, m, n, k, 0.7f, a, b, beta, c1);
                neu.sgemm((t & 1) != 0, (t & 2) != 0, m, n, k, 0.7f, a, b, beta, c2);
                for (int i = 0; i < c1.length; i++) {
                    if (Float.floatToRawIntBits(c1[i]) != Float.floatToRawIntBits(c2[i])) {
                        if (mayDiffer) {
                            return false;
                        }
                        throw new AssertionError(m + "x" + n + "x" + k + " transposes " + t + " beta " + beta
                                + ": element " + i + " is " + c1[i] + " (old) but " + c2[i] + " (new)");
                    }
                }
            }
        }
        return true;
    }

    public static void main(String[] args) throws Exception {
        List<String> jars = new ArrayList<>();
        int rounds = 20;
        double slice = 0.4;
        int threads = 1;
        int bits = 0;
        boolean bitsMayDiffer = false;
        List<String> shapes = List.of("512x512x512", "1024x1024x1024");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-slice" -> slice = Double.parseDouble(args[++i]);
                case "-threads" -> threads = Integer.parseInt(args[++i]);
                case "-bits" -> bits = Integer.parseInt(args[++i]);
                case "-bitsMayDiffer" -> bitsMayDiffer = true;
                case "-shapes" -> shapes = List.of(args[++i].split(","));
                default -> jars.add(args[i]);
            }
        }
        if (jars.size() != 2) {
            System.err.println("usage: InterleavedJarsGemm OLD.jar NEW.jar [-shapes MxNxK,…] [-rounds N] [-slice S]"
                    + " [-threads T] [-bits B] [-bitsMayDiffer]");
            System.exit(2);
        }
        Build old = new Build(Path.of(jars.get(0)), threads, bits);
        Build neu = new Build(Path.of(jars.get(1)), threads, bits);
        System.out.printf(Locale.ROOT, "%d rounds of %.2f s per build, %d thread(s); old = %s, new = %s%n%n",
                rounds, slice, threads, jars.get(0), jars.get(1));
        System.out.println("| m×n×k | same bits | old GFLOP/s | new GFLOP/s | new/old time (median of rounds) |");
        System.out.println("|---|---|---:|---:|---:|");
        for (String shape : shapes) {
            String[] p = shape.split("x");
            int m = Integer.parseInt(p[0]);
            int n = Integer.parseInt(p[1]);
            int k = Integer.parseInt(p[2]);
            // An optional fourth part names the transposes timed: NN (the default), NT, TN or TT.
            String ops = p.length > 3 ? p[3] : "NN";
            if (!ops.matches("[NT][NT]")) {
                throw new IllegalArgumentException("shape " + shape + ": transposes must be NN, NT, TN or TT");
            }
            boolean transA = ops.charAt(0) == 'T';
            boolean transB = ops.charAt(1) == 'T';
            SplittableRandom rnd = new SplittableRandom(1);
            float[] a = random(m * k, rnd);
            float[] b = random(k * n, rnd);
            float[] c = new float[m * n];
            for (int w = 0; w < 5; w++) {
                old.slice(transA, transB, m, n, k, a, b, c, 0.6);
                neu.slice(transA, transB, m, n, k, a, b, c, 0.6);
            }
            // After the warm-up: a large product in not-yet-compiled Vector API code takes minutes.
            boolean same = checkSameBits(old, neu, m, n, k, bitsMayDiffer);
            double[] ta = new double[rounds];
            double[] tb = new double[rounds];
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    ta[r] = old.slice(transA, transB, m, n, k, a, b, c, slice);
                    tb[r] = neu.slice(transA, transB, m, n, k, a, b, c, slice);
                } else {
                    tb[r] = neu.slice(transA, transB, m, n, k, a, b, c, slice);
                    ta[r] = old.slice(transA, transB, m, n, k, a, b, c, slice);
                }
                ratio[r] = tb[r] / ta[r];
            }
            double flops = 2.0 * m * n * k;
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.3f |%n", shape, same ? "yes" : "no", flops / Report.median(ta),
                    flops / Report.median(tb), Report.median(ratio));
        }
    }
}
