package dev.lanes.cli;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lanes info}: what this machine and JVM give Lanes, and which kernels it chose. */
@Command(name = "info", mixinStandardHelpOptions = true,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILURE, ExitCodes.HELP_USAGE,
            ExitCodes.HELP_BAD_INPUT},
        description = "Show the Lanes and JDK versions, the kernel backend chosen and why, the vector "
                + "width and the number of cores.")
final class InfoCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Kernels best;
        try {
            best = Kernels.best();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CliException(ExitCodes.USAGE, "the kernel settings are invalid: " + e.getMessage(), e);
        } catch (ExceptionInInitializerError e) {
            // Kernels.best() reads -Dlanes.* once, in a class initializer.
            throw new CliException(ExitCodes.USAGE, "the kernel settings are invalid: "
                    + (e.getCause() == null ? e : e.getCause().getMessage()), e);
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("lanes", Main.version());
        facts.put("jdk", Runtime.version().toString());
        facts.put("vm", System.getProperty("java.vm.name") + " (" + System.getProperty("java.vm.vendor") + ")");
        facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        facts.put("cores", Runtime.getRuntime().availableProcessors());
        facts.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        facts.put("backend", best.name());
        facts.put("vectorBits", best.vectorBits());
        facts.put("floatLanes", best.vectorBits() / Float.SIZE);
        facts.put("threads", best.threads());
        facts.put("describe", best.describe());
        facts.put("vectorModule", ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? "readable" : "not loaded (start the JVM with --add-modules jdk.incubator.vector)");
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        facts.put("jvmOptions", jvmOptions);
        List<String> recommended = flags(Main.buildProperty("jvmFlags", "") + " " + Main.buildProperty("startupFlags", ""));
        facts.put("recommendedJvmOptions", recommended);
        List<String> missing = recommended.stream().filter(o -> !jvmOptions.contains(o)).toList();
        facts.put("missingJvmOptions", missing);
        String forced = System.getProperty(KernelConfig.PROPERTY_KERNELS);
        facts.put("forcedBy", forced == null ? "" : "-D" + KernelConfig.PROPERTY_KERNELS + "=" + forced);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.object(facts));
        } else {
            out.printf("Lanes %s%n", facts.get("lanes"));
            out.printf("JDK:           %s, %s%n", facts.get("jdk"), facts.get("vm"));
            out.printf("OS:            %s%n", facts.get("os"));
            out.printf("Cores:         %s available processors; max heap %s MiB%n",
                    facts.get("cores"), facts.get("maxHeapMiB"));
            out.printf("Backend:       %s%n", best.describe());
            out.printf("Vector width:  %d bits (%d float lanes)%n", best.vectorBits(), best.vectorBits() / Float.SIZE);
            out.printf("Vector API:    %s%n", facts.get("vectorModule"));
            out.printf("JVM options:   %s%n", jvmOptions.isEmpty() ? "(none)" : String.join(" ", jvmOptions));
            out.printf("Start-up:      %s%n", missing.isEmpty() ? "all of the recommended flags are in effect"
                    : "missing " + String.join(" ", missing) + " (README, \"Fast from the first call\")");
            out.printf("Choose with:   --kernels reference|simd|best, --threads N, or -D%s / -D%s / -D%s%n",
                    KernelConfig.PROPERTY_KERNELS, KernelConfig.PROPERTY_VECTOR_BITS, KernelConfig.PROPERTY_THREADS);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The words of a flag list as the build wrote it (flags hold no spaces of their own). */
    static List<String> flags(String list) {
        return Arrays.stream(list.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }
}
