package dev.lanes.kernel;

import java.util.Optional;

/**
 * Detects JVMs in which the Vector API would not be compiled to vector instructions: interpreter
 * only, or C2 switched off. There the Vector API is orders of magnitude slower than scalar loops.
 */
final class Jit {
    private Jit() {
    }

    static Optional<String> c2Missing() {
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) {
            return Optional.of("the JVM runs in interpreted mode (-Xint)");
        }
        String vm = System.getProperty("java.vm.name", "");
        if (!vm.contains("HotSpot") && !vm.contains("OpenJDK")) {
            return Optional.of("the JVM '" + vm + "' is not HotSpot; the Vector API needs HotSpot's C2");
        }
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            if (bean == null) {
                return Optional.empty();
            }
            if ("true".equals(bean.getVMOption("UseJVMCICompiler").getValue())) {
                return Optional.of("a JVMCI compiler replaces C2, and it does not intrinsify the Vector API");
            }
            boolean tiered = "true".equals(bean.getVMOption("TieredCompilation").getValue());
            int stopAt = Integer.parseInt(bean.getVMOption("TieredStopAtLevel").getValue());
            if (tiered && stopAt < 4) {
                return Optional.of("-XX:TieredStopAtLevel=" + stopAt + " keeps C2 from compiling");
            }
        } catch (IllegalArgumentException | LinkageError e) {
            // An option or the management module is missing: nothing tells us C2 is off.
        }
        return Optional.empty();
    }
}
