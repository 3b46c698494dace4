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
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The training step of {@link TrainingStepBenchmark} (784-512-512-10, batch 256, one SGD step)
 * on libtorch and on Lanes, timed in turns in one JVM: every round runs each contender for one
 * slice, starting with a different contender each round, so a slow phase of a shared machine
 * slows all of them alike. Prints what libtorch runs (its build configuration, its parallel
 * back-end, the OpenBLAS core and thread count, the native libraries loaded), then per model the
 * median samples/s of each contender and the medians over rounds of the ratios that matter.
 *
 * <p>Contenders: {@code torchN} (libtorch, {@code at::set_num_threads(N)} before each of its
 * slices) and {@code simdN} (Lanes' SIMD kernels on N threads, built as the JMH benchmark builds
 * them). Before timing, one step of each model on both libraries from the same weights and batch
 * must give the same loss and gradients (to float rounding), or the program stops: the peer must
 * run the same step, not merely a similar one.
 *
 * <pre>
 * ./mvnw -B -q -f jmh/pom.xml -Ptorch package
 * java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      --sun-misc-unsafe-memory-access=allow \
 *      -cp jmh/target/classes:$(cat jmh/target/torch.classpath) dev.lanes.bench.TorchTrainingStep \
 *      [-rounds 20] [-slice 1.0] [-warmup 3] [-impl torch1,torch2,simd1,simd2] \
 *      [-model sigmoidMse,reluSoftmaxCe] [-blasThreads torch|match]
 * </pre>
 *
 * <p>{@code -blasThreads torch} (default) leaves OpenBLAS's own thread count as libtorch leaves it;
 * {@code match} also calls {@code openblas_set_num_threads(N)} before each {@code torchN} slice.
 * The environment of the command (OPENBLAS_CORETYPE, OMP_WAIT_POLICY, …) is printed, not changed.
 */
public final class TorchTrainingStep {

    static final float RATE = 1e-3f;

    private TorchTrainingStep() {
    }

    /** One thing being timed. */
    private interface Contender {
        String name();

        /** Called before each slice: libtorch's thread count is process-wide and shared. */
        void prepare();

        double step();
    }

