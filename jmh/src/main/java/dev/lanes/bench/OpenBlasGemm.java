package dev.lanes.bench;

import org.bytedeco.javacpp.FloatPointer;

import static org.bytedeco.openblas.global.openblas_full.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_full.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_full.CblasTrans;
import static org.bytedeco.openblas.global.openblas_full.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_full.openblas_get_config;
import static org.bytedeco.openblas.global.openblas_full.openblas_get_corename;
import static org.bytedeco.openblas.global.openblas_full.openblas_get_num_threads;
import static org.bytedeco.openblas.global.openblas_full.openblas_set_num_threads;

/**
 * The native peer: OpenBLAS's {@code cblas_sgemm} through JavaCPP. The operands live off-heap,
 * allocated once here: passing {@code float[]} through JNI copies the arrays on every call and
 * makes OpenBLAS look about 1.5× slower than it is. The {@code openblas_full} binding is used
 * because it is the one that exposes {@code openblas_set_num_threads} and the core name.
 */
final class OpenBlasGemm extends GemmCase {

    private final int threads;
    private final FloatPointer pa;
    private final FloatPointer pb;
    private final FloatPointer pc;

    OpenBlasGemm(Shape shape, long seed, int threads) {
        super(shape, seed);
        this.threads = threads;
        openblas_set_num_threads(threads);
        int actual = openblas_get_num_threads();
        if (actual != threads) {
            throw new IllegalStateException("openblas_set_num_threads(" + threads + ") left "
                    + actual + " threads");
        }
        pa = new FloatPointer(a.length).put(a);
        pb = new FloatPointer(b.length).put(b);
        pc = new FloatPointer((long) shape.m() * shape.n());
    }

    @Override
    public Object run() {
        // The thread count is global to the library: when one JVM holds cases with different
        // counts (Interleaved), the case constructed last would otherwise set it for all.
        if (openblas_get_num_threads() != threads) {
            openblas_set_num_threads(threads);
        }
        cblas_sgemm(CblasRowMajor, shape.transA() ? CblasTrans : CblasNoTrans,
                shape.transB() ? CblasTrans : CblasNoTrans, shape.m(), shape.n(), shape.k(),
                1f, pa, shape.aCols(), pb, shape.bCols(), 0f, pc, shape.n());
        return pc;
    }

    @Override
    protected float c(int i, int j) {
        return pc.get((long) i * shape.n() + j);
    }

    @Override
    public String describe() {
        return "OpenBLAS " + openblas_get_config().getString() + ", core "
                + openblas_get_corename().getString() + ", " + openblas_get_num_threads()
                + " threads (asked for " + threads + ")";
    }

    @Override
    public void close() {
        pa.close();
        pb.close();
        pc.close();
    }
}
