package dev.lanes.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Two builds of the library side by side in one JVM, each in its own class loader, timed in turns
 * (short slices, round after round) so a slow phase of a noisy machine slows both alike. Measures
 * the training step of {@link TrainingStepBenchmark} (784-512-512-10, batch 256, SIMD on one
 * thread) and one optimizer update of all its parameters, through the API both builds share
 * (reflection; a call costs nanoseconds against milliseconds of work). Prints each build's median
 * and the median over rounds of new/old. The step is the one training runs: with the SGD update
 * fused into it where the build has that ({@code Network.lossAndGradients(…, StepUpdate)}),
 * otherwise the gradients then a separate update; {@code -separate} forces the latter.
 * {@code -what predict} times the embedding {@code Predictor} of the ReLU/softmax network on one
 * batch per call instead, and {@code -what predict-standardized} the same with a standardizer in
 * front, as {@code lanes train} saves models.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp jmh/target/classes dev.lanes.bench.InterleavedJars \
 *      OLD.jar NEW.jar [-rounds 30] [-slice 0.5] [-what step|sgd|momentum|adam|predict|predict-standardized,…]
 *      [-whatNew W] [-model …]
 *      [-threads N | -threadsOld N -threadsNew M] [-batch 256] [-separate | -separateOld | -separateNew]
 * </pre>
 * Both jars may be the same file: {@code -threadsOld 1 -threadsNew 2} then measures scaling, and
 * {@code -what predict -whatNew predict-standardized} what the standardizer costs (the new side
 * runs {@code -whatNew} in place of each {@code -what}).
 */
public final class InterleavedJars {

    private InterleavedJars() {
    }

    /** One build's network, gradients, batch and optimizer, driven by reflection. */
    static final class Build {
        final Object network;
        final Object gradients;
        final Object optimizer;
        final Method lossAndGradients;
        final Method step;
        /** The build's fused training step (optimizer update inside the step), if it has one. */
        final Method fusedStep;
        final Object fusedUpdate;
        /** {@code -what predict}: the Predictor, its batch method and output buffer; else null. */
        final Object predictor;
        final Method predict;
        final float[] out;
        final float[] x;
        final float[] y;
        final boolean trainStep;
        final int rows;

