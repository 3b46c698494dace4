package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.gemm.DoubleGemm;
import dev.lanes.kernel.gemm.DoubleGemmKernels;
import dev.lanes.kernel.gemm.Gemm;
import dev.lanes.kernel.gemm.GemmKernels;
import dev.lanes.kernel.gemm.Parallel;
import dev.lanes.kernel.scalar.ScalarKernels;
import dev.lanes.kernel.spi.KernelRegistry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.ExecutorService;
import java.util.function.IntConsumer;

/**
 * The Vector API kernels. Like BLIS's reference-first configurations, this class starts from the
 * scalar reference and overrides only the kernels that vectorization speeds up. This package is
 * the only one that names {@code jdk.incubator.vector} types; it is loaded reflectively.
 */
public class VectorKernels extends ScalarKernels {

    private final VectorSpecies<Float> species;
    /** Everything about this instance's vector width. */
    private final KernelRegistry width;
    private final VectorElementwise elementwise;
    private final VectorGemv gemv;
    private final int threads;
    private final String reason;
    /** The packed GEMM driver around the micro-kernels of this instance's vector width. */
    private final Gemm gemm;
    private final DoubleGemm dgemm;
    /** Lane sums of {@link VectorGemv#rowDots}, one array per calling thread. */
    private final ThreadLocal<float[]> gemvScratch = ThreadLocal.withInitial(() -> new float[VectorGemv.SCRATCH_FLOATS]);
    private final ExecutorService executor;
    /** See {@link #packedFamily()}; made once. */
    private final String packedFamily;
    /** This instance on one thread (itself when threads is 1). */
    private final VectorKernels single;
    /** Each calling thread's reusable task body for splitting an optimizer update. */
    private final ThreadLocal<UpdateSplit> updateSplits = ThreadLocal.withInitial(UpdateSplit::new);
    /** Each calling thread's reusable task body for splitting a matrix-vector product by rows. */
    private final ThreadLocal<GemvSplit> gemvSplits = ThreadLocal.withInitial(GemvSplit::new);

    /**
     * Whether the GEMM of this width and type packs with its kernels' vector code: where the CPU
     * has native gathers and masked stores, or where the kernels' packing needs neither.
     */
    static boolean vectorPacking(KernelRegistry width, KernelRegistry.ElementType type, boolean nativeGathers) {
        return nativeGathers || !width.transposedB(type).needsNativeGathers();
    }

    /** The GEMM kernels a registry entry names; each class holds its species as a constant. */
    static GemmKernels gemmKernels(KernelRegistry width) {
        return instance(width.gemmClass(), GemmKernels.class);
    }

    /** The double-precision GEMM kernels a registry entry names. */
    static DoubleGemmKernels doubleGemmKernels(KernelRegistry width) {
        return instance(width.gemmClass(KernelRegistry.ElementType.DOUBLE), DoubleGemmKernels.class);
    }

