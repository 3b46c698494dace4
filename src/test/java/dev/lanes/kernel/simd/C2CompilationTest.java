package dev.lanes.kernel.simd;

import dev.lanes.kernel.gemm.Gemm;
import dev.lanes.kernel.spi.KernelRegistry;
import dev.lanes.testsupport.HangGuard;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The hot GEMM methods must reach C2 (tier 4). The Vector API is intrinsified only by C2: a kernel
 * that stays in C1 code runs boxed, ~100× below its speed, for the life of the JVM (a 14×32 tile
 * once did). This used to be judged with a stopwatch against the scalar loops, which failed on a
 * busy machine; here nothing is timed. A child JVM runs {@link CompileProbe} with {@code -Xbatch},
 * so every compilation finishes before the call that asked for it goes on and whether a method got
 * to tier 4 depends only on how often it ran, never on how busy the machine is. It prints its
 * compilations; every hot method must show a tier-4 compilation and no Lanes method may be skipped
 * by either compiler ({@link C1CompilabilityTest} covers C1 under default, non-batch settings).
 */
class C2CompilationTest {

    /** A compile line: id, flags (%, s, !, b, n), tier, then the method. */
    private static final Pattern COMPILE = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*\\s([0-4])\\s+(\\S+::\\S+)");

    /**
     * A small kernel method (the 3-row edge tile of the 4-row tiles) may be inlined into its
     * C2-compiled caller instead, after which it is never called on its own and gets no tier-4
     * compile of its own; PrintInlining shows that case.
     */
    private static final String[] PRINT_INLINING = {"-XX:+UnlockDiagnosticVMOptions", "-XX:+PrintInlining"};

    @Test
    void hotKernelMethodsReachC2() throws Exception {
        // Enough calls for every path's methods to cross the tier-4 invocation and loop thresholds.
        String text = probe("300", PRINT_INLINING);
        List<String> skipped = CompileProbe.refusals(text);
        assertTrue(skipped.isEmpty(), () -> "the JIT refused Lanes methods:\n" + String.join("\n", skipped));
        List<String> missing = notAtTier4(text);
        missing.addAll(notAtTier4(text, hotMethods(KernelRegistry.ElementType.DOUBLE)));
        assertTrue(missing.isEmpty(), () -> "never compiled by C2 (tier 4), so left in slow code: " + missing
                + "\n" + text.lines().filter(l -> l.contains("dev.lanes.kernel")).reduce("", (a, b) -> a + b + "\n"));
    }

    /**
     * {@link dev.lanes.kernel.Warmup} alone — its fixed rounds on small operands, no real call —
     * gets every hot method of every element type (sgemm's, dgemm's) to C2, so a program that
     * starts it finds compiled kernels.
     */
    @Test
    void theWarmUpAloneGetsTheHotMethodsToC2() throws Exception {
        String text = probe("warmup", PRINT_INLINING);
        List<String> missing = new ArrayList<>();
        for (KernelRegistry.ElementType type : KernelRegistry.ElementType.values()) {
            missing.addAll(notAtTier4(text, hotMethods(type)));
        }
        assertTrue(missing.isEmpty(), () -> "the warm-up left these in slow code: " + missing);
    }

    /**
     * The check must be able to fail: with C2 switched off every hot method is reported. (Two calls
     * per path only: C1 code runs the Vector API boxed, far too slowly for the full probe.)
     */
    @Test
    void aJvmWithoutC2IsCaught() throws Exception {
        // With PrintInlining on, so C1's own inlining ("inline", not "inline (hot)") is not taken for C2's.
        String text = probe("2", "-XX:TieredStopAtLevel=3", PRINT_INLINING[0], PRINT_INLINING[1]);
        assertEquals(hotMethods(), notAtTier4(text));
    }

    private static String probe(String calls, String... extraFlags) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new AssertionError("cannot tell which java runs this test"));
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
                "-Xbatch", "-XX:+PrintCompilation"));
        command.addAll(List.of(extraFlags));
        // The same vector hardware as this JVM, if its flags narrow it (e.g. -XX:UseAVX=2).
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:UseAVX") || a.startsWith("-XX:MaxVectorSize")
                        || a.startsWith("-XX:UseSSE"))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CompileProbe.class.getName(),
                calls));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        HangGuard.Result r = HangGuard.run(pb, "the probe JVM");
        String text = r.output();
        assertEquals(0, r.exitCode(), () -> "the probe JVM failed:\n" + text);
        assertTrue(text.contains("probe done"), text);
        return text;
    }

    /** The packed micro-kernels, B packing, the dot-product and the row-sweep paths at the CPU's width. */
    private static List<String> hotMethods() {
        return hotMethods(KernelRegistry.ElementType.FLOAT);
    }

    /** {@link #hotMethods()} of the GEMM kernels of one element type (the probe runs dgemm too). */
    private static List<String> hotMethods(KernelRegistry.ElementType type) {
        KernelRegistry width = KernelRegistry.forBits(VectorKernels.preferredVectorBits());
        String gemm = KernelRegistry.KERNEL_PACKAGE + "." + width.gemmClass(type);
        List<String> hot = new ArrayList<>(List.of(
                gemm + "::tile",
                gemm + "::tileBeta",
                gemm + "::packB",
                gemm + "::dots",
                gemm + "::rowTimesMatrix"));
        // The edge tile only where Gemm uses it (enough accumulator chains).
        if (Gemm.usesEdgeTile(VectorKernels.gemmKernels(width))) {
            hot.add(gemm + "::tileEdge");
        }
        return hot;
    }

    private static List<String> notAtTier4(String log) {
        return notAtTier4(log, hotMethods());
    }

    private static List<String> notAtTier4(String log, List<String> methods) {
        List<String> missing = new ArrayList<>();
        for (String method : methods) {
            if (!reachedTier4(log, method)) {
                missing.add(method);
            }
        }
        return missing;
    }

    /**
     * Compiled by C2 on its own, or inlined by C2 into a caller ("inline (hot)" is C2's wording;
     * at a call site that has seen two kernel classes both are listed on one line).
     */
    private static boolean reachedTier4(String log, String method) {
        Pattern inlinedByC2 = Pattern.compile(Pattern.quote(method) + " \\(\\d+ bytes\\)\\s+inline \\(hot\\)");
        for (String line : log.lines().toList()) {
            Matcher m = COMPILE.matcher(line);
            if (m.find() && m.group(1).equals("4") && m.group(2).equals(method) && !line.contains("made not entrant")) {
                return true;
            }
            if (inlinedByC2.matcher(line).find()) {
                return true;
            }
        }
        return false;
    }
}
