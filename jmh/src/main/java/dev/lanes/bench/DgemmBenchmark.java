package dev.lanes.bench;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.Transpose;
import org.bytedeco.javacpp.DoublePointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.bytedeco.openblas.global.openblas_full.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_full.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_full.CblasTrans;
import static org.bytedeco.openblas.global.openblas_full.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_full.openblas_get_config;
import static org.bytedeco.openblas.global.openblas_full.openblas_get_corename;
import static org.bytedeco.openblas.global.openblas_full.openblas_get_num_threads;
import static org.bytedeco.openblas.global.openblas_full.openblas_set_num_threads;

/**
 * Double-precision GEMM, one thread: Lanes' {@code Kernels.dgemm} (SIMD kernels, preferred width)
 * against OpenBLAS's {@code cblas_dgemm} on off-heap buffers (a {@code double[]} through JNI would
 * be copied on every call). {@code C = op(A)·op(B)}, alpha = 1, beta = 0, row-major; the shape
 * parameter is {@link Shape}'s {@code M:N:K:TA:TB}. The score is calls per second; {@link Report}
 * turns it into GFLOP/s = 2·m·n·k·calls/s / 10⁹. Each setup checks sampled elements of its product
 * against a dot product before timing.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class DgemmBenchmark {

    @State(Scope.Thread)
    public static class Case {
        @Param({"simd1", "openblas1"})
        public String impl;

        /** Squares, and the forward products of the 784-512-512-10 MLP at batch 256. */
        @Param({"512:512:512:N:N", "1024:1024:1024:N:N", "256:512:784:N:T", "256:10:512:N:T"})
        public String shape;

        Shape s;
        double[] a;
        double[] b;
        double[] c;
        Kernels lanes;
        DoublePointer pa;
        DoublePointer pb;
        DoublePointer pc;

        @Setup(Level.Trial)
        public void setUp() {
            s = Shape.parse(shape);
            SplittableRandom rnd = new SplittableRandom(GemmBenchmark.SEED);
            a = new double[s.aRows() * s.aCols()];
            b = new double[s.bRows() * s.bCols()];
            c = new double[s.m() * s.n()];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextDouble(-1, 1);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextDouble(-1, 1);
            }
            String what;
            switch (impl) {
                case "simd1" -> {
                    lanes = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null));
                    what = lanes.describe();
                }
                case "openblas1" -> {
                    openblas_set_num_threads(1);
                    pa = new DoublePointer(a.length).put(a);
                    pb = new DoublePointer(b.length).put(b);
                    pc = new DoublePointer(c.length);
                    what = "OpenBLAS " + openblas_get_config().getString() + ", core "
                            + openblas_get_corename().getString() + ", " + openblas_get_num_threads() + " threads";
                }
                default -> throw new IllegalArgumentException("impl must be simd1 or openblas1, not " + impl);
            }
            run();
            check(what);
            System.out.println("lanes-bench: dgemm " + impl + " " + shape + " -> " + what);
        }

        Object run() {
            if (lanes != null) {
                lanes.dgemm(s.transA() ? Transpose.TRANSPOSE : Transpose.NONE,
                        s.transB() ? Transpose.TRANSPOSE : Transpose.NONE, s.m(), s.n(), s.k(),
                        1, a, 0, s.aCols(), b, 0, s.bCols(), 0, c, 0, s.n());
                return c;
            }
            cblas_dgemm(CblasRowMajor, s.transA() ? CblasTrans : CblasNoTrans, s.transB() ? CblasTrans : CblasNoTrans,
                    s.m(), s.n(), s.k(), 1, pa, s.aCols(), pb, s.bCols(), 0, pc, s.n());
            return pc;
        }

        private void check(String what) {
            SplittableRandom random = new SplittableRandom(12345);
            for (int t = 0; t < 64; t++) {
                int i = random.nextInt(s.m());
                int j = random.nextInt(s.n());
                double exact = 0;
                double magnitude = 0;
                for (int p = 0; p < s.k(); p++) {
                    double x = s.transA() ? a[p * s.aCols() + i] : a[i * s.aCols() + p];
                    double y = s.transB() ? b[j * s.bCols() + p] : b[p * s.bCols() + j];
                    exact += x * y;
                    magnitude += Math.abs(x * y);
                }
                double got = lanes != null ? c[i * s.n() + j] : pc.get((long) i * s.n() + j);
                if (!(Math.abs(got - exact) <= 2 * s.k() * 0x1p-52 * magnitude)) {
                    throw new IllegalStateException(what + ": C(" + i + "," + j + ") = " + got + " but the dot product is "
                            + exact + " for shape " + shape);
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (pa != null) {
                pa.close();
                pb.close();
                pc.close();
            }
        }
    }

    @Benchmark
    public Object dgemm(Case s) {
        return s.run();
    }
}
