package dev.lanes.bench;

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

import java.util.concurrent.TimeUnit;

/**
 * The GEMM ladder: Lanes' SIMD kernels on one and on all cores against OpenBLAS (one and all
 * cores), EJML and Lanes' own scalar reference, over square sizes and the products of one training
 * step of a 784-512-512-10 network with batch 256 (forward Z = A·Wᵀ, the weight gradient Δᵀ·A and
 * the back-propagated Δ·W). Every (implementation, shape) pair runs in a fork of its own, so one
 * implementation's threads cannot disturb the next.
 *
 * <p>The score is calls per second; {@link Report} turns it into GFLOP/s = 2·m·n·k·calls/s / 10⁹.
 * The reference kernels are timed in {@link #reference} over every shape but 1024³ (seconds per
 * call there) so that the ratio to them comes from the same run.
 *
 * <p>Forks inherit the host JVM's flags; the host must be started with the flags of the build's
 * {@code lanes.jvmFlags} property ({@code ci/bench} does this). The SIMD states fail if the Vector
 * API is not usable in the fork.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// JavaCPP loads OpenBLAS with System.load; allowing it up front keeps the JDK's restricted-method
// warning out of the results. Appended, so the host's own flags are still inherited.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        // JMH 1.37 itself still calls sun.misc.Unsafe; this keeps the JDK's notice out of each fork.
        "--sun-misc-unsafe-memory-access=allow"})
public class GemmBenchmark {

    /** Fixed, so every implementation multiplies the same matrices. */
    static final long SEED = 20260401L;

    /** The ladder: every implementation except the slow reference, on every shape. */
    @State(Scope.Thread)
    public static class Ladder {
        @Param({"simd1", "simdAll", "openblas1", "openblasAll", "ejml"})
        public String impl;

        /** M:N:K:TA:TB (see {@link Shape}): squares, then forward (×3), weight gradient and Δ·W of the MLP. */
        @Param({"128:128:128:N:N", "256:256:256:N:N", "512:512:512:N:N", "1024:1024:1024:N:N",
                "256:512:784:N:T", "256:512:512:N:T", "256:10:512:N:T", "512:784:256:T:N",
                "256:512:10:N:N"})
        public String shape;

        GemmCase gemm;

        @Setup(Level.Trial)
        public void setUp() {
            gemm = GemmBenchmark.setUp(impl, shape);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            gemm.close();
        }
    }

    /** The scalar reference kernels, on every shape but the largest. */
    @State(Scope.Thread)
    public static class Reference {
        @Param({"128:128:128:N:N", "256:256:256:N:N", "512:512:512:N:N",
                "256:512:784:N:T", "256:512:512:N:T", "256:10:512:N:T", "512:784:256:T:N",
                "256:512:10:N:N"})
        public String shape;

        GemmCase gemm;

        @Setup(Level.Trial)
        public void setUp() {
            gemm = GemmBenchmark.setUp(GemmCase.REFERENCE, shape);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            gemm.close();
        }
    }

    static GemmCase setUp(String impl, String shape) {
        GemmCase gemm = GemmCase.create(impl, Shape.parse(shape), SEED);
        gemm.check();
        // Printed by the fork, so the log shows what really ran there (ci/bench checks it).
        System.out.println("lanes-bench: " + impl + " " + shape + " -> " + gemm.describe());
        return gemm;
    }

    @Benchmark
    public Object gemm(Ladder s) {
        return s.gemm.run();
    }

    @Benchmark
    public Object reference(Reference s) {
        return s.gemm.run();
    }
}