        Build(Path jar, String model, String what, int threads, int batch, boolean fused) throws ReflectiveOperationException, java.io.IOException {
            ClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> kernels = cl.loadClass("dev.lanes.kernel.Kernels");
            Class<?> config = cl.loadClass("dev.lanes.kernel.KernelConfig");
            Class<?> implEnum = cl.loadClass("dev.lanes.kernel.KernelConfig$Implementation");
            Object simd = enumValue(implEnum, "SIMD");
            Object cfg = config.getConstructor(implEnum, int.class, int.class,
                    cl.loadClass("java.util.concurrent.ExecutorService")).newInstance(simd, 0, threads, null);
            Object k = kernels.getMethod("create", config).invoke(null, cfg);
            if (!"simd".equals(kernels.getMethod("name").invoke(k))) {
                throw new IllegalStateException("no SIMD kernels: " + kernels.getMethod("describe").invoke(k));
            }
            Class<?> act = cl.loadClass("dev.lanes.nn.Activation");
            Class<?> loss = cl.loadClass("dev.lanes.nn.Loss");
            Class<?> specC = cl.loadClass("dev.lanes.nn.NetworkSpec");
            boolean sig = model.equals("sigmoidMse");
            Object spec = specC.getMethod("of", int[].class, act, act, loss).invoke(null, TrainingStepBenchmark.SIZES,
                    enumValue(act, sig ? "SIGMOID" : "RELU"), enumValue(act, sig ? "SIGMOID" : "SOFTMAX"),
                    enumValue(loss, sig ? "MSE" : "CROSS_ENTROPY"));
            Class<?> netC = cl.loadClass("dev.lanes.nn.Network");
            network = netC.getMethod("create", specC, long.class, kernels).invoke(null, spec, 1L, k);
            gradients = netC.getMethod("newGradients").invoke(network);
            Class<?> gradC = cl.loadClass("dev.lanes.nn.Gradients");
            lossAndGradients = netC.getMethod("lossAndGradients", float[].class, float[].class, int.class, gradC);
            SplittableRandom rnd = new SplittableRandom(2);
            rows = batch;
            x = new float[batch * TrainingStepBenchmark.SIZES[0]];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble();
            }
            y = new float[batch * 10];
            for (int r = 0; r < batch; r++) {
                y[r * 10 + rnd.nextInt(10)] = 1f;
            }
            lossAndGradients.invoke(network, x, y, batch, gradients);
            trainStep = what.equals("step");
            if (what.equals("predict") || what.equals("predict-standardized")) {
                // The embedding predictor over the same network: weights packed once, one batch per call.
                Class<?> modelC = cl.loadClass("dev.lanes.io.Model");
                Class<?> stdC = cl.loadClass("dev.lanes.data.Standardizer");
                Object standardizer = null;
                if (what.equals("predict-standardized")) {
                    // What `lanes train` keeps with a model: a mean and a deviation per input.
                    float[] mean = new float[TrainingStepBenchmark.SIZES[0]];
                    float[] std = new float[mean.length];
                    for (int j = 0; j < mean.length; j++) {
                        mean[j] = (float) rnd.nextDouble(0.2, 0.6);
                        std[j] = (float) rnd.nextDouble(0.1, 0.5);
                    }
                    standardizer = stdC.getMethod("of", float[].class, float[].class).invoke(null, mean, std);
                }
                Object m = modelC.getMethod("of", netC, stdC, List.class,
                        java.util.Map.class).invoke(null, network, standardizer,
                        List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), java.util.Map.of());
                Class<?> predC = cl.loadClass("dev.lanes.predict.Predictor");
                predictor = predC.getMethod("of", modelC, kernels).invoke(null, m, k);
                predict = predC.getMethod("predict", float[].class, int.class, int.class, float[].class, int.class);
                out = new float[batch * 10];
            } else {
                predictor = null;
                predict = null;
                out = null;
            }
            String opt = trainStep || predictor != null ? "sgd" : what;
            optimizer = switch (opt) {
                case "sgd" -> cl.loadClass("dev.lanes.optim.Sgd").getConstructor(float.class).newInstance(1e-3f);
                case "momentum" -> cl.loadClass("dev.lanes.optim.Momentum").getConstructor(float.class, float.class)
                        .newInstance(1e-6f, 0.9f);
                case "adam" -> cl.loadClass("dev.lanes.optim.Adam").getConstructor(float.class).newInstance(1e-7f);
                default -> throw new IllegalArgumentException("what: " + what);
            };
            step = cl.loadClass("dev.lanes.optim.Optimizer").getMethod("step", netC, gradC);
            Method fs = null;
            Object fu = null;
            if (trainStep && fused) {
                try {
                    Class<?> su = cl.loadClass("dev.lanes.nn.StepUpdate");
                    fs = netC.getMethod("lossAndGradients", float[].class, float[].class, int.class, gradC, su);
                    fu = cl.loadClass("dev.lanes.optim.Optimizer").getMethod("stepUpdate", netC, gradC)
                            .invoke(optimizer, network, gradients);
                } catch (ClassNotFoundException | NoSuchMethodException e) {
                    fs = null; // a build from before the fused step
                }
            }
            fusedStep = fs;
            fusedUpdate = fu;
        }

        private static Object enumValue(Class<?> e, String name) {
            for (Object c : e.getEnumConstants()) {
                if (((Enum<?>) c).name().equals(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(name);
        }

        void run() throws ReflectiveOperationException {
            if (predictor != null) {
                predict.invoke(predictor, x, 0, rows, out, 0);
                return;
            }
            if (fusedStep != null) {
                fusedStep.invoke(network, x, y, rows, gradients, fusedUpdate);
                return;
            }
            if (trainStep) {
                lossAndGradients.invoke(network, x, y, rows, gradients);
            }
            step.invoke(optimizer, network, gradients);
        }

        /** Runs for about {@code seconds}; returns nanoseconds per call. */
        double slice(double seconds) throws ReflectiveOperationException {
            long budget = (long) (seconds * 1e9);
            long start = System.nanoTime();
            long calls = 0;
            long now;
            do {
                run();
                calls++;
                now = System.nanoTime();
            } while (now - start < budget);
            return (double) (now - start) / calls;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> jars = new ArrayList<>();
        int rounds = 30;
        double slice = 0.5;
        int threadsOld = 1;
        int threadsNew = 1;
        int batch = TrainingStepBenchmark.BATCH;
        List<String> whats = List.of("step");
        List<String> models = List.of("sigmoidMse", "reluSoftmaxCe");
        boolean fusedOld = true;
        boolean fusedNew = true;
        String whatNew = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-slice" -> slice = Double.parseDouble(args[++i]);
                case "-what" -> whats = List.of(args[++i].split(","));
                case "-whatNew" -> whatNew = args[++i];
                case "-model" -> models = List.of(args[++i].split(","));
                case "-threads" -> threadsOld = threadsNew = Integer.parseInt(args[++i]);
                case "-threadsOld" -> threadsOld = Integer.parseInt(args[++i]);
                case "-threadsNew" -> threadsNew = Integer.parseInt(args[++i]);
                case "-batch" -> batch = Integer.parseInt(args[++i]);
                case "-separate" -> fusedOld = fusedNew = false;
                case "-separateOld" -> fusedOld = false;
                case "-separateNew" -> fusedNew = false;
                default -> jars.add(args[i]);
            }
        }
        if (jars.size() != 2) {
            System.err.println("usage: InterleavedJars OLD.jar NEW.jar [-rounds N] [-slice S] [-what step,sgd,momentum,adam,predict,predict-standardized] [-whatNew W]"
                    + " [-model sigmoidMse,reluSoftmaxCe] [-threads N | -threadsOld N -threadsNew M] [-batch B]"
                    + " [-separate | -separateOld | -separateNew]");
            System.exit(2);
        }
        System.out.printf(Locale.ROOT, "%d rounds of %.2f s per build; old = %s on %d thread(s), new = %s on %d"
                + " thread(s); batch %d; the step with the update %s (old), %s (new)%n%n", rounds, slice, jars.get(0), threadsOld,
                jars.get(1), threadsNew, batch, fusedOld ? "fused where the build can" : "separate",
                fusedNew ? "fused where the build can" : "separate");
        System.out.println("| what | model | old ms | new ms | new/old time (median of rounds) | old ns/param | new ns/param |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        long params = 0;
        int[] s = TrainingStepBenchmark.SIZES;
        for (int i = 1; i < s.length; i++) {
            params += (long) s[i] * (s[i - 1] + 1);
        }
        for (String what : whats) {
            for (String model : what.equals("step") ? models : List.of("reluSoftmaxCe")) {
                Build old = new Build(Path.of(jars.get(0)), model, what, threadsOld, batch, fusedOld);
                String neuWhat = whatNew != null ? whatNew : what;
                Build neu = new Build(Path.of(jars.get(1)), model, neuWhat, threadsNew, batch, fusedNew);
                for (int w = 0; w < 6; w++) {
                    old.slice(1.0);
                    neu.slice(1.0);
                }
                double[] a = new double[rounds];
                double[] b = new double[rounds];
                double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    if (r % 2 == 0) {
                        a[r] = old.slice(slice);
                        b[r] = neu.slice(slice);
                    } else {
                        b[r] = neu.slice(slice);
                        a[r] = old.slice(slice);
                    }
                    ratio[r] = b[r] / a[r];
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                        neuWhat.equals(what) ? what : what + " (old), " + neuWhat + " (new)", model,
                        Report.median(a) / 1e6, Report.median(b) / 1e6, Report.median(ratio), Report.median(a) / params, Report.median(b) / params);
            }
        }
    }
}
