package dev.lanes.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSelectionTest {

    @Test
    void referenceIsScalarAndSingleThreaded() {
        Kernels k = Kernels.reference();
        assertEquals("reference", k.name());
        assertEquals(1, k.threads());
        assertTrue(k.describe().startsWith("reference"), k.describe());
    }

    @Test
    void simdHonoursForcedWidthAndThreads() {
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 128, 3, null));
        assertEquals("simd", k.name());
        assertEquals(128, k.vectorBits());
        assertEquals(3, k.threads());
        assertTrue(k.describe().contains("128-bit"), k.describe());
    }

    @Test
    void badConfigurationNamesTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KernelConfig(KernelConfig.Implementation.SIMD, 100, 1, null));
        assertTrue(e.getMessage().contains("vectorBits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelConfig.Implementation.parse("fast"));
        assertTrue(e.getMessage().contains("lanes.kernels"), e.getMessage());
    }
}
