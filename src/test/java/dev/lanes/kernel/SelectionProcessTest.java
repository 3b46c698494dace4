package dev.lanes.kernel;

import dev.lanes.testsupport.HangGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Run-time selection as a user meets it: {@link Kernels#describe()}, and child JVMs (the same java
 * binary and class path as this test) started with and without
 * {@code --add-modules jdk.incubator.vector} and with the {@code lanes.*} system properties,
 * running {@link SelectionProbe}.
 */
class SelectionProcessTest {

    private static final String FLAG = "--add-modules jdk.incubator.vector";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void describeNamesImplementationWidthAndThreads(Kernels kernels) {
        String d = kernels.describe();
        assertTrue(d.startsWith(kernels.name()), d);
        assertTrue(d.contains(kernels.vectorBits() + "-bit"), () -> "no width in: " + d);
        assertTrue(d.contains(kernels.threads() + (kernels.threads() == 1 ? " thread" : " threads")),
                () -> "no thread count in: " + d);
        assertTrue(d.contains("chosen explicitly"), () -> "no reason in: " + d);
    }

    /** Without the flag: best() falls back with one warning naming it, and still computes. */
    @Test
    void withoutTheModuleFlagTheReferenceRunsAndSimdExplainsWhy() throws Exception {
        Output out = run(List.of(), "simd");
        assertEquals("reference", out.value("name"), out.text);
        assertTrue(out.value("describe").contains("fallback"), out.text);
        assertEquals("true", out.value("cached"), out.text);
        assertProductRight(out);
        List<String> warnings = out.lines("using the scalar reference kernels");
        assertEquals(1, warnings.size(), () -> "expected one warning:\n" + out.text);
        assertTrue(warnings.getFirst().contains(FLAG), () -> "the warning must name " + FLAG + ":\n" + out.text);
        // One log record for the choice: the warning, not a warning and an INFO line after it.
        assertEquals(List.of(), out.lines("Lanes kernels:"), () -> "a fallback logs only its warning:\n" + out.text);
        String simdError = out.value("simd-error");
        assertTrue(simdError != null && simdError.contains(FLAG),
                () -> "Kernels.simd() must throw IllegalStateException naming " + FLAG + ":\n" + out.text);
    }

    @Test
    void systemPropertiesAreHonoured() throws Exception {
        int preferred = KernelVariants.preferredBits();
        List<String> flag = List.of("--add-modules=jdk.incubator.vector");
        List<Output> outs = runAll(List.of(
                concat(flag, "-Dlanes.kernels=reference"),
                concat(flag, "-Dlanes.kernels=simd", "-Dlanes.vectorBits=128", "-Dlanes.threads=2"),
                concat(flag, "-Dlanes.vectorBits=256", "-Dlanes.threads=3"),
                concat(flag, "-Dlanes.kernels=fastest"),
                concat(flag, "-Dlanes.vectorBits=128")));

        Output reference = outs.get(0);
        assertEquals("reference", reference.value("name"), reference.text);
        assertEquals("1", reference.value("threads"), reference.text);
        assertProductRight(reference);
        assertTrue(reference.lines("WARNING: Lanes").isEmpty(), () -> "an explicit choice must not warn:\n" + reference.text);

        Output simd = outs.get(1);
        assertEquals("simd", simd.value("name"), simd.text);
        assertEquals("128", simd.value("bits"), simd.text);
        assertEquals("2", simd.value("threads"), simd.text);
        assertProductRight(simd);

        Output best = outs.get(2);
        if (preferred >= 256) {
            assertEquals("simd", best.value("name"), best.text);
            assertEquals("256", best.value("bits"), best.text);
            assertEquals("3", best.value("threads"), best.text);
            assertTrue(best.lines("WARNING: Lanes").isEmpty(), () -> "a supported choice must not warn:\n" + best.text);
            assertEquals(1, best.lines("Lanes kernels: simd").size(), () -> "one INFO line names the choice:\n" + best.text);
        } else {
            assertEquals("reference", best.value("name"), best.text);
        }
        assertProductRight(best);

        Output forcedNarrow = outs.get(4);
        assertEquals("simd", forcedNarrow.value("name"), () -> "a forced width is used even if narrow:\n" + forcedNarrow.text);
        assertEquals("128", forcedNarrow.value("bits"), forcedNarrow.text);
        assertTrue(forcedNarrow.lines("WARNING: Lanes").isEmpty(), () -> "a forced width must not warn:\n" + forcedNarrow.text);
        assertProductRight(forcedNarrow);

        Output bogus = outs.get(3);
        String error = bogus.value("best-error");
        assertTrue(error != null && error.startsWith("IllegalArgumentException") && error.contains("lanes.kernels")
                && error.contains("fastest"), () -> "an unknown implementation must be rejected by name:\n" + bogus.text);
    }

