package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.PackedMatrix;
import dev.lanes.kernel.Transpose;
import dev.lanes.kernel.Warmup;
import dev.lanes.kernel.spi.KernelRegistry;

/**
 * The main class {@link C1CompilabilityTest} runs in a child JVM: calls every GEMM path — packed
 * with both transposes, k over two blocks, edge tiles and beta ≠ 0; dot products; row times matrix
 * — at every vector width the CPU supports and on two threads, often enough for each kernel method to reach its
 * C1 compilation. The widest vectors and the packed path come first, as in a typical program.
 */
public final class CompileProbe {

    private CompileProbe() {
    }

    /**
     * The lines of a {@code -XX:+PrintCompilation} log where the JIT refused a Lanes method. A
     * compilation abandoned because classes were loaded while it ran ("concurrent class loading":
     * its dependencies changed under it) is not a refusal: the method stays eligible and is
     * compiled again, so it depends on timing, not on the code, and a loaded machine produces it.
     */
    static java.util.List<String> refusals(String log) {
        return log.lines()
                .filter(l -> l.contains("COMPILE SKIPPED") && l.contains("dev.lanes."))
                .filter(l -> !l.contains("concurrent class loading"))
                .toList();
    }

    public static void main(String[] args) {
        if (args[0].equals("warmup")) {
            // Only what Warmup does, at the preferred width: C2CompilationTest checks that it
            // alone gets every hot method compiled.
            Warmup.run(Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null)));
            System.out.println("probe done");
            return;
        }
        int calls = Integer.parseInt(args[0]);
        // 115 rows (12·9 + 7, 4·28 + 3): full slivers and a short last one, which takes the edge tile.
        int[][] shapes = {{115, 112, 128}, {24, 40, 530}, {33, 10, 100}, {1, 50, 20}, {1, 40, 30}};
        for (int bits : KernelRegistry.allBits()) {
            if (bits > VectorKernels.preferredVectorBits()) {
                continue; // emulated in Java code, far too slow to probe, and not what users run
            }
            for (int threads : new int[]{1, 2}) {
                Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, threads, null));
                for (int[] s : shapes) {
                    int m = s[0], n = s[1], kk = s[2];
                    float[] a = new float[m * kk];
                    float[] b = new float[kk * n];
                    float[] c = new float[m * n];
                    java.util.Arrays.fill(a, 0.5f);
                    java.util.Arrays.fill(b, 0.25f);
                    double[] da = new double[m * kk];
                    double[] db = new double[kk * n];
                    double[] dc = new double[m * n];
                    java.util.Arrays.fill(da, 0.5);
                    java.util.Arrays.fill(db, 0.25);
                    // The dense layer's product with bias and ReLU in the tile's store.
                    PackedMatrix packed = k.packB(Transpose.NONE, kk, n, b, 0, n);
                    float[] bias = new float[n];
                    for (int i = 0; i < calls; i++) {
                        k.sgemmBias(Transpose.NONE, m, a, 0, kk, packed, bias, 0, i % 2 == 0, c, 0, n);
                    }
                    for (Transpose ta : Transpose.values()) {
                        for (Transpose tb : Transpose.values()) {
                            int lda = ta == Transpose.NONE ? kk : m;
                            int ldb = tb == Transpose.NONE ? n : kk;
                            for (int i = 0; i < calls; i++) {
                                k.sgemm(ta, tb, m, n, kk, 1f, a, 0, lda, b, 0, ldb, i % 2 == 0 ? 0f : 1.3f, c, 0, n);
                            }
                            for (int i = 0; i < calls; i++) {
                                k.dgemm(ta, tb, m, n, kk, 1, da, 0, lda, db, 0, ldb, i % 2 == 0 ? 0 : 1.3, dc, 0, n);
                            }
                        }
                    }
                }
            }
        }
        System.out.println("probe done");
    }
}
