package dev.lanes.nn;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.optim.Adam;
import dev.lanes.optim.Momentum;
import dev.lanes.optim.Optimizer;
import dev.lanes.optim.Sgd;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once the workspace has seen the batch size (and the JIT has compiled the kernels), a training
 * step (forward, backward, update) allocates nothing on the training thread: measured with the
 * JVM's per-thread allocation counter.
 */
class NoAllocationTest {

    /**
     * Steps measured. Reading the allocation counter costs a few hundred bytes itself, so the
     * check is that the total stays below one 16-byte object per step: any per-step allocation
     * would exceed it.
     */
    private static final int STEPS = 1000;
    private static final long SLACK = 8 * 1024;
    private static final int ROUNDS = 30;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs rounds of {@link #STEPS} steps until one allocates (almost) nothing, up to
     * {@link #ROUNDS} rounds: JIT compilation on a busy machine can take many thousands of calls
     * before the Vector API code is compiled without boxing, so the first rounds may allocate.
     *
     * @return the bytes allocated by the last round measured
     */
    private static long bytesPerSteps(Kernels k, Optimizer opt, NetworkSpec spec) {
        return bytesPerSteps(k, opt, spec, 32, true);
    }

    /** With {@code fused}, the optimizer's update runs inside the step when it offers one, as in training. */
    private static long bytesPerSteps(Kernels k, Optimizer opt, NetworkSpec spec, int batch, boolean fused) {
        Network net = Network.create(spec, 1, k);
        Random rnd = new Random(1);
        float[] x = GradientAssert.randomInputs(rnd, batch, spec.inputs());
        float[] y = GradientAssert.randomTargets(rnd, batch, spec.outputs(), spec.loss());
        Gradients g = net.newGradients();
        StepUpdate update = fused ? opt.stepUpdate(net, g) : null;
        long bytes = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && bytes >= SLACK; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < STEPS; i++) {
                net.lossAndGradients(x, y, batch, g, update);
                if (update == null) {
                    opt.step(net, g);
                }
            }
            bytes = allocatedBytes() - before;
        }
        return bytes;
    }

    private static void check(long bytes, String what) {
        System.out.println(what + ": " + bytes + " bytes in the last " + STEPS + " steps");
        assertTrue(bytes < SLACK, what + ": " + bytes + " bytes allocated in " + STEPS + " steps, even after "
                + ROUNDS + " rounds of warm-up");
    }

    @Test
    void trainingStepsAllocateNothing() {
        NetworkSpec ce = NetworkSpec.of(new int[] {20, 30, 10}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
        NetworkSpec mse = NetworkSpec.of(new int[] {20, 30, 5}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE);
        Kernels simd1 = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null));
        for (Kernels k : new Kernels[] {Kernels.reference(), simd1}) {
            check(bytesPerSteps(k, new Sgd(0.1f), ce), k.name() + " sgd");
            check(bytesPerSteps(k, new Momentum(0.1f, 0.9f), mse), k.name() + " momentum");
            check(bytesPerSteps(k, new Adam(0.001f), ce), k.name() + " adam");
            check(bytesPerSteps(k, new Adam(0.001f), ce, 32, false), k.name() + " adam, separate step");
            check(bytesPerSteps(k, new Sgd(0.1f, 0.01f), mse, 32, false), k.name() + " sgd+decay, separate step");
        }
    }

    @Test
    void stepsWithGeluSiluDropoutClippingAndAdamWAllocateNothing() {
        NetworkSpec spec = NetworkSpec.builder(20).dense(30, Activation.GELU).dropout(0.2).dense(24, Activation.SILU)
                .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        Kernels simd1 = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null));
        for (Kernels k : new Kernels[] {Kernels.reference(), simd1}) {
            Optimizer adamW = Adam.adamW(0.001f, 0.01f);
            Optimizer clipped = new Optimizer() {
                @Override public String name() { return adamW.name(); }
                @Override public void step(Network n, Gradients g) {
                    dev.lanes.optim.GradientClipping.clipGlobalNorm(n.kernels(), g, 1.0);
                    adamW.step(n, g);
                }
                @Override public void reset() { adamW.reset(); }
                @Override public State state() { return adamW.state(); }
                @Override public void restore(State s) { adamW.restore(s); }
            };
            check(bytesPerSteps(k, clipped, spec), k.name() + " gelu/silu/dropout adamw+clip");
            check(bytesPerSteps(k, new Momentum(0.1f, 0.9f, 0.01f), spec), k.name() + " gelu/silu/dropout momentum+decay");
        }
    }

    @Test
    void stepsSplitOverThreadsAllocateNothingOnTheTrainingThread() {
        // 128 rows of this network are enough work for row shards on 2-4 threads (one gradient run)
        NetworkSpec spec = NetworkSpec.builder(64).dense(128, Activation.RELU).dropout(0.1)
                .dense(64, Activation.GELU).dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        for (int threads : new int[] {2, 4}) {
            Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, threads, null));
            check(bytesPerSteps(k, Adam.adamW(0.001f, 0.01f), spec, 128, true), threads + " threads adamw");
            check(bytesPerSteps(k, new Momentum(0.1f, 0.9f), spec, 128, false), threads + " threads momentum, separate");
        }
        // 512 rows of this one make two gradient runs (2 × 2²⁵ multiply-adds), each updating its pieces
        NetworkSpec wide = NetworkSpec.of(new int[] {256, 256, 256, 10}, Activation.RELU, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY);
        Kernels two = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 2, null));
        check(bytesPerSteps(two, new Adam(0.001f), wide, 512, true), "2 threads, two gradient runs, adam");
    }
}
