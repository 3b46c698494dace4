package dev.lanes.kernel.simd;

import dev.lanes.kernel.spi.KernelRegistry;
import dev.lanes.testsupport.HangGuard;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kernel method must be compilable by C1. When C1 refuses a method ("out of virtual
 * registers", as it did for a 14×32 tile and for a register transpose written out in full),
 * tiered compilation can leave it in slow code for the life of the JVM: the Vector API is only
 * fast once C2 has compiled it. A child JVM runs {@link CompileProbe} with
 * {@code -XX:+PrintCompilation}; no Lanes method may appear as COMPILE SKIPPED. (With the
 * full-length transpose this test failed: "Gemm512Tall::packA … COMPILE SKIPPED: out of virtual
 * registers in LIR generator".)
 */
class C1CompilabilityTest {

    @Test
    void noKernelMethodIsRefusedByC1() throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new AssertionError("cannot tell which java runs this test"));
        // Default tiered compilation, as users run: C1 refused the full-length register transpose
        // there but compiled it under -Xbatch or -XX:TieredStopAtLevel=3, where classes are
        // loaded and methods inlined in a different order.
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
                "-XX:+PrintCompilation"));
        // The same vector hardware as this JVM, if its flags narrow it (e.g. -XX:UseAVX=2).
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:UseAVX") || a.startsWith("-XX:MaxVectorSize")
                        || a.startsWith("-XX:UseSSE"))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CompileProbe.class.getName(), "40"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        HangGuard.Result r = HangGuard.run(pb, "the probe JVM");
        String text = r.output();
        assertEquals(0, r.exitCode(), () -> "the probe JVM failed:\n" + text);
        assertTrue(text.contains("probe done"), text);
        int bits = VectorKernels.preferredVectorBits();
        String microKernel = KernelRegistry.KERNEL_PACKAGE + "." + KernelRegistry.forBits(bits).gemmClass() + "::tile";
        assertTrue(text.contains(microKernel),
                () -> "the probe did not get the micro-kernel compiled; the check proves nothing:\n" + text);
        List<String> skipped = CompileProbe.refusals(text);
        assertTrue(skipped.isEmpty(), () -> "C1 refused Lanes methods:\n" + String.join("\n", skipped));
    }
}
