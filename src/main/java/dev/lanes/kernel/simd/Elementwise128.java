// Generated from Elementwise256.java by ci/gen-widths: edit that file, then rerun the script.
package dev.lanes.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static dev.lanes.kernel.simd.VectorMath.EXP_HI;
import static dev.lanes.kernel.simd.VectorMath.EXP_LO;
import static dev.lanes.kernel.simd.VectorMath.EXP_Q0;
import static dev.lanes.kernel.simd.VectorMath.EXP_Q1;
import static dev.lanes.kernel.simd.VectorMath.EXP_Q2;
import static dev.lanes.kernel.simd.VectorMath.EXP_Q3;
import static dev.lanes.kernel.simd.VectorMath.EXP_Q4;
import static dev.lanes.kernel.simd.VectorMath.FLOAT_BIAS;
import static dev.lanes.kernel.simd.VectorMath.FLOAT_MANTISSA_BITS;
import static dev.lanes.kernel.simd.VectorMath.LN2_HI;
import static dev.lanes.kernel.simd.VectorMath.LN2_LO;
import static dev.lanes.kernel.simd.VectorMath.LOG2E;
import static dev.lanes.kernel.simd.VectorMath.ROUND_MAGIC;
import static dev.lanes.kernel.simd.VectorMath.ROUND_MAGIC_BITS;
import static dev.lanes.kernel.simd.VectorMath.SIGN_BIT;
import static dev.lanes.kernel.simd.VectorMath.TANH_P0;
import static dev.lanes.kernel.simd.VectorMath.TANH_P1;
import static dev.lanes.kernel.simd.VectorMath.TANH_P2;
import static dev.lanes.kernel.simd.VectorMath.TANH_P3;
import static dev.lanes.kernel.simd.VectorMath.TANH_P4;
import static dev.lanes.kernel.simd.VectorMath.TANH_SMALL;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

/**
 * The element-wise kernels on vectors of one fixed width (see {@link VectorElementwise}; the
 * other widths are generated from this file). Loops run over whole vectors and finish with one
 * masked vector, so the tail computes exactly what a full vector would: results do not depend on
 * the position of an element, and because every lane does the same operations they are also
 * bit-identical across vector widths (except the row reductions of the softmax and the losses,
 * whose sums are added in a width-dependent order). No method here takes or returns a vector
 * (see the note on exp below), and masked tails are methods of their own, so the main loops stay
 * small enough for C2 to compile whole.
 *
 * <p>Accuracy (see {@link VectorMath} for the methods and sweeps): exp within 1 ulp of the
 * correctly rounded result, sigmoid and tanh within 2 ulp, over every float input with a normal
 * result. axpy and the tanh derivative use fused multiply-adds, so they round once where the
 * reference rounds twice. Column sums add in row order with the reference's association and are
 * identical to it. The MSE sums exact squares in double lanes; the cross-entropy sums
 * {@code y·(z − max)} in double lanes and takes the log of a float sum of exponentials (tested
 * within 10⁻⁶ relative of the double reference).
 */
final class Elementwise128 implements VectorElementwise {

    static final Elementwise128 INSTANCE = new Elementwise128();

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_128;
    private static final int L = F.length();

    private Elementwise128() {
    }

    @Override
    public int vectorBits() {
        return F.vectorBitSize();
    }

    // ---------------------------------------------------------------- math on one vector
    // exp (and sigmoid, tanh on top of it) is written out inside each loop that needs it rather
    // than called as a method taking a FloatVector: C2 may decline to inline such a method (node
    // count cutoff, "already compiled into a big method", stack use — all seen here, depending
    // on compilation order), and then every vector crossing the call is boxed, ~200 B and tens of
    // ns per vector. The method is VectorMath's; the copies are checked against each other by the
    // position tests (a value gives the same bits in a main loop and in a masked tail).

    // ---------------------------------------------------------------- matrix kernels

