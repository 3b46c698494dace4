package dev.lanes.kernel;

import dev.lanes.kernel.KernelConfig.Implementation;
import org.junit.jupiter.api.Named;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every {@link Kernels} configuration the conformance suites run against, so one suite covers the
 * reference, the SIMD kernels single- and multi-threaded, and every narrower vector width the CPU
 * supports. Parameterized tests use {@code @MethodSource("dev.lanes.kernel.KernelVariants#all")}.
 *
 * <p>SIMD configurations are built with {@link Kernels#create}, which throws when the Vector API
 * is not readable: the suite fails loudly rather than quietly testing only the reference (surefire
 * always runs with the incubator module). Forced widths wider than the CPU's preferred width
 * cannot exist on this machine and are left out.
 */
final class KernelVariants {

    private KernelVariants() {
    }

    /** The SIMD kernels at {@code vectorBits} (0 = preferred) with {@code threads} threads. */
    static Kernels simd(int vectorBits, int threads) {
        return Kernels.create(new KernelConfig(Implementation.SIMD, vectorBits, threads, null));
    }

    /** The preferred SIMD width of this JVM, in bits. */
    static int preferredBits() {
        return simd(0, 1).vectorBits();
    }

    /** All implementations, each named for the test report. */
    static Stream<Named<Kernels>> all() {
        List<Named<Kernels>> list = new ArrayList<>();
        list.add(Named.of("reference", Kernels.reference()));
        int preferred = preferredBits();
        list.add(Named.of("simd-" + preferred + "-t1", simd(0, 1)));
        list.add(Named.of("simd-" + preferred + "-t2", simd(0, 2)));
        list.add(Named.of("simd-" + preferred + "-t3", simd(0, 3)));
        for (int bits : new int[] {256, 128}) {
            if (bits < preferred) {
                list.add(Named.of("simd-" + bits + "-t1", simd(bits, 1)));
            }
        }
        return list.stream();
    }

    /** The SIMD configurations only (for properties the reference has trivially). */
    static Stream<Named<Kernels>> simdOnly() {
        return all().filter(k -> k.getPayload().name().equals("simd"));
    }
}