    /**
     * Kernels.simd() reads lanes.vectorBits and lanes.threads exactly as best() does (and ignores
     * lanes.kernels, since it always asks for SIMD).
     */
    @Test
    void simdAndBestReadTheSameWidthAndThreadProperties() throws Exception {
        Output out = run(List.of("--add-modules=jdk.incubator.vector", "-Dlanes.kernels=reference",
                "-Dlanes.vectorBits=128", "-Dlanes.threads=3"), "simd");
        assertEquals("reference", out.value("name"), out.text);
        assertEquals("128", out.value("simd-bits"), out.text);
        assertEquals("3", out.value("simd-threads"), out.text);
        Output best = run(List.of("--add-modules=jdk.incubator.vector", "-Dlanes.kernels=simd",
                "-Dlanes.vectorBits=128", "-Dlanes.threads=3"), "simd");
        assertEquals(best.value("threads"), best.value("simd-threads"), best.text);
        assertEquals(best.value("bits"), best.value("simd-bits"), best.text);
    }

    private static void assertProductRight(Output out) {
        float[] a = SelectionProbe.a();
        float[] b = SelectionProbe.b();
        float[] c = new float[SelectionProbe.M * SelectionProbe.N];
        for (int i = 0; i < SelectionProbe.M; i++) {
            for (int j = 0; j < SelectionProbe.N; j++) {
                for (int p = 0; p < SelectionProbe.K; p++) {
                    c[i * SelectionProbe.N + j] += a[i * SelectionProbe.K + p] * b[p * SelectionProbe.N + j];
                }
            }
        }
        assertEquals(Arrays.toString(c), out.value("sgemm"), out.text);
    }

    // ---------------------------------------------------------------- child JVMs

    private record Output(String text) {
        String value(String key) {
            for (String line : text.split("\\R")) {
                if (line.startsWith(key + "=")) {
                    return line.substring(key.length() + 1);
                }
            }
            return null;
        }

        List<String> lines(String containing) {
            return Arrays.stream(text.split("\\R")).filter(l -> l.contains(containing)).toList();
        }
    }

    private static Output run(List<String> jvmArgs, String... args) throws Exception {
        return finish(start(jvmArgs, args));
    }

    /** Starts every child before waiting for any, so their start-up overlaps. */
    private static List<Output> runAll(List<List<String>> jvmArgs) throws Exception {
        List<Process> processes = new ArrayList<>();
        for (List<String> a : jvmArgs) {
            processes.add(start(a));
        }
        List<Output> outs = new ArrayList<>();
        for (Process p : processes) {
            outs.add(finish(p));
        }
        return outs;
    }

    private static Process start(List<String> jvmArgs, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new AssertionError("cannot tell which java runs this test"));
        String classPath = System.getProperty("java.class.path");
        assertFalse(classPath == null || classPath.isBlank(), "no class path to hand to the child JVM");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xshare:auto");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(SelectionProbe.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // Options from the environment could add the module behind the test's back.
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        return pb.start();
    }

    private static Output finish(Process p) throws Exception {
        // Read to the end first (the child may write more than a pipe holds); the guard then only
        // catches a child that closed its output and still hangs.
        byte[] bytes = p.getInputStream().readAllBytes();
        int code = HangGuard.waitFor(p, "the child JVM");
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, code, () -> "the child JVM failed:\n" + text);
        return new Output(text);
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