    public static void main(String[] args) {
        int rounds = 20;
        double slice = 1.0;
        int warmup = 3;
        List<String> impls = List.of("torch1", "torch2", "simd1", "simd2");
        List<String> models = List.of("sigmoidMse", "reluSoftmaxCe");
        boolean matchBlas = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-slice" -> slice = Double.parseDouble(args[++i]);
                case "-warmup" -> warmup = Integer.parseInt(args[++i]);
                case "-impl" -> impls = List.of(args[++i].split(","));
                case "-model" -> models = List.of(args[++i].split(","));
                case "-blasThreads" -> matchBlas = switch (args[++i]) {
                    case "torch" -> false;
                    case "match" -> true;
                    default -> throw new IllegalArgumentException("-blasThreads: torch or match, not " + args[i]);
                };
                default -> {
                    System.err.println("usage: TorchTrainingStep [-rounds N] [-slice SECONDS] [-warmup ROUNDS]"
                            + " [-impl torch1,torch2,simd1,simd2] [-model sigmoidMse,reluSoftmaxCe] [-blasThreads torch|match]");
                    System.exit(2);
                }
            }
        }
        if (rounds < 1 || slice <= 0 || warmup < 0) {
            throw new IllegalArgumentException("need rounds ≥ 1, slice > 0, warmup ≥ 0");
        }
        int maxThreads = 1;
        for (String impl : impls) {
            maxThreads = Math.max(maxThreads, threadsOf(impl));
        }
        Loader.load(torch.class);
        // The inter-op pool runs only asynchronous work (none here); it can be sized once, before use.
        torch.set_num_interop_threads(maxThreads);
        describe(maxThreads);

        System.out.printf(Locale.ROOT, "%nload average at start: %s%n", loadAverage());
        for (String model : models) {
            check(model);
        }
        for (String model : models) {
            measure(model, impls, rounds, slice, warmup, matchBlas);
        }
        System.out.printf(Locale.ROOT, "%nload average at end: %s%n", loadAverage());
        // Lanes' worker threads and libtorch's pools would keep the JVM alive.
        System.exit(0);
    }

    static int threadsOf(String impl) {
        String digits = impl.startsWith("torch") ? impl.substring(5) : impl.startsWith("simd") ? impl.substring(4) : "";
        try {
            int n = Integer.parseInt(digits);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("contender '" + impl + "': torchN or simdN with N ≥ 1 threads");
    }

    /** What libtorch runs here. */
    private static void describe(int maxThreads) {
        System.out.println("CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " processors");
        System.out.println("JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version());
        // Every variable the native libraries read that could change what is timed.
        new TreeSet<>(System.getenv().keySet()).stream()
                .filter(v -> v.matches("(OPENBLAS|GOTO|OMP|GOMP|KMP|MKL|DNNL|ONEDNN|TORCH|ATEN)_.*"))
                .forEach(v -> System.out.println("env " + v + "=" + System.getenv(v)));
        System.out.println("\n--- libtorch show_config()");
        System.out.println(torch.show_config().getString().strip());
        System.out.println("\n--- libtorch get_parallel_info() (before set_num_threads)");
        System.out.println(torch.get_parallel_info().getString().strip());
        System.out.println("\n--- OpenBLAS as loaded in this process");
        System.out.println("config: " + openblas_full.openblas_get_config().getString());
        System.out.println("core: " + openblas_full.openblas_get_corename().getString());
        System.out.println("parallel: " + switch (openblas_full.openblas_get_parallel()) {
            case 0 -> "sequential";
            case 1 -> "pthreads";
            case 2 -> "OpenMP";
            default -> "unknown (" + openblas_full.openblas_get_parallel() + ")";
        });
        for (int n = 1; n <= maxThreads; n++) {
            torch.set_num_threads(n);
            System.out.printf(Locale.ROOT, "after at::set_num_threads(%d): at::get_num_threads() = %d,"
                    + " openblas_get_num_threads() = %d%n", n, torch.get_num_threads(),
                    openblas_full.openblas_get_num_threads());
        }
        System.out.println("inter-op threads: " + torch.get_num_interop_threads());
        System.out.println("\n--- native libraries mapped (BLAS, OpenMP, oneDNN, MKL, torch)");
        for (String lib : nativeLibraries()) {
            System.out.println(lib);
        }
    }

    /** Files of the native libraries of interest mapped into this process, from /proc/self/maps. */
    private static List<String> nativeLibraries() {
        TreeSet<String> libs = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String file = line.substring(slash);
                String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
                if (name.matches(".*(blas|omp|dnnl|mkl|torch|c10).*\\.so.*")) {
                    libs.add(name + "  (" + file + ")");
                }
            }
        } catch (IOException e) {
            libs.add("(/proc/self/maps unreadable: " + e.getMessage() + ")");
        }
        return new ArrayList<>(libs);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    static NetworkSpec spec(String model) {
        return switch (model) {
            case "sigmoidMse" -> NetworkSpec.of(TrainingStepBenchmark.SIZES, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE);
            case "reluSoftmaxCe" -> NetworkSpec.of(TrainingStepBenchmark.SIZES, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
            default -> throw new IllegalArgumentException("model: " + model + " (sigmoidMse or reluSoftmaxCe)");
        };
    }

    /** The batch of {@link TrainingStepBenchmark}: x uniform in [0, 1), one-hot y, same seed. */
    static float[][] batch() {
        int rows = TrainingStepBenchmark.BATCH;
        SplittableRandom rnd = new SplittableRandom(2);
        float[] x = new float[rows * TrainingStepBenchmark.SIZES[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        float[] y = new float[rows * 10];
        for (int r = 0; r < rows; r++) {
            y[r * 10 + rnd.nextInt(10)] = 1f;
        }
        return new float[][] {x, y};
    }

    static Kernels simd(int threads) {
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, threads, null));
        if (!"simd".equals(k.name()) || k.threads() != threads) {
            throw new IllegalStateException("asked for SIMD kernels on " + threads + " threads but got " + k.describe());
        }
        return k;
    }

    /** A libtorch step starting from {@code network}'s parameters, on the benchmark's batch. */
    static TorchStep torchPeer(String model, Network network, float[][] batch) {
        int depth = TrainingStepBenchmark.SIZES.length - 1;
        float[][] w = new float[depth][];
        float[][] b = new float[depth][];
        for (int l = 0; l < depth; l++) {
            w[l] = network.weights(l);
            b[l] = network.biases(l);
        }
        return new TorchStep(model, w, b, batch[0], batch[1], TrainingStepBenchmark.BATCH, RATE);
    }

    /**
     * The largest |a − b| over the arrays divided by the largest |b|: the error relative to the
     * size of the values, which is what float rounding in a different summation order produces.
     */
    static double relativeError(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths " + a.length + " and " + b.length);
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /** The largest relative errors of libtorch's loss and gradients against Lanes', one step. */
    static double[] compare(String model, Kernels kernels) {
        float[][] batch = batch();
        Network network = Network.create(spec(model), 1, kernels);
        try (TorchStep peer = torchPeer(model, network, batch)) {
            Gradients g = network.newGradients();
            double lanesLoss = network.lossAndGradients(batch[0], batch[1], TrainingStepBenchmark.BATCH, g);
            double torchLoss = peer.step();
            float[][] tg = peer.gradients();
            double worst = 0;
            for (int l = 0; l < tg.length / 2; l++) {
                worst = Math.max(worst, relativeError(tg[2 * l], g.weights(l)));
                worst = Math.max(worst, relativeError(tg[2 * l + 1], g.biases(l)));
            }
            return new double[] {Math.abs(torchLoss - lanesLoss) / Math.abs(lanesLoss), worst, lanesLoss, torchLoss};
        }
    }

    /** Stops the program unless both libraries compute the same step. */
    private static void check(String model) {
        double[] e = compare(model, simd(1));
        System.out.printf(Locale.ROOT, "check %s: loss Lanes %.6f, libtorch %.6f (relative difference %.1e);"
                + " largest gradient difference %.1e of the largest gradient%n", model, e[2], e[3], e[0], e[1]);
        if (!(e[0] < 1e-5 && e[1] < 1e-4)) {
            throw new IllegalStateException(model + ": libtorch and Lanes disagree on the training step");
        }
    }

    private static Contender contender(String impl, String model, boolean matchBlas) {
        int threads = threadsOf(impl);
        float[][] batch = batch();
        if (impl.startsWith("torch")) {
            TorchStep peer = torchPeer(model, Network.create(spec(model), 1, Kernels.reference()), batch);
            return new Contender() {
                @Override
                public String name() {
                    return impl;
                }

                @Override
                public void prepare() {
                    torch.set_num_threads(threads);
                    if (matchBlas) {
                        openblas_full.openblas_set_num_threads(threads);
                    }
                }

                @Override
                public double step() {
                    return peer.step();
                }
            };
        }
        Network network = Network.create(spec(model), 1, simd(threads));
        Gradients gradients = network.newGradients();
        Sgd sgd = new Sgd(RATE);
        // the step as the trainer runs it, with the update fused into the gradient pass
        StepUpdate update = sgd.stepUpdate(network, gradients);
        return new Contender() {
            @Override
            public String name() {
                return impl;
            }

            @Override
            public void prepare() {
            }

            @Override
            public double step() {
                return network.lossAndGradients(batch[0], batch[1], TrainingStepBenchmark.BATCH, gradients, update);
            }
        };
    }

    private static void measure(String model, List<String> impls, int rounds, double slice, int warmup, boolean matchBlas) {
        List<Contender> cs = new ArrayList<>();
        for (String impl : impls) {
            cs.add(contender(impl, model, matchBlas));
        }
        int n = cs.size();
        for (int w = 0; w < warmup; w++) {
            for (Contender c : cs) {
                timeSlice(c, slice);
            }
        }
        double[][] rate = new double[n][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < n; k++) {
                int i = (r + k) % n;
                rate[i][r] = timeSlice(cs.get(i), slice);
            }
        }
        System.out.printf(Locale.ROOT, "%n%s, 784-512-512-10, batch %d: %d rounds of %.2f s per contender after %d warm-up rounds%n%n",
                model, TrainingStepBenchmark.BATCH, rounds, slice, warmup);
        System.out.println("| contender | median samples/s | min – max |");
        System.out.println("|---|---:|---:|");
        for (int i = 0; i < n; i++) {
            double[] s = rate[i].clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f – %,.0f |%n", impls.get(i), Report.median(rate[i]), s[0], s[s.length - 1]);
        }
        System.out.println();
        System.out.println("| ratio (median over rounds) | value |");
        System.out.println("|---|---:|");
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && interesting(impls.get(i), impls.get(j))) {
                    double[] q = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        q[r] = rate[i][r] / rate[j][r];
                    }
                    System.out.printf(Locale.ROOT, "| %s / %s | %.2f× |%n", impls.get(i), impls.get(j), Report.median(q));
                }
            }
        }
    }

    /** Lanes over libtorch at the same thread count, and each library's scaling with threads. */
    private static boolean interesting(String a, String b) {
        boolean aSimd = a.startsWith("simd");
        boolean bSimd = b.startsWith("simd");
        if (aSimd && !bSimd) {
            return threadsOf(a) == threadsOf(b);
        }
        return aSimd == bSimd && threadsOf(a) > threadsOf(b);
    }

    /** Runs steps for about {@code seconds} and returns samples/s. */
    private static double timeSlice(Contender c, double seconds) {
        c.prepare();
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long steps = 0;
        long now;
        double sink = 0;
        do {
            sink += c.step();
            steps++;
            now = System.nanoTime();
        } while (now - start < budget);
        if (!Double.isFinite(sink)) {
            throw new IllegalStateException(c.name() + ": the loss is no longer finite");
        }
        return (double) TrainingStepBenchmark.BATCH * steps * 1e9 / (now - start);
    }
}
