package dev.lanes.bench;

import java.util.Locale;

/**
 * A GEMM problem {@code C(m×n) = op(A)(m×k) · op(B)(k×n)} as written in the benchmarks' shape
 * parameter: {@code "M:N:K:TA:TB"} with TA and TB each {@code N} (stored as is) or {@code T}
 * (stored transposed, as in {@code cblas_sgemm}). All matrices are row-major and dense, so the
 * leading dimensions are the stored column counts. Colons, not commas, separate the fields because
 * JMH's {@code -p name=v1,v2} splits parameter values at commas.
 *
 * @param m      rows of op(A) and C
 * @param n      columns of op(B) and C
 * @param k      the inner dimension
 * @param transA whether A is stored k×m
 * @param transB whether B is stored n×k
 */
public record Shape(int m, int n, int k, boolean transA, boolean transB) {

    public Shape {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("shape sizes must be positive: m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    /** Parses {@code "M:N:K:TA:TB"}, e.g. {@code "256:512:784:N:T"}. */
    public static Shape parse(String s) {
        String[] f = s.split(":");
        if (f.length != 5) {
            throw new IllegalArgumentException("shape '" + s + "': expected M:N:K:TA:TB");
        }
        try {
            return new Shape(Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim()),
                    Integer.parseInt(f[2].trim()), flag(f[3], s), flag(f[4], s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shape '" + s + "': M, N and K must be integers", e);
        }
    }

    private static boolean flag(String f, String s) {
        return switch (f.trim().toUpperCase(Locale.ROOT)) {
            case "N" -> false;
            case "T" -> true;
            default -> throw new IllegalArgumentException(
                    "shape '" + s + "': TA and TB must be N or T but got '" + f.trim() + "'");
        };
    }

    /** Rows of A as stored. */
    public int aRows() {
        return transA ? k : m;
    }

    /** Columns of A as stored, which is also lda. */
    public int aCols() {
        return transA ? m : k;
    }

    /** Rows of B as stored. */
    public int bRows() {
        return transB ? n : k;
    }

    /** Columns of B as stored, which is also ldb. */
    public int bCols() {
        return transB ? k : n;
    }

    /** Floating-point operations of one multiply: one multiply and one add per inner step. */
    public double flops() {
        return 2.0 * m * n * k;
    }

    /** Human-readable form: {@code 512³}, or {@code M×K·K×N} with the transposed operand marked. */
    public String label() {
        if (m == n && n == k && !transA && !transB) {
            return m + "³";
        }
        return m + "×" + k + "·" + k + "×" + n + (transA ? " Aᵀ" : "") + (transB ? " Bᵀ" : "");
    }
}
