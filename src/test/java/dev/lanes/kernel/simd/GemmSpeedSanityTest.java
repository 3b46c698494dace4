package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.Transpose;
import dev.lanes.kernel.gemm.Gemm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Catches a kernel the JIT left in slow code. A tile too large for C1 once stayed in tier-2 code
 * after tiered compilation gave up on it, running ~100× below its C2 speed, for the life of the JVM.
 * On the shapes below healthy kernels ran 16–40× faster than the scalar reference (itself 1–2
 * GFLOP/s) at every width, on the packed and on the dot-product path; a stranded one runs slower
 * than the reference (0.0–0.1× under -XX:TieredStopAtLevel=1). After warm-up the SIMD GEMM must
 * beat the reference by 5× at 512 bits, 4× at 256 and 3× at 128: a kernel 10× below its usual
 * speed at that width fails, while healthy ones keep a margin of 4× or more. SIMD and scalar runs
 * are interleaved and their best times compared, as the best of several runs is the one least
 * disturbed by other load on a shared machine.
 */
class GemmSpeedSanityTest {

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {512, 256, 128})
    void simdGemmIsCompiledToFastCodeAfterWarmUp(int bits) {
        assumeTrue(bits <= VectorKernels.preferredVectorBits(), bits + "-bit vectors not supported here");
        Kernels simd = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, 1, null));
        // The packed path with edge tiles, and the dot-product path of a classifier's output layer.
        check(simd, bits, false, 120, 112, 128);
        check(simd, bits, true, 96, 10, 256);
    }

    private static void check(Kernels simd, int bits, boolean transB, int m, int n, int k) {
        Kernels ref = Kernels.reference();
        Transpose tb = transB ? Transpose.TRANSPOSE : Transpose.NONE;
        int ldb = transB ? k : n;
        Random r = new Random(3);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat();
        }
        // Warm both up long enough for C2 to compile them.
        long until = System.nanoTime() + 1_200_000_000L;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 20; i++) {
                simd.sgemm(Transpose.NONE, tb, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
            }
            ref.sgemm(Transpose.NONE, tb, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
        }
        int rounds = 15;
        int simdReps = 20;
        double[] simdNs = new double[rounds];
        double[] refNs = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < simdReps; i++) {
                simd.sgemm(Transpose.NONE, tb, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
            }
            long t1 = System.nanoTime();
            ref.sgemm(Transpose.NONE, tb, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
            long t2 = System.nanoTime();
            simdNs[round] = (double) (t1 - t0) / simdReps;
            refNs[round] = t2 - t1;
        }
        Arrays.sort(simdNs);
        Arrays.sort(refNs);
        double speedup = refNs[0] / simdNs[0];
        double required = bits == 512 ? 5 : bits == 256 ? 4 : 3;
        double gflops = 2.0 * m * n * k / simdNs[0];
        Gemm.Path path = Gemm.path(transB, m, n, k);
        System.out.printf("GEMM speed sanity %d-bit %s: %.1f GFLOP/s, %.1fx the scalar reference (required %.0fx)%n",
                bits, path, gflops, speedup, required);
        assertTrue(speedup >= required, String.format(
                "%d-bit SIMD GEMM (%s path) is only %.1fx the scalar reference (%.1f GFLOP/s); expected at"
                        + " least %.0fx. Was a kernel left in C1 code?", bits, path, speedup, gflops, required));
    }
}
