package dev.lanes.bench;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.Transpose;

import java.lang.management.ManagementFactory;

/** Lanes' own kernels, built explicitly through {@link Kernels#create(KernelConfig)}. */
final class LanesGemm extends GemmCase {

    private final Kernels kernels;
    private final Transpose transA;
    private final Transpose transB;
    private final float[] c;

    private LanesGemm(Shape shape, long seed, Kernels kernels) {
        super(shape, seed);
        this.kernels = kernels;
        this.transA = shape.transA() ? Transpose.TRANSPOSE : Transpose.NONE;
        this.transB = shape.transB() ? Transpose.TRANSPOSE : Transpose.NONE;
        this.c = new float[shape.m() * shape.n()];
    }

    static LanesGemm reference(Shape shape, long seed) {
        return new LanesGemm(shape, seed, Kernels.create(
                new KernelConfig(KernelConfig.Implementation.REFERENCE, 0, 1, null)));
    }

    /**
     * Asks for SIMD explicitly rather than BEST: if the fork lost the JVM flags, creation throws
     * and the benchmark fails instead of quietly timing the scalar fallback under a SIMD label.
     */
    static LanesGemm simd(Shape shape, long seed, int threads) {
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, threads, null));
        if (!"simd".equals(k.name()) || k.threads() != threads) {
            throw new IllegalStateException("asked for SIMD kernels on " + threads + " threads but got " + k.describe());
        }
        return new LanesGemm(shape, seed, k);
    }

    @Override
    public Object run() {
        kernels.sgemm(transA, transB, shape.m(), shape.n(), shape.k(),
                1f, a, 0, shape.aCols(), b, 0, shape.bCols(), 0f, c, 0, shape.n());
        return c;
    }

    @Override
    protected float c(int i, int j) {
        return c[i * shape.n() + j];
    }

    @Override
    public String describe() {
        return "Lanes " + kernels.describe() + "; JVM flags "
                + ManagementFactory.getRuntimeMXBean().getInputArguments();
    }
}
