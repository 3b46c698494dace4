package dev.lanes.bench;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.nn.StepUpdate;
import dev.lanes.optim.Sgd;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One training step — forward, backward and an SGD update — of a 784-512-512-10 network on a
 * mini-batch of 256, the workload of the numpy peer. The update is fused into the step as the
 * trainer runs it ({@link StepUpdate}): each piece of the parameters is updated by the thread that
 * has just computed its gradients. Samples/s = 256 × the score (steps/s).
 *
 * <p>GEMM work per step: forward 2·256·(784·512 + 512·512 + 512·10) = 0.342 GFLOP, the same for
 * the weight gradients, and the back-propagated errors of layers 3 and 2 (layer 1 needs none),
 * 2·256·(10·512 + 512·512) = 0.137 GFLOP: 0.822 GFLOP done. The numpy peer's report counts three
 * GEMMs per layer, 1.027 GFLOP; quote GFLOP/s = 1.027 × steps/s when comparing with it.
 *
 * <p>{@code model}: {@code sigmoidMse} (sigmoid everywhere, MSE, as in the notes) or
 * {@code reluSoftmaxCe} (ReLU hidden, softmax with cross-entropy). {@code impl}: the scalar
 * {@code reference}, SIMD on one thread ({@code simd1}), two ({@code simd2}) or all processors
 * ({@code simdAll}). {@code batch}: rows per step (256 by default; {@code -p batch=64,256,1024}).
 * Forks run one after another, so on a noisy machine compare thread counts with
 * {@code InterleavedJars LANES.jar LANES.jar -threadsOld 1 -threadsNew 2}, which alternates them.
 * After warm-up a step allocates nothing; run with {@code -prof gc} to see it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class TrainingStepBenchmark {

    static final int BATCH = 256;
    static final int[] SIZES = {784, 512, 512, 10};

    @Param({"reference", "simd1", "simdAll"})
    public String impl;

    @Param({"sigmoidMse", "reluSoftmaxCe"})
    public String model;

    /** Rows per mini-batch; samples/s = batch × the score. */
    @Param({"256"})
    public int batch;

    private Network network;
    private Gradients gradients;
    private Sgd sgd;
    private StepUpdate update;
    private float[] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setUp() {
        Kernels k = switch (impl) {
            case "reference" -> Kernels.reference();
            case "simd1" -> simd(1);
            case "simd2" -> simd(2);
            case "simdAll" -> simd(Runtime.getRuntime().availableProcessors());
            default -> throw new IllegalArgumentException("impl: " + impl);
        };
        NetworkSpec spec = switch (model) {
            case "sigmoidMse" -> NetworkSpec.of(SIZES, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE);
            case "reluSoftmaxCe" -> NetworkSpec.of(SIZES, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
            default -> throw new IllegalArgumentException("model: " + model);
        };
        network = Network.create(spec, 1, k);
        gradients = network.newGradients();
        // A small rate keeps the weights (and so the work per step) stable over millions of steps.
        sgd = new Sgd(1e-3f);
        update = sgd.stepUpdate(network, gradients);
        SplittableRandom rnd = new SplittableRandom(2);
        x = new float[batch * SIZES[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        y = new float[batch * 10];
        for (int r = 0; r < batch; r++) {
            y[r * 10 + rnd.nextInt(10)] = 1f;
        }
    }

    /** Asks for SIMD explicitly, so a fork without the Vector API fails instead of timing scalar code. */
    private static Kernels simd(int threads) {
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, threads, null));
        if (!"simd".equals(k.name()) || k.threads() != threads) {
            throw new IllegalStateException("asked for SIMD kernels on " + threads + " threads but got " + k.describe());
        }
        return k;
    }

    /** The step as training runs it: the update fused into the gradient pass. */
    @Benchmark
    public double step() {
        return network.lossAndGradients(x, y, batch, gradients, update);
    }
}
