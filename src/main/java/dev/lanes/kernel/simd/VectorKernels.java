package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.scalar.ScalarKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels. Like BLIS's reference-first configurations, this class starts from the
 * scalar reference and overrides only the kernels that vectorization speeds up. This package is
 * the only one that names {@code jdk.incubator.vector} types; it is loaded reflectively.
 */
public class VectorKernels extends ScalarKernels {

    private final VectorSpecies<Float> species;
    private final int threads;
    private final String reason;

    /** The widest vector the JVM prefers on this CPU, in bits. */
    public static int preferredVectorBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /**
     * @param config vector width (0 = preferred) and thread count (0 = all processors)
     * @param reason why this implementation was chosen, for {@link #describe()}
     */
    public VectorKernels(KernelConfig config, String reason) {
        super(reason);
        this.species = config.vectorBits() == 0
                ? FloatVector.SPECIES_PREFERRED
                : VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(config.vectorBits()));
        this.threads = config.resolvedThreads();
        this.reason = reason;
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int vectorBits() {
        return species.vectorBitSize();
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public String describe() {
        return "simd (Vector API, " + species.vectorBitSize() + "-bit, " + species.length()
                + " float lanes), " + threads + (threads == 1 ? " thread" : " threads") + "; " + reason;
    }
}
