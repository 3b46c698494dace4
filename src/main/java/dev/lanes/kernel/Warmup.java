package dev.lanes.kernel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * Gets the kernels compiled before the first real call needs them.
 *
 * <p>Until HotSpot's C2 has compiled a Vector API kernel, the kernel runs in the interpreter or
 * in C1 code with every vector boxed on the heap, tens to hundreds of times slower than the scalar
 * loops; C2 compiles a method only after it has run often enough. A program whose first call is
 * large (a forward pass over 10,000 rows, a 1024-row chunk of {@code lanes eval}) spends that
 * whole call in slow code. The warm-up runs every GEMM path (packed, with each operand
 * orientation and with β = 0 and 1; the dot-product path of a narrow output layer; the m = 1
 * sweep) of both {@code sgemm} and {@code dgemm}, whose micro-kernels are separate methods, and
 * every element-wise kernel on small operands, enough times for the JIT to compile them, so that
 * the real calls find compiled code; on a background thread it overlaps with the program's own
 * start-up (reading the model and the data).
 *
 * <p>The warm-up computes on its own small arrays and never touches the caller's: it cannot change
 * a result, only when the compiled code arrives. On the reference kernels it returns at once (the
 * scalar loops are compiled quickly enough by themselves).
 *
 * <p>Set {@code -Dlanes.warmup=true} to have {@link Kernels#best()}, {@link Kernels#simd()} and
 * {@link Kernels#create} start it in the background for every SIMD instance they build (once per
 * vector width and JVM). It is opt-in: the warm-up costs CPU time of its own (about 1–2 s of
 * interpreted and C1 vector code before C2 takes over, measured when it warmed sgemm alone;
 * warming dgemm as well added about 40% to its process CPU time), which pays off only when a core
 * is idle while the program starts; on a busy machine it measured slower (README, "Fast from the
 * first call").
 */
public final class Warmup {

    /** System property that starts a background warm-up for every SIMD instance built. */
    public static final String PROPERTY = "lanes.warmup";

    /**
     * Rounds over every path. With HotSpot's default thresholds the last kernel method (the m = 1
     * row sweep) reached C2 only near the end of 400 rounds in a {@code -Xbatch} JVM; 1,000 leave
     * a margin. Once compiled, a round takes well under a millisecond.
     */
    static final int ROUNDS = 1000;

    private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();

    private Warmup() {
    }

    /**
     * Starts the warm-up of these kernels on a new daemon thread named {@code lanes-warmup} and
     * returns at once. The future completes when the warm-up calls are done (the JIT may still be
     * installing the last compiled methods then), or exceptionally if a kernel threw.
     */
    public static CompletableFuture<Void> start(Kernels kernels) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                run(kernels);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "lanes-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.NORM_PRIORITY - 1);
        t.start();
        return done;
    }

    /** Runs the warm-up on the calling thread. */
    public static void run(Kernels kernels) {
        if (!"simd".equals(kernels.name())) {
            return;
        }
        Work w = new Work();
        for (int round = 0; round < ROUNDS; round++) {
            w.round(kernels, round);
        }
    }

    /** How many vector widths have had a background warm-up started by the property. */
    static int startedWidths() {
        return STARTED.size();
    }

    /** Starts a background warm-up once per vector width if {@code -Dlanes.warmup=true}. */
    static void startIfRequested(Kernels kernels) {
        if (Boolean.getBoolean(PROPERTY) && "simd".equals(kernels.name())
                && STARTED.add(kernels.vectorBits() + "-bit")) {
            start(kernels);
        }
    }

    /** The operands: small, but deeper than one micro-panel and wider than one tile. */
    private static final class Work {
        /** Full slivers and a short last one, which takes the edge tile: 12·3 + 7 or 4·10 + 3 rows. */
        static final int M = 43;
        static final int N = 64;
        static final int K = 96;
        static final int NARROW = 10;
        final float[] a = filled(M * K, 0.25f);
        final float[] b = filled(K * N, -0.5f);
        final float[] c = new float[M * N];
        final float[] v = filled(N, 0.125f);
        final float[] y = new float[M * N];
        final float[] grad = new float[M * N];
        // dgemm has micro-kernels of its own, on the same paths.
        final double[] da = widened(a);
        final double[] db = widened(b);
        final double[] dc = new double[M * N];

        void round(Kernels k, int round) {
            float beta = (round & 1) == 0 ? 0f : 1f;
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    int lda = ta == Transpose.NONE ? K : M;
                    int ldb = tb == Transpose.NONE ? N : K;
                    k.sgemm(ta, tb, M, N, K, 1f, a, 0, lda, b, 0, ldb, beta, c, 0, N);
                    k.dgemm(ta, tb, M, N, K, 1, da, 0, lda, db, 0, ldb, beta, dc, 0, N);
                    // The output layer of a classifier: the dot-product path.
                    int ldbNarrow = tb == Transpose.NONE ? NARROW : K;
                    k.sgemm(ta, tb, M, NARROW, K, 1f, a, 0, lda, b, 0, ldbNarrow, beta, c, 0, NARROW);
                    k.dgemm(ta, tb, M, NARROW, K, 1, da, 0, lda, db, 0, ldbNarrow, beta, dc, 0, NARROW);
                }
                // A batch of one: the row sweep (B stored k×n) and dot products (B stored n×k),
                // called once per call of the product, so more often here.
                int ldb = ta == Transpose.NONE ? N : K;
                for (int rep = 0; rep < 4; rep++) {
                    k.sgemm(Transpose.NONE, ta, 1, N, K, 1f, a, 0, K, b, 0, ldb, beta, c, 0, N);
                    k.dgemm(Transpose.NONE, ta, 1, N, K, 1, da, 0, K, db, 0, ldb, beta, dc, 0, N);
                }
            }
            // A dense layer in training: weights packed inside the product, bias and ReLU in its tiles.
            k.sgemmBias(Transpose.NONE, Transpose.TRANSPOSE, M, N, K, a, 0, K, b, 0, K, v, 0, (round & 1) == 0,
                    c, 0, N);
            // A predictor's dense layer: prepacked weights, bias and ReLU in the product's tiles.
            k.sgemmBias(Transpose.NONE, M, a, 0, K, k.packB(Transpose.TRANSPOSE, K, N, b, 0, K), v, 0,
                    (round & 1) == 0, c, 0, N);
            int n = M * N;
            k.addRowVector(M, N, v, 0, c, 0, N);
            // The preprocessing of a standardized model's inputs, v standing in for mean and deviation.
            k.standardize(M, N, c, 0, N, v, 0, v, 0, y, 0, N);
            k.columnSums(M, N, c, 0, N, v, 0);
            k.scale(N, 1e-3f, v, 0);
            k.axpy(n, -1e-3f, a, 0, c, 0);
            System.arraycopy(c, 0, y, 0, n);
            k.relu(n, y, 0);
            k.reluBackward(n, y, 0, grad, 0);
            k.sigmoid(n, y, 0);
            k.sigmoidBackward(n, y, 0, grad, 0);
            k.tanh(n, y, 0);
            k.tanhBackward(n, y, 0, grad, 0);
            System.arraycopy(c, 0, y, 0, n);
            k.scale(n, 1e-3f, y, 0);
            k.exp(n, y, 0);
            k.mseLoss(M, N, y, 0, c, 0, grad, 0);
            System.arraycopy(c, 0, y, 0, n);
            k.softmaxRows(M, N, y, 0, N);
            k.softmaxCrossEntropy(M, N, c, 0, y, 0, grad, 0);
            // Keep the values bounded over the rounds (beta = 1 accumulates into C).
            java.util.Arrays.fill(c, 0f);
            java.util.Arrays.fill(dc, 0);
        }

        private static double[] widened(float[] x) {
            double[] d = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                d[i] = x[i];
            }
            return d;
        }

        private static float[] filled(int n, float scale) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = scale * ((i * 37 % 101) / 101f - 0.5f);
            }
            return x;
        }
    }
}
