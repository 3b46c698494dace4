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

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What two threads can give the training step on this machine at this moment, next to what they
 * do give. Three timings, in turns, round after round, in one JVM (784-512-512-10, fused SGD
 * update, as {@link TrainingStepBenchmark}):
 * <ul>
 *   <li><b>one</b>: the one-thread step of a batch of B rows;</li>
 *   <li><b>two</b>: the two-thread step of the same batch (Lanes' row shards and gradient runs);</li>
 *   <li><b>pair</b>: two independent one-thread steps of B/2 rows each, one per thread, on networks
 *       of their own — the same arithmetic as <b>two</b>, with nothing shared between the threads
 *       and nothing summed. A step of this time per pair is what perfect data parallelism
 *       without communication would give.</li>
 * </ul>
 * Prints the medians, one/two (the speed-up), one/pair (the ceiling of the moment) and their
 * quotient: how much of the ceiling the real step reaches. {@link CoreCeiling} gives the same kind
 * of ceiling for register-only arithmetic.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp jmh/target/benchmarks.jar dev.lanes.bench.StepCeiling \
 *      [-batch 256] [-rounds 10] [-slice 0.3] [-warmup 4] [-model sigmoidMse,reluSoftmaxCe]
 * </pre>
 */
public final class StepCeiling {

    private StepCeiling() {
    }

    /** One network with its batch and fused update. */
    static final class Stepper {
        final Network network;
        final Gradients gradients;
        final StepUpdate update;
        final float[] x;
        final float[] y;
        final int rows;

        Stepper(String model, int threads, int rows, long seed) {
            Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, threads, null));
            if (!"simd".equals(k.name()) || k.threads() != threads) {
                throw new IllegalStateException("asked for SIMD kernels on " + threads + " threads but got "
                        + k.describe());
            }
            boolean sig = model.equals("sigmoidMse");
            NetworkSpec spec = NetworkSpec.of(TrainingStepBenchmark.SIZES, sig ? Activation.SIGMOID : Activation.RELU,
                    sig ? Activation.SIGMOID : Activation.SOFTMAX, sig ? Loss.MSE : Loss.CROSS_ENTROPY);
            network = Network.create(spec, 1, k);
            gradients = network.newGradients();
            update = new Sgd(1e-3f).stepUpdate(network, gradients);
            this.rows = rows;
            SplittableRandom rnd = new SplittableRandom(seed);
            x = new float[rows * TrainingStepBenchmark.SIZES[0]];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble();
            }
            y = new float[rows * 10];
            for (int r = 0; r < rows; r++) {
                y[r * 10 + rnd.nextInt(10)] = 1f;
            }
        }

        void step() {
            network.lossAndGradients(x, y, rows, gradients, update);
        }

        /** Steps for about {@code seconds}; nanoseconds per step. */
        double slice(double seconds) {
            long budget = (long) (seconds * 1e9);
            long start = System.nanoTime();
            long steps = 0;
            long now;
            do {
                step();
                steps++;
                now = System.nanoTime();
            } while (now - start < budget);
            return (double) (now - start) / steps;
        }
    }

    /** Nanoseconds per step of {@code a} while a second thread steps {@code b} the whole time. */
    static double besideEachOther(Stepper a, Stepper b, double seconds) throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Thread other = new Thread(() -> {
            started.countDown();
            while (!stop.get()) {
                b.step();
            }
        }, "step-ceiling-neighbour");
        other.start();
        started.await();
        try {
            return a.slice(seconds);
        } finally {
            stop.set(true);
            other.join();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int batch = TrainingStepBenchmark.BATCH;
        int rounds = 10;
        double slice = 0.3;
        int warmup = 4;
        List<String> models = List.of("sigmoidMse", "reluSoftmaxCe");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-batch" -> batch = Integer.parseInt(args[++i]);
                case "-rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-slice" -> slice = Double.parseDouble(args[++i]);
                case "-warmup" -> warmup = Integer.parseInt(args[++i]);
                case "-model" -> models = List.of(args[++i].split(","));
                default -> {
                    System.err.println("usage: StepCeiling [-batch B] [-rounds N] [-slice S] [-warmup ROUNDS_OF_1S]"
                            + " [-model sigmoidMse,reluSoftmaxCe]");
                    System.exit(2);
                }
            }
        }
        if (batch < 2 || batch % 2 != 0 || rounds < 1 || !(slice > 0) || warmup < 0) {
            throw new IllegalArgumentException("batch must be even and ≥ 2, rounds ≥ 1, slice > 0, warmup ≥ 0");
        }
        System.out.printf(Locale.ROOT, "%d processors; batch %d; %d rounds of %.2f s per timing%n%n",
                Runtime.getRuntime().availableProcessors(), batch, rounds, slice);
        System.out.println("| model | one thread ms | two threads ms | pair of half batches ms | one/two | one/pair (ceiling) | (one/two)/(one/pair) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String model : models) {
            Stepper one = new Stepper(model, 1, batch, 2);
            Stepper two = new Stepper(model, 2, batch, 2);
            Stepper halfA = new Stepper(model, 1, batch / 2, 3);
            Stepper halfB = new Stepper(model, 1, batch / 2, 4);
            for (int w = 0; w < warmup; w++) {
                one.slice(1.0);
                two.slice(1.0);
                besideEachOther(halfA, halfB, 1.0);
            }
            double[] t1 = new double[rounds];
            double[] t2 = new double[rounds];
            double[] tp = new double[rounds];
            double[] speedUp = new double[rounds];
            double[] ceiling = new double[rounds];
            double[] reached = new double[rounds];
            List<Runnable> order = new ArrayList<>();
            double seconds = slice;
            for (int r = 0; r < rounds; r++) {
                int round = r;
                order.clear();
                order.add(() -> t1[round] = one.slice(seconds));
                order.add(() -> t2[round] = two.slice(seconds));
                order.add(() -> {
                    try {
                        tp[round] = besideEachOther(halfA, halfB, seconds);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                // rotate the order so that no timing always follows the same one
                java.util.Collections.rotate(order, r % 3);
                for (Runnable timing : order) {
                    timing.run();
                }
                speedUp[r] = t1[r] / t2[r];
                ceiling[r] = t1[r] / tp[r];
                reached[r] = speedUp[r] / ceiling[r];
            }
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f |%n", model,
                    Report.median(t1) / 1e6, Report.median(t2) / 1e6, Report.median(tp) / 1e6, Report.median(speedUp), Report.median(ceiling),
                    Report.median(reached));
        }
    }
}
