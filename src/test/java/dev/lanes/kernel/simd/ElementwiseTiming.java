package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.spi.KernelRegistry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A quick side-by-side timing of the transcendental kernels, reference against SIMD at each width,
 * interleaved in one JVM (the machine is noisy; medians of many rounds). A program, not a test:
 * {@code java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes
 * dev.lanes.kernel.simd.ElementwiseTiming [n=4096] [rounds=41]}. For real numbers use JMH.
 */
public final class ElementwiseTiming {

    private ElementwiseTiming() {
    }

    private interface Op {
        void run(Kernels k, float[] x);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 41;
        List<Kernels> impls = new ArrayList<>();
        impls.add(Kernels.reference());
        for (int bits : KernelRegistry.allBits()) {
            if (bits > VectorKernels.preferredVectorBits()) {
                continue;   // the selection refuses widths the CPU lacks
            }
            impls.add(Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, 1, null)));
        }
        String[] names = {"exp", "sigmoid", "tanh", "softmax n/10 x 10", "axpy", "columnSums n/64 x 64",
            "mseLoss", "sigmoidBackward"};
        float[] other = new float[n];
        float[] sums = new float[64];
        Op[] ops = {
            (k, x) -> k.exp(x.length, x, 0),
            (k, x) -> k.sigmoid(x.length, x, 0),
            (k, x) -> k.tanh(x.length, x, 0),
            (k, x) -> k.softmaxRows(x.length / 10, 10, x, 0, 10),
            (k, x) -> k.axpy(x.length, 0.5f, other, 0, x, 0),
            (k, x) -> k.columnSums(x.length / 64, 64, x, 0, 64, sums, 0),
            (k, x) -> x[0] = (float) k.mseLoss(x.length / 64, 64, x, 0, other, 0, x, 0),
            (k, x) -> k.sigmoidBackward(x.length, other, 0, x, 0),
        };
        SplittableRandom rnd = new SplittableRandom(1);
        float[] src = new float[n];
        for (int i = 0; i < n; i++) {
            src[i] = (float) rnd.nextDouble(-10, 10);
        }
        for (int i = 0; i < n; i++) {
            other[i] = (float) rnd.nextDouble(0, 1);
        }
        float[] x = new float[n];
        int reps = Math.max(1, 2_000_000 / n);
        double[][][] ns = new double[ops.length][impls.size()][rounds];
        long[][] allocated = new long[ops.length][impls.size()];
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        double sink = 0;
        for (int r = 0; r < rounds; r++) {
            for (int o = 0; o < ops.length; o++) {
                for (int m = 0; m < impls.size(); m++) {
                    long a0 = mx.getThreadAllocatedBytes(me);
                    long t0 = System.nanoTime();
                    for (int rep = 0; rep < reps; rep++) {
                        System.arraycopy(src, 0, x, 0, n);
                        ops[o].run(impls.get(m), x);
                    }
                    ns[o][m][r] = (System.nanoTime() - t0) / ((double) reps * n);
                    if (r == rounds - 1) {
                        // Boxed vectors (a kernel the JIT failed to compile well) show up as allocation.
                        allocated[o][m] = (mx.getThreadAllocatedBytes(me) - a0) / reps;
                    }
                    sink += x[n / 2];
                }
            }
        }
        System.out.printf(Locale.ROOT, "n=%d, %d rounds (first %d dropped as warm-up), median ns/element incl. a copy:%n",
                n, rounds, rounds / 4);
        for (int o = 0; o < ops.length; o++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-21s", names[o]));
            for (int m = 0; m < impls.size(); m++) {
                double[] v = Arrays.copyOfRange(ns[o][m], rounds / 4, rounds);
                Arrays.sort(v);
                line.append(String.format(Locale.ROOT, "  %s-%d %.3f (%d B/call)", impls.get(m).name(),
                        impls.get(m).vectorBits(), v[v.length / 2], allocated[o][m]));
            }
            System.out.println(line);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
