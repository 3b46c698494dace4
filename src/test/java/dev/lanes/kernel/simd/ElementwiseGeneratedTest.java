package dev.lanes.kernel.simd;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Elementwise128 and Elementwise512 must be what ci/gen-elementwise makes of Elementwise256. */
class ElementwiseGeneratedTest {

    private static final Path DIR = Path.of("src/main/java/dev/lanes/kernel/simd");

    @ParameterizedTest
    @ValueSource(ints = {128, 512})
    void generatedWidthIsUpToDate(int bits) throws IOException {
        String master = Files.readString(DIR.resolve("Elementwise256.java"));
        String expected = "// Generated from Elementwise256.java by ci/gen-elementwise: edit that file, then rerun the script.\n"
                + master.replace("Elementwise256", "Elementwise" + bits).replace("SPECIES_256", "SPECIES_" + bits);
        String actual = Files.readString(DIR.resolve("Elementwise" + bits + ".java"));
        assertEquals(expected, actual, "Elementwise" + bits + ".java is stale: run ci/gen-elementwise");
        assertEquals(bits, VectorElementwise.forBits(bits).vectorBits());
    }
}
