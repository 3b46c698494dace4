package dev.lanes.bench;

import java.util.SplittableRandom;

/**
 * One implementation of single-precision GEMM set up on one {@link Shape}: inputs filled with
 * seeded uniform values in [-1, 1), output allocated, ready to be called repeatedly with
 * {@code C := op(A)·op(B)} (alpha = 1, beta = 0). Peers are separate subclasses so that a fork
 * benchmarking Lanes never loads OpenBLAS (and never starts its worker threads).
 */
public abstract class GemmCase implements AutoCloseable {

    /** The implementations the benchmarks know, by their parameter names. */
    public static final String REFERENCE = "reference";
    public static final String SIMD_1 = "simd1";
    public static final String SIMD_ALL = "simdAll";
    public static final String OPENBLAS_1 = "openblas1";
    public static final String OPENBLAS_ALL = "openblasAll";
    public static final String EJML = "ejml";

    protected final Shape shape;
    /** A as stored (aRows×aCols), B as stored (bRows×bCols); kept on the heap for the check. */
    protected final float[] a;
    protected final float[] b;

    protected GemmCase(Shape shape, long seed) {
        this.shape = shape;
        SplittableRandom random = new SplittableRandom(seed);
        this.a = fill(random, shape.aRows() * shape.aCols());
        this.b = fill(random, shape.bRows() * shape.bCols());
    }

    private static float[] fill(SplittableRandom random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (2 * random.nextDouble() - 1);
        }
        return x;
    }

    /** Builds the named implementation; see the constants for the names. */
    public static GemmCase create(String impl, Shape shape, long seed) {
        int all = Runtime.getRuntime().availableProcessors();
        return switch (impl) {
            case REFERENCE -> LanesGemm.reference(shape, seed);
            case SIMD_1 -> LanesGemm.simd(shape, seed, 1);
            case SIMD_ALL -> LanesGemm.simd(shape, seed, all);
            case OPENBLAS_1 -> new OpenBlasGemm(shape, seed, 1);
            case OPENBLAS_ALL -> new OpenBlasGemm(shape, seed, all);
            case EJML -> new EjmlGemm(shape, seed);
            default -> throw new IllegalArgumentException("unknown implementation '" + impl + "'; expected one of "
                    + String.join(", ", REFERENCE, SIMD_1, SIMD_ALL, OPENBLAS_1, OPENBLAS_ALL, EJML));
        };
    }

    /** Computes C once; returns the object holding C so the caller can hand it to JMH. */
    public abstract Object run();

    /** Element (i, j) of C as the last {@link #run()} left it. */
    protected abstract float c(int i, int j);

    /** One line naming what runs (implementation, threads, native core) for the fork's log. */
    public abstract String describe();

    @Override
    public void close() {
    }

    /**
     * Runs once and compares sampled elements of C with a double-precision dot product, so a
     * wrong transpose flag or leading dimension in a benchmark fails loudly instead of timing the
     * wrong problem. The tolerance is the classical bound for a float dot product of length k,
     * |error| ≤ k·u·Σ|aᵢbᵢ| with u = 2⁻²⁴, doubled.
     */
    public void check() {
        run();
        SplittableRandom random = new SplittableRandom(12345);
        int m = shape.m();
        int n = shape.n();
        for (int s = 0; s < 64; s++) {
            int i = s == 0 ? 0 : s == 1 ? m - 1 : random.nextInt(m);
            int j = s == 0 ? 0 : s == 1 ? n - 1 : random.nextInt(n);
            double exact = 0;
            double magnitude = 0;
            for (int p = 0; p < shape.k(); p++) {
                double prod = (double) opA(i, p) * opB(p, j);
                exact += prod;
                magnitude += Math.abs(prod);
            }
            double tolerance = 2 * shape.k() * 0x1p-24 * magnitude + Float.MIN_NORMAL;
            float got = c(i, j);
            if (!(Math.abs(got - exact) <= tolerance)) {
                throw new IllegalStateException(describe() + ": C(" + i + "," + j + ") = " + got
                        + " but the exact product is " + exact + " (tolerance " + tolerance
                        + ") for shape " + shape.label());
            }
        }
    }

    private float opA(int i, int p) {
        return shape.transA() ? a[p * shape.aCols() + i] : a[i * shape.aCols() + p];
    }

    private float opB(int p, int j) {
        return shape.transB() ? b[j * shape.bCols() + p] : b[p * shape.bCols() + j];
    }
}
