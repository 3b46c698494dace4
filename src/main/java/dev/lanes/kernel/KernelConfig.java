package dev.lanes.kernel;

import dev.lanes.kernel.spi.KernelRegistry;

import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * How to build a {@link Kernels} instance: the API twin of the system properties
 * {@code lanes.kernels}, {@code lanes.vectorBits} and {@code lanes.threads}.
 *
 * @param implementation which implementation to use
 * @param vectorBits     vector width in bits for the SIMD kernels (128, 256 or 512: the widths that
 *                       have kernels), or 0 for the JVM's preferred width; ignored by the reference
 *                       kernels
 * @param threads        the largest number of threads one call may use (≥ 1), or 0 for all
 *                       available processors; the reference kernels always use one
 * @param executor       the executor that runs the extra threads of a parallel call, or null for
 *                       the library's own daemon pool; the calling thread always does a share of
 *                       the work itself, so an executor with fewer threads still finishes
 */
public record KernelConfig(Implementation implementation, int vectorBits, int threads,
                           ExecutorService executor) {

    /** The implementations a configuration can ask for. */
    public enum Implementation {
        /** The scalar reference kernels. */
        REFERENCE,
        /** The Vector API kernels; fails if they cannot run in this JVM. */
        SIMD,
        /** SIMD when it can run well here, otherwise the reference with a warning. */
        BEST;

        /** Parses {@code reference}, {@code simd} or {@code best}, ignoring case. */
        public static Implementation parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "lanes.kernels: expected reference, simd or best but got '" + s + "'", e);
            }
        }
    }

    /** System property choosing the implementation. */
    public static final String PROPERTY_KERNELS = "lanes.kernels";
    /** System property forcing the SIMD vector width. */
    public static final String PROPERTY_VECTOR_BITS = "lanes.vectorBits";
    /** System property setting the thread count. */
    public static final String PROPERTY_THREADS = "lanes.threads";

    public KernelConfig {
        if (implementation == null) {
            throw new IllegalArgumentException("implementation must not be null");
        }
        if (vectorBits != 0 && !KernelRegistry.isRegistered(vectorBits)) {
            throw new IllegalArgumentException("vectorBits must be 0 (preferred), "
                    + KernelRegistry.describeWidths() + " but was " + vectorBits);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (all processors) or positive but was " + threads);
        }
    }

    /** BEST at the preferred width on all processors with the library's pool. */
    public static KernelConfig defaults() {
        return new KernelConfig(Implementation.BEST, 0, 0, null);
    }

    /** The configuration the system properties describe; unset properties take the defaults. */
    public static KernelConfig fromSystemProperties() {
        String impl = System.getProperty(PROPERTY_KERNELS, "best");
        return new KernelConfig(Implementation.parse(impl),
                intProperty(PROPERTY_VECTOR_BITS), intProperty(PROPERTY_THREADS), null);
    }

    /**
     * The width and thread count the system properties describe, for the given implementation;
     * {@code lanes.kernels} is not read. {@link Kernels#simd()} uses it, so it honours the same
     * {@code lanes.vectorBits} and {@code lanes.threads} as {@link Kernels#best()}.
     */
    public static KernelConfig fromSystemProperties(Implementation implementation) {
        return new KernelConfig(implementation, intProperty(PROPERTY_VECTOR_BITS), intProperty(PROPERTY_THREADS), null);
    }

    private static int intProperty(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected an integer but got '" + v + "'", e);
        }
    }

    /** This configuration with another implementation. */
    public KernelConfig withImplementation(Implementation i) {
        return new KernelConfig(i, vectorBits, threads, executor);
    }

    /** This configuration with another vector width (0 = preferred). */
    public KernelConfig withVectorBits(int bits) {
        return new KernelConfig(implementation, bits, threads, executor);
    }

    /** This configuration with another thread count (0 = all processors). */
    public KernelConfig withThreads(int n) {
        return new KernelConfig(implementation, vectorBits, n, executor);
    }

    /** This configuration with an executor supplied by the embedding program. */
    public KernelConfig withExecutor(ExecutorService e) {
        return new KernelConfig(implementation, vectorBits, threads, e);
    }

    /** The thread count with 0 resolved to the available processors. */
    public int resolvedThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
