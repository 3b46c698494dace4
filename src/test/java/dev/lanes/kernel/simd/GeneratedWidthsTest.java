package dev.lanes.kernel.simd;

import dev.lanes.kernel.gemm.GemmKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The 128- and 512-bit kernel classes must be what ci/gen-widths makes of the 256-bit ones. */
class GeneratedWidthsTest {

    private static final Path DIR = Path.of("src/main/java/dev/lanes/kernel/simd");

    @ParameterizedTest
    @CsvSource({"Elementwise,128", "Elementwise,512", "Gemm,128", "Gemm,512", "Gemv,128", "Gemv,512"})
    void generatedWidthIsUpToDate(String family, int bits) throws IOException {
        String master = Files.readString(DIR.resolve(family + "256.java"));
        String expected = "// Generated from " + family + "256.java by ci/gen-widths: edit that file, then rerun the script.\n"
                + master.replace(family + "256", family + bits).replace("SPECIES_256", "SPECIES_" + bits);
        String actual = Files.readString(DIR.resolve(family + bits + ".java"));
        assertEquals(expected, actual, family + bits + ".java is stale: run ci/gen-widths");
    }

    @ParameterizedTest
    @CsvSource({"128", "256", "512"})
    void eachClassHasItsWidth(int bits) {
        assertEquals(bits, VectorElementwise.forBits(bits).vectorBits());
        GemmKernels gemm = switch (bits) {
            case 128 -> new Gemm128();
            case 256 -> new Gemm256();
            default -> new Gemm512();
        };
        assertEquals(bits / Float.SIZE, gemm.lanes());
        assertEquals(2 * gemm.lanes(), gemm.nr());
    }
}
