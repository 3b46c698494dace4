package dev.lanes.cli;

import dev.lanes.io.Models;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.GradientCheck;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code lanes gradcheck}: batched analytic gradients against two double-precision references. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILURE, ExitCodes.HELP_USAGE,
            ExitCodes.HELP_BAD_INPUT},
        description = {"Build a random network and batch, then compare the batched float gradients "
                + "(the GEMM path training uses) with central finite differences of the cost and with "
                + "per-example backpropagation, both in double.",
            "Prints the worst relative error |g − r|/(|g| + |r|) per parameter tensor (elements below "
                + "1e-4 of the tensor's largest are float noise and skipped) and exits with 1 when one "
                + "exceeds --threshold."})
final class GradcheckCommand implements Callable<Integer> {

    @Option(names = "--layers", converter = Ranges.Positive.class, split = "[,-]", splitSynopsisLabel = ",",
            defaultValue = "6,8,5,3", paramLabel = "N",
            description = "Every layer's width, input first and output last, as for train "
                    + "(default: ${DEFAULT-VALUE}).")
    int[] layers;

    @Option(names = "--activation", defaultValue = "tanh", paramLabel = "NAME",
            converter = Choices.ActivationConverter.class, completionCandidates = Choices.Activations.class,
            description = "Activation of the hidden layers: ${COMPLETION-CANDIDATES} (default: tanh).")
    Activation activation;

    @Option(names = "--output-activation", paramLabel = "NAME",
            converter = Choices.ActivationConverter.class, completionCandidates = Choices.Activations.class,
            description = "Output activation: ${COMPLETION-CANDIDATES} (default: softmax with cross-entropy, sigmoid with mse).")
    Activation outputActivation;

    @Option(names = "--loss", defaultValue = "cross-entropy", paramLabel = "NAME",
            converter = Choices.LossConverter.class, completionCandidates = Choices.Losses.class,
            description = "Loss: ${COMPLETION-CANDIDATES} (default: cross-entropy).")
    Loss loss;

    @Option(names = "--batch", converter = Ranges.Positive.class, defaultValue = "5", description = "Examples in the batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights, biases and batch (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epsilon", defaultValue = "1e-5", paramLabel = "H",
            description = "Finite-difference step, in double (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--threshold", defaultValue = "1e-3",
            description = "Largest acceptable relative error (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Mixin
    KernelOptions kernelOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        Main.requireOneWidthList(cl, "--layers");
        if (batch < 1 || layers.length < 2 || java.util.Arrays.stream(layers).anyMatch(n -> n < 1)) {
            throw new CommandLine.ParameterException(cl, "--batch and every --layers width must be at least 1, "
                    + "and --layers needs an input and an output width");
        }
        if (!(epsilon > 0) || !(threshold > 0) || !Double.isFinite(epsilon) || !Double.isFinite(threshold)) {
            throw new CommandLine.ParameterException(cl, "--epsilon and --threshold must be positive and finite");
        }
        // The check keeps double copies of every parameter and gradient besides the float network.
        Budget.network(cl, "--layers", java.util.Arrays.toString(layers), layers, batch, 8);
        Loss l = loss;
        Activation hidden = activation;
        Activation out = outputActivation != null ? outputActivation
                : l == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.SIGMOID;
        int[] sizes = layers.clone();
        NetworkSpec netSpec;
        try {
            netSpec = NetworkSpec.of(sizes, hidden, out, l);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        Kernels kernels = kernelOptions.kernels(cl);
        Network net = Network.create(netSpec, seed, kernels);
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        // Non-zero biases, so the bias path is checked too.
        for (int i = 0; i < net.depth(); i++) {
            float[] b = net.biases(i);
            for (int j = 0; j < b.length; j++) {
                b[j] = (float) (0.3 * rnd.nextGaussian());
            }
            net.setBiases(i, b);
        }
        int m0 = sizes[0];
        int mL = sizes[sizes.length - 1];
        float[] x = new float[batch * m0];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] y = new float[batch * mL];
        for (int r = 0; r < batch; r++) {
            if (l == Loss.CROSS_ENTROPY) {
                y[r * mL + rnd.nextInt(mL)] = 1f;
            } else {
                for (int j = 0; j < mL; j++) {
                    y[r * mL + j] = rnd.nextFloat();
                }
            }
        }
        List<GradientCheck.TensorError> errors = GradientCheck.run(net, x, y, batch, epsilon);
        double worst = 0;
        for (GradientCheck.TensorError e : errors) {
            worst = Math.max(worst, e.worst());
        }
        boolean ok = worst <= threshold;
        PrintWriter o = cl.getOut();
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("network", netSpec.toString());
            j.put("batch", batch);
            j.put("kernels", kernels.describe());
            j.put("epsilon", epsilon);
            j.put("threshold", threshold);
            List<Object> ts = new ArrayList<>();
            for (GradientCheck.TensorError e : errors) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("tensor", e.name());
                t.put("rows", e.rows());
                t.put("cols", e.cols());
                t.put("vsFiniteDifferences", e.vsFiniteDifferences());
                t.put("vsPerExample", e.vsPerExample());
                t.put("maxAbsGradient", e.maxAbsGradient());
                ts.add(t);
            }
            j.put("tensors", ts);
            j.put("worst", worst);
            j.put("passed", ok);
            o.println(Json.object(j));
        } else {
            o.printf("gradcheck: %s, batch %d, h = %g, threshold %g%n", netSpec, batch, epsilon, threshold);
            o.printf("kernels: %s%n", kernels.describe());
            o.printf("%-6s %-9s %14s %14s %12s%n", "tensor", "shape", "vs finite-diff", "vs per-example", "max|grad|");
            for (GradientCheck.TensorError e : errors) {
                o.printf(Locale.ROOT, "%-6s %-9s %14.3e %14.3e %12.3e%s%n", e.name(), e.rows() + "×" + e.cols(),
                        e.vsFiniteDifferences(), e.vsPerExample(), e.maxAbsGradient(),
                        e.worst() > threshold ? "  ABOVE THRESHOLD" : "");
            }
            o.printf(Locale.ROOT, "%s: worst relative error %.3e %s threshold %.1e%n", ok ? "PASSED" : "FAILED",
                    worst, ok ? "≤" : ">", threshold);
        }
        o.flush();
        return ok ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
