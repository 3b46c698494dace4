package dev.lanes.kernel;

import dev.lanes.testsupport.JitSettling;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The rules for hot code, enforced: kernel sources use no streams, boxing or reflection-heavy
 * collections, and once warmed up a kernel call allocates nothing on the calling thread.
 */
class HotPathRulesTest {

    /** The hand-written kernel sources and the generated per-width classes. */
    private static final List<Path> KERNEL_SOURCES = List.of(Path.of("src/main/java/dev/lanes/kernel"),
            Path.of("src/main/generated-java/dev/lanes/kernel"));
    // Files outside the hot path: configuration, selection and the JIT probe run once per JVM.
    private static final List<String> COLD_FILES = List.of(
            "KernelConfig.java", "KernelSelection.java", "Jit.java", "Kernels.java", "Transpose.java");
    private static final Pattern FORBIDDEN = Pattern.compile(
            "\\.stream\\(|\\bStream\\.|\\bIntStream\\b|\\bArrays\\.asList\\b|\\bList\\.of\\b"
                    + "|\\bInteger\\.valueOf\\b|\\bFloat\\.valueOf\\b|\\bDouble\\.valueOf\\b"
                    + "|<Integer>|<Float>(?!\\s*species)|<Double>|\\bString\\.format\\b");

    @Test
    void kernelSourcesUseNoStreamsOrBoxing() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        for (Path root : KERNEL_SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
            }
        }
        assertTrue(sources.size() > 20, "found only " + sources + " under " + KERNEL_SOURCES);
        for (Path f : sources) {
            if (COLD_FILES.contains(f.getFileName().toString())) {
                continue;
            }
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
                    continue;
                }
                // VectorSpecies<Float>, VectorMask<Float>, VectorShuffle<Float> and FloatVector
                // generics (and their Double twins in the double-precision kernels) are the Vector
                // API's own types.
                String code = line.replace("VectorSpecies<Float>", "").replace("VectorMask<Float>", "")
                        .replace("VectorShuffle<Float>", "").replace("Vector<Float>", "")
                        .replace("VectorSpecies<Double>", "").replace("VectorMask<Double>", "")
                        .replace("VectorShuffle<Double>", "").replace("Vector<Double>", "");
                if (FORBIDDEN.matcher(code).find()) {
                    violations.add(f + ":" + (i + 1) + ": " + line);
                }
            }
        }
        assertTrue(violations.isEmpty(), "hot-path rule violations:\n" + String.join("\n", violations));
    }

    @Test
    void warmedUpGemmAllocatesNothing() {
        assertEventuallyAllocationFree(Kernels.reference(), 64);
        if (KernelSelection.simdUnavailable(0, false).isEmpty()) {
            Kernels simd = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null));
            assertEventuallyAllocationFree(simd, 96);
        }
    }

    /**
     * Calls sgemm and a few element-wise kernels repeatedly until one round allocates zero bytes
     * on this thread (the JIT needs some rounds to scalarize vector temporaries); fails if no
     * round is allocation-free by the time the JIT has settled ({@link JitSettling}).
     */
    private static void assertEventuallyAllocationFree(Kernels k, int size) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        float[] a = new float[size * size];
        float[] b = new float[size * size];
        float[] c = new float[size * size];
        float[] v = new float[size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 0.25f - 0.5f;
            b[i] = (i % 5) * 0.5f - 1f;
        }
        long last = JitSettling.smallest(() -> {
            long before = threads.getThreadAllocatedBytes(me);
            k.sgemm(Transpose.NONE, Transpose.TRANSPOSE, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
            k.sgemm(Transpose.TRANSPOSE, Transpose.NONE, size, size, size, 0.5f, a, 0, size, b, 0, size, 1f, c, 0, size);
            // Another leading dimension for the transposed B, as the layers of a network alternate.
            k.sgemm(Transpose.NONE, Transpose.TRANSPOSE, size, size, size / 2, 1f, a, 0, size / 2, b, 0, size / 2,
                    0f, c, 0, size);
            // The skinny paths (a 10-wide output layer, a batch of one), with beta != 0 too.
            k.sgemm(Transpose.NONE, Transpose.TRANSPOSE, size, 10, size, 1f, a, 0, size, b, 0, size, 1f, c, 0, size);
            k.sgemm(Transpose.NONE, Transpose.NONE, 1, size, size, 1f, a, 0, size, b, 0, size, 1f, c, 0, size);
            k.sgemm(Transpose.TRANSPOSE, Transpose.NONE, 1, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
            // The matrix-vector product of a batch of one, both orientations.
            k.sgemv(Transpose.NONE, size, size - 3, 1f, a, 0, size, b, 0, 0f, v, 0);
            k.sgemv(Transpose.TRANSPOSE, size - 3, size, 1f, a, 0, size, b, 0, 1f, v, 0);
            k.addRowVector(size, size, v, 0, c, 0, size);
            k.sigmoid(size * size, c, 0);
            k.columnSums(size, size, c, 0, size, v, 0);
            k.sigmoidBackward(size * size, a, 0, c, 0);
            return threads.getThreadAllocatedBytes(me) - before;
        }, 0, 1000);
        if (last == 0) {
            return;
        }
        fail(k.describe() + ": every round still allocated memory after warm-up (fewest: " + last + " bytes)");
    }
}
