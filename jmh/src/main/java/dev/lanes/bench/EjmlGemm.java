package dev.lanes.bench;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/** The pure-Java peer: EJML's single-threaded dense row-major float operations. */
final class EjmlGemm extends GemmCase {

    private final FMatrixRMaj ma;
    private final FMatrixRMaj mb;
    private final FMatrixRMaj mc;

    EjmlGemm(Shape shape, long seed) {
        super(shape, seed);
        // wrap() shares the arrays, so EJML multiplies exactly the data the check reads.
        ma = FMatrixRMaj.wrap(shape.aRows(), shape.aCols(), a);
        mb = FMatrixRMaj.wrap(shape.bRows(), shape.bCols(), b);
        mc = new FMatrixRMaj(shape.m(), shape.n());
    }

    @Override
    public Object run() {
        if (shape.transA() && shape.transB()) {
            CommonOps_FDRM.multTransAB(ma, mb, mc);
        } else if (shape.transA()) {
            CommonOps_FDRM.multTransA(ma, mb, mc);
        } else if (shape.transB()) {
            CommonOps_FDRM.multTransB(ma, mb, mc);
        } else {
            CommonOps_FDRM.mult(ma, mb, mc);
        }
        return mc;
    }

    @Override
    protected float c(int i, int j) {
        return mc.get(i, j);
    }

    @Override
    public String describe() {
        return "EJML CommonOps_FDRM, 1 thread";
    }
}