    @Override
    public void addRowVector(int rows, int cols, float[] v, int vOffset, float[] x, int xOffset, int ldx) {
        int bound = F.loopBound(cols);
        VectorMask<Float> tail = F.indexInRange(bound, cols);
        for (int i = 0; i < rows; i++) {
            int row = xOffset + i * ldx;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, x, row + j).add(FloatVector.fromArray(F, v, vOffset + j))
                        .intoArray(x, row + j);
            }
            if (j < cols) {
                FloatVector.fromArray(F, x, row + j, tail).add(FloatVector.fromArray(F, v, vOffset + j, tail))
                        .intoArray(x, row + j, tail);
            }
        }
    }

    @Override
    public void columnSums(int rows, int cols, float[] x, int xOffset, int ldx, float[] out, int outOffset) {
        // Vectorized across columns: each lane adds its own column in row order, as the reference
        // does, so the sums are identical to it. Four vectors per pass over the rows use each
        // cache line fully.
        int j = 0;
        for (; j + 4 * L <= cols; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = FloatVector.zero(F);
            FloatVector s2 = FloatVector.zero(F);
            FloatVector s3 = FloatVector.zero(F);
            for (int i = 0; i < rows; i++) {
                int p = xOffset + i * ldx + j;
                s0 = s0.add(FloatVector.fromArray(F, x, p));
                s1 = s1.add(FloatVector.fromArray(F, x, p + L));
                s2 = s2.add(FloatVector.fromArray(F, x, p + 2 * L));
                s3 = s3.add(FloatVector.fromArray(F, x, p + 3 * L));
            }
            s0.intoArray(out, outOffset + j);
            s1.intoArray(out, outOffset + j + L);
            s2.intoArray(out, outOffset + j + 2 * L);
            s3.intoArray(out, outOffset + j + 3 * L);
        }
        for (; j + L <= cols; j += L) {
            FloatVector s = FloatVector.zero(F);
            for (int i = 0; i < rows; i++) {
                s = s.add(FloatVector.fromArray(F, x, xOffset + i * ldx + j));
            }
            s.intoArray(out, outOffset + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector s = FloatVector.zero(F);
            for (int i = 0; i < rows; i++) {
                s = s.add(FloatVector.fromArray(F, x, xOffset + i * ldx + j, m));
            }
            s.intoArray(out, outOffset + j, m);
        }
    }

    // ---------------------------------------------------------------- vector kernels

    @Override
    public void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOffset + i).fma(va, FloatVector.fromArray(F, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, m).fma(va, FloatVector.fromArray(F, y, yOffset + i, m))
                    .intoArray(y, yOffset + i, m);
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOffset) {
        if (alpha == 0f) {
            // The contract: zeros without reading x, so NaN and infinities do not survive.
            Arrays.fill(x, xOffset, xOffset + n, 0f);
            return;
        }
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOffset + i).mul(alpha).intoArray(x, xOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, m).mul(alpha).intoArray(x, xOffset + i, m);
        }
    }

    @Override
    public void exp(int n, float[] x, int xOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            VectorMask<Float> over = v.compare(GT, EXP_HI);
            VectorMask<Float> under = v.compare(LT, EXP_LO);
            FloatVector clamped = v.blend(EXP_HI, over).blend(EXP_LO, under);
            FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
            FloatVector k = kMagic.sub(ROUND_MAGIC);
            FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
            r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
            FloatVector q = r.fma(EXP_Q4, EXP_Q3);
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
            FloatVector er = q.fma(r.mul(r), r).add(1f);
            IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
            FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                    .reinterpretAsFloats();
            FloatVector y = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
            y.intoArray(x, xOffset + i);
        }
        if (i < n) {
            expTail(x, xOffset + i, n - i);
        }
    }

    private static void expTail(float[] x, int offset, int count) {
        VectorMask<Float> m = F.indexInRange(0, count);
        FloatVector v = FloatVector.fromArray(F, x, offset, m);
        VectorMask<Float> over = v.compare(GT, EXP_HI);
        VectorMask<Float> under = v.compare(LT, EXP_LO);
        FloatVector clamped = v.blend(EXP_HI, over).blend(EXP_LO, under);
        FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
        FloatVector k = kMagic.sub(ROUND_MAGIC);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector q = r.fma(EXP_Q4, EXP_Q3);
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
        FloatVector er = q.fma(r.mul(r), r).add(1f);
        IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
        FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                .reinterpretAsFloats();
        FloatVector y = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
        y.intoArray(x, offset, m);
    }

    @Override
    public void sigmoid(int n, float[] x, int xOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            FloatVector a = v.abs().neg();
            VectorMask<Float> over = a.compare(GT, EXP_HI);
            VectorMask<Float> under = a.compare(LT, EXP_LO);
            FloatVector clamped = a.blend(EXP_HI, over).blend(EXP_LO, under);
            FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
            FloatVector k = kMagic.sub(ROUND_MAGIC);
            FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
            r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
            FloatVector q = r.fma(EXP_Q4, EXP_Q3);
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
            FloatVector er = q.fma(r.mul(r), r).add(1f);
            IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
            FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                    .reinterpretAsFloats();
            FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
            FloatVector y = e.blend(1f, v.compare(GE, 0f)).div(e.add(1f));
            y.intoArray(x, xOffset + i);
        }
        if (i < n) {
            sigmoidTail(x, xOffset + i, n - i);
        }
    }

    private static void sigmoidTail(float[] x, int offset, int count) {
        VectorMask<Float> m = F.indexInRange(0, count);
        FloatVector v = FloatVector.fromArray(F, x, offset, m);
        FloatVector a = v.abs().neg();
        VectorMask<Float> over = a.compare(GT, EXP_HI);
        VectorMask<Float> under = a.compare(LT, EXP_LO);
        FloatVector clamped = a.blend(EXP_HI, over).blend(EXP_LO, under);
        FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
        FloatVector k = kMagic.sub(ROUND_MAGIC);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector q = r.fma(EXP_Q4, EXP_Q3);
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
        FloatVector er = q.fma(r.mul(r), r).add(1f);
        IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
        FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                .reinterpretAsFloats();
        FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
        FloatVector y = e.blend(1f, v.compare(GE, 0f)).div(e.add(1f));
        y.intoArray(x, offset, m);
    }

    @Override
    public void tanh(int n, float[] x, int xOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            FloatVector ax = v.abs();
            FloatVector a = ax.mul(-2f);
            VectorMask<Float> over = a.compare(GT, EXP_HI);
            VectorMask<Float> under = a.compare(LT, EXP_LO);
            FloatVector clamped = a.blend(EXP_HI, over).blend(EXP_LO, under);
            FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
            FloatVector k = kMagic.sub(ROUND_MAGIC);
            FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
            r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
            FloatVector q = r.fma(EXP_Q4, EXP_Q3);
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
            FloatVector er = q.fma(r.mul(r), r).add(1f);
            IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
            FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                    .reinterpretAsFloats();
            FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
            FloatVector large = FloatVector.broadcast(F, 1f).sub(e).div(e.add(1f));
            FloatVector sq = ax.mul(ax);
            FloatVector poly = sq.fma(TANH_P4, TANH_P3);
            poly = poly.fma(sq, FloatVector.broadcast(F, TANH_P2));
            poly = poly.fma(sq, FloatVector.broadcast(F, TANH_P1));
            poly = poly.fma(sq, FloatVector.broadcast(F, TANH_P0));
            FloatVector magnitude = large.blend(ax.mul(sq).fma(poly, ax), ax.compare(LT, TANH_SMALL));
            FloatVector y = magnitude.reinterpretAsInts().or(v.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
            y.intoArray(x, xOffset + i);
        }
        if (i < n) {
            tanhTail(x, xOffset + i, n - i);
        }
    }

    private static void tanhTail(float[] x, int offset, int count) {
        VectorMask<Float> m = F.indexInRange(0, count);
        FloatVector v = FloatVector.fromArray(F, x, offset, m);
        FloatVector ax = v.abs();
        FloatVector a = ax.mul(-2f);
        VectorMask<Float> over = a.compare(GT, EXP_HI);
        VectorMask<Float> under = a.compare(LT, EXP_LO);
        FloatVector clamped = a.blend(EXP_HI, over).blend(EXP_LO, under);
        FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
        FloatVector k = kMagic.sub(ROUND_MAGIC);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector q = r.fma(EXP_Q4, EXP_Q3);
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
        FloatVector er = q.fma(r.mul(r), r).add(1f);
        IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
        FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                .reinterpretAsFloats();
        FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
        FloatVector large = FloatVector.broadcast(F, 1f).sub(e).div(e.add(1f));
        FloatVector sq = ax.mul(ax);
        FloatVector poly = sq.fma(TANH_P4, TANH_P3);
        poly = poly.fma(sq, FloatVector.broadcast(F, TANH_P2));
        poly = poly.fma(sq, FloatVector.broadcast(F, TANH_P1));
        poly = poly.fma(sq, FloatVector.broadcast(F, TANH_P0));
        FloatVector magnitude = large.blend(ax.mul(sq).fma(poly, ax), ax.compare(LT, TANH_SMALL));
        FloatVector y = magnitude.reinterpretAsInts().or(v.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
        y.intoArray(x, offset, m);
    }

    @Override
    public void relu(int n, float[] x, int xOffset) {
        // blend on x < 0 (not max(x, 0)) keeps -0 and NaN exactly as the reference does.
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            v.blend(0f, v.compare(LT, 0f)).intoArray(x, xOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i, m);
            v.blend(0f, v.compare(LT, 0f)).intoArray(x, xOffset + i, m);
        }
    }

    @Override
    public void sigmoidBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector a = FloatVector.fromArray(F, activations, aOffset + i);
            FloatVector.fromArray(F, d, dOffset + i).mul(a.mul(one.sub(a))).intoArray(d, dOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(F, activations, aOffset + i, m);
            FloatVector.fromArray(F, d, dOffset + i, m).mul(a.mul(one.sub(a))).intoArray(d, dOffset + i, m);
        }
    }

    @Override
    public void tanhBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        // 1 − a² in one rounding: for saturated units (a near ±1) the two-step form loses most bits.
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector a = FloatVector.fromArray(F, activations, aOffset + i);
            FloatVector.fromArray(F, d, dOffset + i).mul(a.neg().fma(a, one)).intoArray(d, dOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(F, activations, aOffset + i, m);
            FloatVector.fromArray(F, d, dOffset + i, m).mul(a.neg().fma(a, one)).intoArray(d, dOffset + i, m);
        }
    }

    @Override
    public void reluBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector a = FloatVector.fromArray(F, activations, aOffset + i);
            FloatVector.fromArray(F, d, dOffset + i).blend(0f, a.compare(GT, 0f).not()).intoArray(d, dOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector a = FloatVector.fromArray(F, activations, aOffset + i, m);
            FloatVector.fromArray(F, d, dOffset + i, m).blend(0f, a.compare(GT, 0f).not())
                    .intoArray(d, dOffset + i, m);
        }
    }

    // ---------------------------------------------------------------- softmax and losses

    /** The largest of the cols elements from row (NaN if any is NaN). */
    private static float rowMax(float[] x, int row, int cols) {
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
            mv = mv.max(FloatVector.fromArray(F, x, row + j));
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            mv = mv.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, row + j, m), m);
        }
        return mv.reduceLanes(VectorOperators.MAX);
    }

    /**
     * Replaces the row by exp(x − max) and returns the float sum of those exponentials, added in
     * column order by scalar code: reduceLanes sums lanes in an order that differs between the
     * interpreter, C1 and C2 (and between widths), so the same call could round differently
     * before and after the JIT compiles it.
     */
    private static float expShiftedRow(float[] x, int row, int cols, float max) {
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(F, x, row + j).sub(max);
            VectorMask<Float> over = v.compare(GT, EXP_HI);
            VectorMask<Float> under = v.compare(LT, EXP_LO);
            FloatVector clamped = v.blend(EXP_HI, over).blend(EXP_LO, under);
            FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
            FloatVector k = kMagic.sub(ROUND_MAGIC);
            FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
            r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
            FloatVector q = r.fma(EXP_Q4, EXP_Q3);
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
            FloatVector er = q.fma(r.mul(r), r).add(1f);
            IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
            FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                    .reinterpretAsFloats();
            FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
            e.intoArray(x, row + j);
        }
        if (j < cols) {
            expShiftedTail(x, row + j, cols - j, max);
        }
        float total = 0f;
        for (int c = 0; c < cols; c++) {
            total += x[row + c];
        }
        return total;
    }

    /** The masked tail of {@link #expShiftedRow}: a method of its own, like every tail here. */
    private static void expShiftedTail(float[] x, int offset, int count, float max) {
        VectorMask<Float> m = F.indexInRange(0, count);
        FloatVector v = FloatVector.fromArray(F, x, offset, m).sub(max);
        VectorMask<Float> over = v.compare(GT, EXP_HI);
        VectorMask<Float> under = v.compare(LT, EXP_LO);
        FloatVector clamped = v.blend(EXP_HI, over).blend(EXP_LO, under);
        FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
        FloatVector k = kMagic.sub(ROUND_MAGIC);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector q = r.fma(EXP_Q4, EXP_Q3);
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
        FloatVector er = q.fma(r.mul(r), r).add(1f);
        IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
        FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                .reinterpretAsFloats();
        FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
        e.intoArray(x, offset, m);
    }

    private static void divideRow(float[] x, int row, int cols, float divisor) {
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
            FloatVector.fromArray(F, x, row + j).div(divisor).intoArray(x, row + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector.fromArray(F, x, row + j, m).div(divisor).intoArray(x, row + j, m);
        }
    }

    @Override
    public void softmaxRows(int rows, int cols, float[] x, int xOffset, int ldx) {
        for (int i = 0; i < rows; i++) {
            int row = xOffset + i * ldx;
            float max = rowMax(x, row, cols);
            float sum = expShiftedRow(x, row, cols, max);
            divideRow(x, row, cols, sum);
        }
    }

    @Override
    public double mseLoss(int rows, int cols, float[] a, int aOffset, float[] y, int yOffset,
                          float[] grad, int gradOffset) {
        // The gradient is vectorized; the loss is summed by scalar code in element order, in
        // double, exactly as the reference does: a lane reduction's order is unspecified and
        // changes between JIT tiers, and the sum is a small part of the work.
        int n = rows * cols;
        if (grad != null) {
            float g = 2f / rows;
            int i = 0;
            for (int bound = F.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(F, a, aOffset + i).sub(FloatVector.fromArray(F, y, yOffset + i)).mul(g)
                        .intoArray(grad, gradOffset + i);
            }
            if (i < n) {
                VectorMask<Float> m = F.indexInRange(i, n);
                FloatVector.fromArray(F, a, aOffset + i, m).sub(FloatVector.fromArray(F, y, yOffset + i, m)).mul(g)
                        .intoArray(grad, gradOffset + i, m);
            }
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            float diff = a[aOffset + i] - y[yOffset + i];
            total += (double) diff * diff;
        }
        return total / rows;
    }

    @Override
    public double softmaxCrossEntropy(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                      float[] grad, int gradOffset) {
        // Row losses summed in row order, in double: the same value a batch split into row slices
        // gets by summing what softmaxCrossEntropyRows writes.
        double total = 0;
        for (int i = 0; i < rows; i++) {
            total += softmaxRowLoss(cols, z, zOffset + i * cols, y, yOffset + i * cols);
        }
        if (grad != null) {
            scaledDifference(rows * cols, 1f / rows, z, zOffset, y, yOffset, grad, gradOffset);
        }
        return total / rows;
    }

    @Override
    public void softmaxCrossEntropyRows(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                        double[] loss, int lossOffset) {
        for (int i = 0; i < rows; i++) {
            loss[lossOffset + i] = softmaxRowLoss(cols, z, zOffset + i * cols, y, yOffset + i * cols);
        }
    }

    /**
     * One row: −Σⱼ yⱼ·log pⱼ = log(Σ e^(z − max))·Σⱼ yⱼ − Σⱼ yⱼ·(zⱼ − max), and the row replaced by
     * its softmax. The two sums over j are scalar, in double and column order (deterministic
     * across JIT tiers and widths); terms with yⱼ = 0 are dropped so a −∞ logit cannot make 0·∞.
     */
    private static double softmaxRowLoss(int cols, float[] z, int row, float[] y, int yRow) {
        float max = rowMax(z, row, cols);
        double dot = 0;
        double ySum = 0;
        for (int j = 0; j < cols; j++) {
            float yj = y[yRow + j];
            if (yj != 0f) {
                dot += (double) yj * (z[row + j] - max);
                ySum += yj;
            }
        }
        float s = expShiftedRow(z, row, cols, max);
        divideRow(z, row, cols, s);
        return Math.log(s) * ySum - dot;
    }

    @Override
    public void scaledDifference(int n, float scale, float[] a, int aOffset, float[] y, int yOffset,
                                 float[] out, int outOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOffset + i).sub(FloatVector.fromArray(F, y, yOffset + i)).mul(scale)
                    .intoArray(out, outOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, a, aOffset + i, m).sub(FloatVector.fromArray(F, y, yOffset + i, m)).mul(scale)
                    .intoArray(out, outOffset + i, m);
        }
    }

    // ---------------------------------------------------------------- GELU and SiLU
    // Both are x·σ(t): t = x for SiLU, t = 2u = 2√(2/π)·x·(1 + 0.044715·x²) for GELU (since
    // (1 + tanh u)/2 = σ(2u)). σ is the sigmoid loop's, on the same inline exp; the derivative is
    // s + x·s·(1 − s)·t'. One loop serves both; the flag is loop-invariant.

    private static final float GELU_K0 = (float) (2 * Math.sqrt(2 / Math.PI));
    private static final float GELU_K1 = (float) (2 * Math.sqrt(2 / Math.PI) * 0.044715);
    private static final float GELU_K1_3 = (float) (3 * 2 * Math.sqrt(2 / Math.PI) * 0.044715);
    // The low halves of K0 and K1: t is carried as a float pair (t + tl) because exp(−|t|) turns an
    // absolute error of t into the same relative error of the result, and |t| reaches ~88 in the
    // far negative tail where gelu(x) is still a normal float (156 ulp with t rounded to one float).
    private static final float GELU_K0_LO = (float) (2 * Math.sqrt(2 / Math.PI) - GELU_K0);
    private static final float GELU_K1_LO = (float) (2 * Math.sqrt(2 / Math.PI) * 0.044715 - GELU_K1);

    @Override
    public void gelu(int n, float[] x, int xOffset) {
        gated(true, n, x, xOffset);
    }

    @Override
    public void silu(int n, float[] x, int xOffset) {
        gated(false, n, x, xOffset);
    }

    @Override
    public void geluBackward(int n, float[] z, int zOffset, float[] d, int dOffset) {
        gatedBackward(true, n, z, zOffset, d, dOffset);
    }

    @Override
    public void siluBackward(int n, float[] z, int zOffset, float[] d, int dOffset) {
        gatedBackward(false, n, z, zOffset, d, dOffset);
    }

    private static void gated(boolean gelu, int n, float[] x, int xOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            FloatVector x2 = v.mul(v);
            FloatVector t = v;
            FloatVector tl = FloatVector.zero(F);
            if (gelu) {
                FloatVector x2l = v.fma(v, x2.neg());
                FloatVector mh = x2.mul(GELU_K1);
                FloatVector ml = x2.fma(FloatVector.broadcast(F, GELU_K1), mh.neg());
                FloatVector ph = mh.add(GELU_K0);
                FloatVector bb = ph.sub(mh);
                FloatVector pl = mh.sub(ph.sub(bb)).add(FloatVector.broadcast(F, GELU_K0).sub(bb))
                        .add(ml).add(x2l.fma(FloatVector.broadcast(F, GELU_K1), x2.fma(GELU_K1_LO, GELU_K0_LO)));
                t = v.mul(ph);
                tl = v.fma(pl, v.fma(ph, t.neg()));
            }
            FloatVector a = t.abs().neg();
            FloatVector al = tl.blend(tl.neg(), t.compare(GE, 0f));
            VectorMask<Float> over = a.compare(GT, EXP_HI);
            VectorMask<Float> under = a.compare(LT, EXP_LO);
            FloatVector clamped = a.blend(EXP_HI, over).blend(EXP_LO, under);
            FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
            FloatVector k = kMagic.sub(ROUND_MAGIC);
            FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
            r = k.fma(FloatVector.broadcast(F, -LN2_LO), r).add(al);
            FloatVector q = r.fma(EXP_Q4, EXP_Q3);
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
            FloatVector er = q.fma(r.mul(r), r).add(1f);
            IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
            FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                    .reinterpretAsFloats();
            FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
            FloatVector s = e.blend(1f, t.compare(GE, 0f)).div(e.add(1f));
            FloatVector y = v.mul(s);
            y.intoArray(x, xOffset + i);
        }
        if (i < n) {
            gatedTail(gelu, x, xOffset + i, n - i);
        }
    }

    private static void gatedTail(boolean gelu, float[] x, int offset, int count) {
        VectorMask<Float> m = F.indexInRange(0, count);
        FloatVector v = FloatVector.fromArray(F, x, offset, m);
        FloatVector x2 = v.mul(v);
        FloatVector t = v;
        FloatVector tl = FloatVector.zero(F);
        if (gelu) {
            FloatVector x2l = v.fma(v, x2.neg());
            FloatVector mh = x2.mul(GELU_K1);
            FloatVector ml = x2.fma(FloatVector.broadcast(F, GELU_K1), mh.neg());
            FloatVector ph = mh.add(GELU_K0);
            FloatVector bb = ph.sub(mh);
            FloatVector pl = mh.sub(ph.sub(bb)).add(FloatVector.broadcast(F, GELU_K0).sub(bb))
                    .add(ml).add(x2l.fma(FloatVector.broadcast(F, GELU_K1), x2.fma(GELU_K1_LO, GELU_K0_LO)));
            t = v.mul(ph);
            tl = v.fma(pl, v.fma(ph, t.neg()));
        }
        FloatVector a = t.abs().neg();
        FloatVector al = tl.blend(tl.neg(), t.compare(GE, 0f));
        VectorMask<Float> over = a.compare(GT, EXP_HI);
        VectorMask<Float> under = a.compare(LT, EXP_LO);
        FloatVector clamped = a.blend(EXP_HI, over).blend(EXP_LO, under);
        FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
        FloatVector k = kMagic.sub(ROUND_MAGIC);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r).add(al);
        FloatVector q = r.fma(EXP_Q4, EXP_Q3);
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
        FloatVector er = q.fma(r.mul(r), r).add(1f);
        IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
        FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                .reinterpretAsFloats();
        FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
        FloatVector s = e.blend(1f, t.compare(GE, 0f)).div(e.add(1f));
        FloatVector y = v.mul(s);
        y.intoArray(x, offset, m);
    }

    private static void gatedBackward(boolean gelu, int n, float[] z, int zOffset, float[] d, int dOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, z, zOffset + i);
            FloatVector x2 = v.mul(v);
            FloatVector t = v;
            FloatVector tl = FloatVector.zero(F);
            if (gelu) {
                FloatVector x2l = v.fma(v, x2.neg());
                FloatVector mh = x2.mul(GELU_K1);
                FloatVector ml = x2.fma(FloatVector.broadcast(F, GELU_K1), mh.neg());
                FloatVector ph = mh.add(GELU_K0);
                FloatVector bb = ph.sub(mh);
                FloatVector pl = mh.sub(ph.sub(bb)).add(FloatVector.broadcast(F, GELU_K0).sub(bb))
                        .add(ml).add(x2l.fma(FloatVector.broadcast(F, GELU_K1), x2.fma(GELU_K1_LO, GELU_K0_LO)));
                t = v.mul(ph);
                tl = v.fma(pl, v.fma(ph, t.neg()));
            }
            FloatVector a = t.abs().neg();
            FloatVector al = tl.blend(tl.neg(), t.compare(GE, 0f));
            VectorMask<Float> over = a.compare(GT, EXP_HI);
            VectorMask<Float> under = a.compare(LT, EXP_LO);
            FloatVector clamped = a.blend(EXP_HI, over).blend(EXP_LO, under);
            FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
            FloatVector k = kMagic.sub(ROUND_MAGIC);
            FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
            r = k.fma(FloatVector.broadcast(F, -LN2_LO), r).add(al);
            FloatVector q = r.fma(EXP_Q4, EXP_Q3);
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
            q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
            FloatVector er = q.fma(r.mul(r), r).add(1f);
            IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
            FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                    .reinterpretAsFloats();
            FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
            FloatVector s = e.blend(1f, t.compare(GE, 0f)).div(e.add(1f));
            FloatVector dt = gelu ? x2.fma(GELU_K1_3, GELU_K0) : FloatVector.broadcast(F, 1f);
            FloatVector g = v.mul(s.mul(FloatVector.broadcast(F, 1f).sub(s))).mul(dt).add(s);
            FloatVector.fromArray(F, d, dOffset + i).mul(g).intoArray(d, dOffset + i);
        }
        if (i < n) {
            gatedBackwardTail(gelu, z, zOffset + i, d, dOffset + i, n - i);
        }
    }

    private static void gatedBackwardTail(boolean gelu, float[] z, int zOffset, float[] d, int dOffset, int count) {
        VectorMask<Float> m = F.indexInRange(0, count);
        FloatVector v = FloatVector.fromArray(F, z, zOffset, m);
        FloatVector x2 = v.mul(v);
        FloatVector t = v;
        FloatVector tl = FloatVector.zero(F);
        if (gelu) {
            FloatVector x2l = v.fma(v, x2.neg());
            FloatVector mh = x2.mul(GELU_K1);
            FloatVector ml = x2.fma(FloatVector.broadcast(F, GELU_K1), mh.neg());
            FloatVector ph = mh.add(GELU_K0);
            FloatVector bb = ph.sub(mh);
            FloatVector pl = mh.sub(ph.sub(bb)).add(FloatVector.broadcast(F, GELU_K0).sub(bb))
                    .add(ml).add(x2l.fma(FloatVector.broadcast(F, GELU_K1), x2.fma(GELU_K1_LO, GELU_K0_LO)));
            t = v.mul(ph);
            tl = v.fma(pl, v.fma(ph, t.neg()));
        }
        FloatVector a = t.abs().neg();
        FloatVector al = tl.blend(tl.neg(), t.compare(GE, 0f));
        VectorMask<Float> over = a.compare(GT, EXP_HI);
        VectorMask<Float> under = a.compare(LT, EXP_LO);
        FloatVector clamped = a.blend(EXP_HI, over).blend(EXP_LO, under);
        FloatVector kMagic = clamped.fma(LOG2E, ROUND_MAGIC);
        FloatVector k = kMagic.sub(ROUND_MAGIC);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r).add(al);
        FloatVector q = r.fma(EXP_Q4, EXP_Q3);
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q2));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q1));
        q = q.fma(r, FloatVector.broadcast(F, EXP_Q0));
        FloatVector er = q.fma(r.mul(r), r).add(1f);
        IntVector ki = kMagic.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = k1.add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS).reinterpretAsFloats();
        FloatVector s2 = ki.sub(k1).add(FLOAT_BIAS).lanewise(VectorOperators.LSHL, FLOAT_MANTISSA_BITS)
                .reinterpretAsFloats();
        FloatVector e = er.mul(s1).mul(s2).blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
        FloatVector s = e.blend(1f, t.compare(GE, 0f)).div(e.add(1f));
        FloatVector dt = gelu ? x2.fma(GELU_K1_3, GELU_K0) : FloatVector.broadcast(F, 1f);
        FloatVector g = v.mul(s.mul(FloatVector.broadcast(F, 1f).sub(s))).mul(dt).add(s);
        FloatVector.fromArray(F, d, dOffset, m).mul(g).intoArray(d, dOffset, m);
    }

    // ---------------------------------------------------------------- products and optimizers

    @Override
    public void multiply(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOffset + i).mul(FloatVector.fromArray(F, y, yOffset + i))
                    .intoArray(out, outOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, m).mul(FloatVector.fromArray(F, y, yOffset + i, m))
                    .intoArray(out, outOffset + i, m);
        }
    }

    @Override
    public void sqrt(int n, float[] x, int xOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOffset + i).sqrt().intoArray(x, xOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, m).sqrt().intoArray(x, xOffset + i, m);
        }
    }

    @Override
    public void momentumUpdate(int n, float learningRate, float momentum, float weightDecay,
                               float[] grad, float[] velocity, float[] params, int offset) {
        // v·μ + g' rounds twice, as scale then axpy(1, g) did; θ + v·(−η) is fused, as axpy is.
        FloatVector step = FloatVector.broadcast(F, -learningRate);
        int end = offset + n;
        int i = offset;
        for (int bound = offset + F.loopBound(n); i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(F, grad, i);
            FloatVector theta = FloatVector.fromArray(F, params, i);
            if (weightDecay != 0f) {
                g = g.add(theta.mul(weightDecay));
            }
            FloatVector v = FloatVector.fromArray(F, velocity, i).mul(momentum).add(g);
            v.intoArray(velocity, i);
            v.fma(step, theta).intoArray(params, i);
        }
        if (i < end) {
            VectorMask<Float> m = F.indexInRange(i, end);
            FloatVector g = FloatVector.fromArray(F, grad, i, m);
            FloatVector theta = FloatVector.fromArray(F, params, i, m);
            if (weightDecay != 0f) {
                g = g.add(theta.mul(weightDecay));
            }
            FloatVector v = FloatVector.fromArray(F, velocity, i, m).mul(momentum).add(g);
            v.intoArray(velocity, i, m);
            v.fma(step, theta).intoArray(params, i, m);
        }
    }

    @Override
    public void adamUpdate(int n, float learningRate, float beta1, float beta2, float c1, float c2, float epsilon,
                           float weightDecay, float[] grad, float[] m, float[] v, float[] params, int offset) {
        // Operation for operation the reference loop, without fused multiply-adds, so the bits
        // match it at every width.
        float a1 = 1f - beta1;
        float a2 = 1f - beta2;
        float decay = learningRate * weightDecay;
        int end = offset + n;
        int i = offset;
        for (int bound = offset + F.loopBound(n); i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(F, grad, i);
            FloatVector mi = FloatVector.fromArray(F, m, i).mul(beta1).add(g.mul(a1));
            FloatVector vi = FloatVector.fromArray(F, v, i).mul(beta2).add(g.mul(a2).mul(g));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector theta = FloatVector.fromArray(F, params, i);
            if (weightDecay != 0f) {
                theta = theta.sub(theta.mul(decay));
            }
            FloatVector upd = mi.mul(c1).mul(learningRate).div(vi.mul(c2).sqrt().add(epsilon));
            theta.sub(upd).intoArray(params, i);
        }
        if (i < end) {
            VectorMask<Float> mask = F.indexInRange(i, end);
            FloatVector g = FloatVector.fromArray(F, grad, i, mask);
            FloatVector mi = FloatVector.fromArray(F, m, i, mask).mul(beta1).add(g.mul(a1));
            FloatVector vi = FloatVector.fromArray(F, v, i, mask).mul(beta2).add(g.mul(a2).mul(g));
            mi.intoArray(m, i, mask);
            vi.intoArray(v, i, mask);
            FloatVector theta = FloatVector.fromArray(F, params, i, mask);
            if (weightDecay != 0f) {
                theta = theta.sub(theta.mul(decay));
            }
            FloatVector upd = mi.mul(c1).mul(learningRate).div(vi.mul(c2).sqrt().add(epsilon));
            theta.sub(upd).intoArray(params, i, mask);
        }
    }
}