    /**
     * A new instance of a generated kernel class of this package, by simple name. Reflection keeps
     * the registry free of Vector API types; it runs once per instance of this class, never per call.
     */
    static <T> T instance(String simpleName, Class<T> type) {
        try {
            var ctor = Class.forName(KernelRegistry.KERNEL_PACKAGE + "." + simpleName).asSubclass(type)
                    .getDeclaredConstructor();
            return ctor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the generated kernel class " + simpleName
                    + " is missing or broken; run ci/gen-kernels", e);
        }
    }

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
        this.width = KernelRegistry.forBits(species.vectorBitSize());
        this.elementwise = instance(width.elementwiseClass(), VectorElementwise.class);
        this.gemv = instance(width.gemvClass(), VectorGemv.class);
        this.threads = config.resolvedThreads();
        this.reason = reason;
        int preferred = preferredVectorBits();
        boolean nativeGathers = KernelRegistry.isRegistered(preferred)
                && KernelRegistry.forBits(preferred).nativeGathers();
        this.gemm = new Gemm(gemmKernels(width), width.blocking(), threads, config.executor(),
                vectorPacking(width, KernelRegistry.ElementType.FLOAT, nativeGathers));
        this.dgemm = new DoubleGemm(doubleGemmKernels(width), width.blocking(), threads, config.executor(),
                vectorPacking(width, KernelRegistry.ElementType.DOUBLE, nativeGathers));
        this.executor = config.executor();
        this.packedFamily = "simd" + species.vectorBitSize() + " " + gemm.packedFamily();
        this.single = threads == 1 ? this : new VectorKernels(config.withThreads(1), reason);
    }

    @Override
    public VectorKernels singleThreaded() {
        return single;
    }

    @Override
    public void forEachTask(int tasks, IntConsumer body) {
        checkSize("tasks", tasks);
        java.util.Objects.requireNonNull(body, "body");
        Parallel.run(tasks, threads, executor, body);
    }

    /** Packed Goto/BLIS GEMM with skinny-shape paths; see {@link Gemm}. */
    @Override
    protected void doSgemm(boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float[] a, int aOffset, int lda,
                           float[] b, int bOffset, int ldb,
                           float beta, float[] c, int cOffset, int ldc) {
        gemm.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /** The float driver's paths and threading on double kernels of the same width; see {@link DoubleGemm}. */
    @Override
    protected void doDgemm(boolean transA, boolean transB, int m, int n, int k,
                           double alpha, double[] a, int aOffset, int lda,
                           double[] b, int bOffset, int ldb,
                           double beta, double[] c, int cOffset, int ldc) {
        dgemm.dgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /** The layout of {@link Gemm#pack}: this width's tile and blocking, or rows for the dot-product path. */
    @Override
    protected String packedFamily() {
        return packedFamily;
    }

    @Override
    protected String packedLayout(int k, int n) {
        return gemm.packedLayout(k, n);
    }

    @Override
    protected long packedSize(int k, int n) {
        return gemm.packedSize(k, n);
    }

    @Override
    protected void doPackB(boolean transB, int k, int n, float[] b, int bOffset, int ldb, float[] dst) {
        gemm.pack(transB, k, n, b, bOffset, ldb, dst);
    }

    @Override
    protected void doRepackB(boolean transB, int k, int n, float[] b, int bOffset, int ldb, float[] dst, int part,
                             int parts) {
        gemm.pack(transB, k, n, b, bOffset, ldb, dst, part, parts);
    }

    /** The loop nest of {@link #doSgemm} with B's packing already done; see {@link Gemm#sgemm(boolean, int, int, int, float, float[], int, int, float[], float, float[], int, int)}. */
    @Override
    protected void doSgemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                                 float[] packed, float beta, float[] c, int cOffset, int ldc) {
        gemm.sgemm(transA, m, n, k, alpha, a, aOffset, lda, packed, beta, c, cOffset, ldc);
    }

    @Override
    protected void doSgemmBias(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, int lda,
                               float[] b, int bOffset, int ldb, float[] bias, int biasOffset, boolean relu,
                               float[] c, int cOffset, int ldc) {
        gemm.sgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, bias, biasOffset, relu, c, cOffset, ldc);
    }

    @Override
    protected void doSgemmBias(boolean transA, int m, int n, int k, float[] a, int aOffset, int lda,
                               float[] packed, float[] bias, int biasOffset, boolean relu,
                               float[] c, int cOffset, int ldc) {
        gemm.sgemm(transA, m, n, k, a, aOffset, lda, packed, bias, biasOffset, relu, c, cOffset, ldc);
    }

    /**
     * Unpacked matrix-vector product: dot products along the rows of A, or a sweep down its rows
     * for op(A) = Aᵀ; see {@link VectorGemv}. The dot products of a large A (at least
     * {@link #PARALLEL_GEMV} multiply-adds) are split by rows over the threads; each row's sum is
     * the same code in the same order whoever computes it, so the bits do not depend on the split.
     */
    @Override
    protected void doSgemv(boolean trans, int m, int n, float alpha, float[] a, int aOffset, int lda,
                           float[] x, int xOffset, float beta, float[] y, int yOffset) {
        VectorGemv g = gemv;
        if (trans) {
            g.columnSweep(m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
        } else if (threads > 1 && m >= 2 * GemvSplit.ROWS && (long) m * n >= PARALLEL_GEMV) {
            gemvSplits.get().run(this, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
        } else {
            g.rowDots(m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset, gemvScratch.get());
        }
    }

    /**
     * Where task {@code task} of {@code tasks} starts when {@code extent} elements are cut into
     * contiguous ranges of whole {@code unit}-element blocks, as evenly as the blocks allow (task
     * {@code tasks} gives the end, {@code extent}). The cut depends only on these numbers, never on
     * which thread takes a task.
     */
    private static int cut(int extent, int unit, int task, int tasks) {
        int blocks = (extent + unit - 1) / unit;
        return Math.min(extent, (int) ((long) blocks * task / tasks) * unit);
    }

    /**
     * Multiply-adds from which a matrix-vector product is split over threads. A batch of one is
     * bound by reading A (2.7 MB for the 784-512-512-10 network's layers) and a hand-off to a
     * spinning helper costs a microsecond or two; a 2¹⁶ product takes about 4 µs on one core.
     */
    static final long PARALLEL_GEMV = 1 << 16;

    /**
     * A matrix-vector product's rows cut into one contiguous range per task, whole multiples of
     * {@link #ROWS} (the rows the kernel takes together), made once per calling thread and reused
     * so a split call allocates nothing.
     */
    private static final class GemvSplit implements IntConsumer {
        static final int ROWS = 4;
        private VectorKernels owner;
        private int m;
        private int n;
        private int tasks;
        private float alpha;
        private float beta;
        private float[] a;
        private int aOffset;
        private int lda;
        private float[] x;
        private int xOffset;
        private float[] y;
        private int yOffset;

        void run(VectorKernels owner, int m, int n, float alpha, float[] a, int aOffset, int lda,
                 float[] x, int xOffset, float beta, float[] y, int yOffset) {
            this.owner = owner;
            this.m = m;
            this.n = n;
            this.tasks = Math.min(owner.threads, m / ROWS);
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.aOffset = aOffset;
            this.lda = lda;
            this.x = x;
            this.xOffset = xOffset;
            this.y = y;
            this.yOffset = yOffset;
            try {
                Parallel.run(tasks, owner.threads, owner.executor, this);
            } finally {
                this.a = null;
                this.x = null;
                this.y = null;
            }
        }

        @Override
        public void accept(int task) {
            int from = cut(m, ROWS, task, tasks);
            int to = cut(m, ROWS, task + 1, tasks);
            if (from < to) {
                owner.gemv.rowDots(to - from, n, alpha, a, aOffset + from * lda, lda, x, xOffset, beta, y,
                        yOffset + from, owner.gemvScratch.get());
            }
        }
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

    // ---------------------------------------------------------------- element-wise kernels
    // Each width has its own class with a constant species (see VectorElementwise).

    private VectorElementwise elementwise() {
        return elementwise;
    }

    @Override
    protected void doAddRowVector(int rows, int cols, float[] v, int vOffset, float[] x, int xOffset, int ldx) {
        elementwise().addRowVector(rows, cols, v, vOffset, x, xOffset, ldx);
    }

    @Override
    protected int doStandardize(int rows, int cols, float[] x, int xOffset, int ldx, float[] mean, int meanOffset,
                                float[] std, int stdOffset, float[] y, int yOffset, int ldy) {
        return elementwise().standardize(rows, cols, x, xOffset, ldx, mean, meanOffset, std, stdOffset,
                y, yOffset, ldy);
    }

    @Override
    protected void doColumnSums(int rows, int cols, float[] x, int xOffset, int ldx, float[] out, int outOffset) {
        elementwise().columnSums(rows, cols, x, xOffset, ldx, out, outOffset);
    }

    @Override
    protected void doAxpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        if (splits(n)) {
            UpdateSplit split = updateSplits.get();
            split.runAxpy(this, n, alpha, x, xOffset, y, yOffset);
            return;
        }
        elementwise().axpy(n, alpha, x, xOffset, y, yOffset);
    }

    @Override
    protected void doScale(int n, float alpha, float[] x, int xOffset) {
        elementwise().scale(n, alpha, x, xOffset);
    }

    @Override
    protected void doExp(int n, float[] x, int xOffset) {
        elementwise().exp(n, x, xOffset);
    }

    @Override
    protected void doSigmoid(int n, float[] x, int xOffset) {
        elementwise().sigmoid(n, x, xOffset);
    }

    @Override
    protected void doTanh(int n, float[] x, int xOffset) {
        elementwise().tanh(n, x, xOffset);
    }

    @Override
    protected void doRelu(int n, float[] x, int xOffset) {
        elementwise().relu(n, x, xOffset);
    }

    @Override
    protected void doSigmoidBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        elementwise().sigmoidBackward(n, activations, aOffset, d, dOffset);
    }

    @Override
    protected void doTanhBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        elementwise().tanhBackward(n, activations, aOffset, d, dOffset);
    }

    @Override
    protected void doReluBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        elementwise().reluBackward(n, activations, aOffset, d, dOffset);
    }

    @Override
    protected void doSoftmaxRows(int rows, int cols, float[] x, int xOffset, int ldx) {
        elementwise().softmaxRows(rows, cols, x, xOffset, ldx);
    }

    @Override
    protected double doMseLoss(int rows, int cols, float[] a, int aOffset, float[] y, int yOffset,
                               float[] grad, int gradOffset) {
        return elementwise().mseLoss(rows, cols, a, aOffset, y, yOffset, grad, gradOffset);
    }

    @Override
    protected double doSoftmaxCrossEntropy(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                           float[] grad, int gradOffset) {
        return elementwise().softmaxCrossEntropy(rows, cols, z, zOffset, y, yOffset, grad, gradOffset);
    }

    @Override
    protected void doSoftmaxCrossEntropyRows(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                             double[] loss, int lossOffset) {
        elementwise().softmaxCrossEntropyRows(rows, cols, z, zOffset, y, yOffset, loss, lossOffset);
    }

    @Override
    protected void doScaledDifference(int n, float scale, float[] a, int aOffset, float[] y, int yOffset,
                                      float[] out, int outOffset) {
        elementwise().scaledDifference(n, scale, a, aOffset, y, yOffset, out, outOffset);
    }

    @Override
    protected void doMultiply(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset) {
        elementwise().multiply(n, x, xOffset, y, yOffset, out, outOffset);
    }

    @Override
    protected void doSqrt(int n, float[] x, int xOffset) {
        elementwise().sqrt(n, x, xOffset);
    }

    @Override
    protected void doGelu(int n, float[] x, int xOffset) {
        elementwise().gelu(n, x, xOffset);
    }

    @Override
    protected void doGeluBackward(int n, float[] z, int zOffset, float[] d, int dOffset) {
        elementwise().geluBackward(n, z, zOffset, d, dOffset);
    }

    @Override
    protected void doSilu(int n, float[] x, int xOffset) {
        elementwise().silu(n, x, xOffset);
    }

    @Override
    protected void doSiluBackward(int n, float[] z, int zOffset, float[] d, int dOffset) {
        elementwise().siluBackward(n, z, zOffset, d, dOffset);
    }

    // sumOfSquares stays the reference's scalar sum in element order: it runs once per step over
    // the gradients (only with clipping), and a fixed order keeps it identical at every width.

    @Override
    protected void doMomentumUpdate(int n, float learningRate, float momentum, float weightDecay,
                                    float[] grad, float[] velocity, float[] params, int offset) {
        if (splits(n)) {
            updateSplits.get().run(this, UpdateSplit.MOMENTUM, n, learningRate, momentum, 0f, 0f, 0f, 0f,
                    weightDecay, grad, velocity, null, params, offset);
            return;
        }
        elementwise().momentumUpdate(n, learningRate, momentum, weightDecay, grad, velocity, params, offset);
    }

    @Override
    protected void doAdamUpdate(int n, float learningRate, float beta1, float beta2, float c1, float c2,
                                float epsilon, float weightDecay, float[] grad, float[] m, float[] v,
                                float[] params, int offset) {
        if (splits(n)) {
            updateSplits.get().run(this, UpdateSplit.ADAM, n, learningRate, beta1, beta2, c1, c2, epsilon,
                    weightDecay, grad, m, v, params, offset);
            return;
        }
        elementwise().adamUpdate(n, learningRate, beta1, beta2, c1, c2, epsilon, weightDecay, grad, m, v,
                params, offset);
    }

    // ---------------------------------------------------------------- optimizer updates on threads

    /**
     * Updates of at least this many parameters are split over the threads. An update is a
     * memory-bound pass (Adam reads four arrays and writes three), ~0.1–0.3 ns per parameter on
     * one core. Measured on the 2-vCPU machine inside a training step of 784-512-512-10 (670k
     * parameters): the SGD update took 250 µs split in two against 94 µs on one thread, because
     * the gradient halves just written by the other thread have to move between caches first; on
     * its own, split and unsplit were level. So only updates of 2²¹ (2M) parameters and more,
     * whose arrays no longer fit a core's caches anyway, are split.
     */
    static final int PARALLEL_UPDATE = 1 << 21;

    private boolean splits(int n) {
        return threads > 1 && n >= PARALLEL_UPDATE;
    }

    /**
     * One update split into element ranges, as a reusable task body (a capturing lambda would be an
     * allocation per call). The ranges are whole multiples of 64 elements and each element's
     * arithmetic is independent of its neighbours, so the result is the same for any split.
     */
    private static final class UpdateSplit implements IntConsumer {
        static final int AXPY = 0;
        static final int MOMENTUM = 1;
        static final int ADAM = 2;

        private VectorKernels owner;
        private int op;
        private int n;
        private int tasks;
        private float f0;
        private float f1;
        private float f2;
        private float f3;
        private float f4;
        private float f5;
        private float decay;
        private float[] grad;
        private float[] s1;
        private float[] s2;
        private float[] params;
        private int offset;
        /** AXPY only: the offset of x (the update's offsets are {@code offset}). */
        private int xOffset;

        void run(VectorKernels owner, int op, int n, float f0, float f1, float f2, float f3, float f4, float f5,
                 float decay, float[] grad, float[] s1, float[] s2, float[] params, int offset) {
            this.owner = owner;
            this.op = op;
            this.n = n;
            this.tasks = Math.min(owner.threads, n / (PARALLEL_UPDATE / 2));
            this.f0 = f0;
            this.f1 = f1;
            this.f2 = f2;
            this.f3 = f3;
            this.f4 = f4;
            this.f5 = f5;
            this.decay = decay;
            this.grad = grad;
            this.s1 = s1;
            this.s2 = s2;
            this.params = params;
            this.offset = offset;
            this.xOffset = offset;
            try {
                Parallel.run(tasks, owner.threads, owner.executor, this);
            } finally {
                this.grad = null;
                this.s1 = null;
                this.s2 = null;
                this.params = null;
            }
        }

        void runAxpy(VectorKernels owner, int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
            this.owner = owner;
            this.op = AXPY;
            this.n = n;
            this.tasks = Math.min(owner.threads, n / (PARALLEL_UPDATE / 2));
            this.f0 = alpha;
            this.grad = x;
            this.params = y;
            this.offset = yOffset;
            this.xOffset = xOffset;
            try {
                Parallel.run(tasks, owner.threads, owner.executor, this);
            } finally {
                this.grad = null;
                this.params = null;
            }
        }

        @Override
        public void accept(int task) {
            int from = cut(n, 64, task, tasks);
            int to = cut(n, 64, task + 1, tasks);
            if (from >= to) {
                return;
            }
            VectorElementwise e = owner.elementwise();
            switch (op) {
                case AXPY -> e.axpy(to - from, f0, grad, xOffset + from, params, offset + from);
                case MOMENTUM -> e.momentumUpdate(to - from, f0, f1, decay, grad, s1, params, offset + from);
                default -> e.adamUpdate(to - from, f0, f1, f2, f3, f4, f5, decay, grad, s1, s2, params, offset + from);
            }
        }
    }
}
