package dev.lanes.kernel;

import java.util.Arrays;

/**
 * The main class {@link SelectionProcessTest} runs in a child JVM: prints what {@link Kernels#best()}
 * chose and the result of a small sgemm, one {@code key=value} per line, and with the argument
 * {@code simd} also what {@link Kernels#simd()} does.
 */
public final class SelectionProbe {

    static final int M = 3;
    static final int N = 5;
    static final int K = 4;

    private SelectionProbe() {
    }

    /** A (M×K) and B (K×N) with small integers, so the product is exact in float. */
    static float[] a() {
        float[] a = new float[M * K];
        for (int i = 0; i < a.length; i++) {
            a[i] = i % 7 - 3;
        }
        return a;
    }

    static float[] b() {
        float[] b = new float[K * N];
        for (int i = 0; i < b.length; i++) {
            b[i] = i % 5 - 1;
        }
        return b;
    }

    public static void main(String[] args) {
        try {
            Kernels k = Kernels.best();
            System.out.println("name=" + k.name());
            System.out.println("bits=" + k.vectorBits());
            System.out.println("threads=" + k.threads());
            System.out.println("describe=" + k.describe());
            System.out.println("cached=" + (Kernels.best() == k));
            float[] c = new float[M * N];
            k.sgemm(Transpose.NONE, Transpose.NONE, M, N, K, 1f, a(), 0, K, b(), 0, N, 0f, c, 0, N);
            System.out.println("sgemm=" + Arrays.toString(c));
        } catch (RuntimeException e) {
            System.out.println("best-error=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (Arrays.asList(args).contains("simd")) {
            try {
                Kernels simd = Kernels.simd();
                System.out.println("simd=" + simd.describe());
                System.out.println("simd-bits=" + simd.vectorBits());
                System.out.println("simd-threads=" + simd.threads());
            } catch (IllegalStateException e) {
                System.out.println("simd-error=" + e.getMessage());
            }
        }
    }
}
