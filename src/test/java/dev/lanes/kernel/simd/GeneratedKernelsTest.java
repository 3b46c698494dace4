package dev.lanes.kernel.simd;

import dev.lanes.kernel.gemm.GemmKernels;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed kernel classes are exactly what {@link KernelGenerator} makes of the templates
 * and the registry, and each class has the width and tile its registry entry promises.
 */
class GeneratedKernelsTest {

    @Test
    void committedSourcesAreWhatTheGeneratorWrites() throws IOException {
        Map<Path, String> expected = KernelGenerator.generate(KernelGenerator.TEMPLATES);
        for (Map.Entry<Path, String> e : expected.entrySet()) {
            assertTrue(Files.exists(e.getKey()), e.getKey() + " is missing: run ci/gen-kernels");
            assertEquals(e.getValue(), Files.readString(e.getKey()), e.getKey() + " is stale: run ci/gen-kernels");
        }
        Path dir = KernelGenerator.OUTPUT.resolve(KernelRegistry.KERNEL_PACKAGE.replace('.', '/'));
        try (Stream<Path> files = Files.list(dir)) {
            Set<Path> extra = files.filter(p -> !expected.containsKey(p)).collect(Collectors.toSet());
            assertEquals(Set.of(), extra, "generated files no registry entry makes: run ci/gen-kernels");
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void eachClassHasItsRegisteredWidthAndTile(KernelRegistry width) {
        GemmKernels gemm = VectorKernels.gemmKernels(width);
        assertEquals(width.lanes(), gemm.lanes());
        assertEquals(width.mr(), gemm.mr());
        assertEquals(width.nr(), gemm.nr());
        assertEquals(width.edgeRows(), gemm.edgeRows());
        var dgemm = VectorKernels.doubleGemmKernels(width);
        assertEquals(width.lanes(KernelRegistry.ElementType.DOUBLE), dgemm.lanes());
        assertEquals(width.mr(), dgemm.mr());
        assertEquals(width.nr(KernelRegistry.ElementType.DOUBLE), dgemm.nr());
        assertEquals(width.edgeRows(), dgemm.edgeRows());
        assertEquals(width.bits() / Double.SIZE, dgemm.lanes());
        assertEquals(width.bits(), VectorElementwise.forBits(width.bits()).vectorBits());
        assertEquals(width.bits(), VectorGemv.forBits(width.bits()).vectorBits());
    }
}
