package dev.lanes.bench;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Adam;
import dev.lanes.optim.Momentum;
import dev.lanes.optim.Optimizer;
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
 * One optimizer update of every parameter of a 784-512-512-10 network (669,706 parameters), SIMD
 * kernels on one thread. Divide the score (µs per update) by 0.669706 for ns per parameter. Uses
 * only API that predates the flat parameters, so the same benchmark measures either library jar.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class OptimizerStepBenchmark {

    @Param({"sgd", "momentum", "adam"})
    public String optimizer;

    private Network network;
    private Gradients gradients;
    private Optimizer opt;

    @Setup(Level.Trial)
    public void setUp() {
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null));
        if (!"simd".equals(k.name())) {
            throw new IllegalStateException("asked for SIMD kernels but got " + k.describe());
        }
        int[] sizes = TrainingStepBenchmark.SIZES;
        network = Network.create(NetworkSpec.of(sizes, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY), 1, k);
        gradients = network.newGradients();
        int batch = 64;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = new float[batch * sizes[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        float[] y = new float[batch * 10];
        for (int r = 0; r < batch; r++) {
            y[r * 10 + rnd.nextInt(10)] = 1f;
        }
        network.lossAndGradients(x, y, batch, gradients);
        // Tiny rates keep the weights (and so the values each update sees) stable.
        opt = switch (optimizer) {
            case "sgd" -> new Sgd(1e-6f);
            case "momentum" -> new Momentum(1e-6f, 0.9f);
            case "adam" -> new Adam(1e-7f);
            default -> throw new IllegalArgumentException("optimizer: " + optimizer);
        };
    }

    @Benchmark
    public Network update() {
        opt.step(network, gradients);
        return network;
    }
}
