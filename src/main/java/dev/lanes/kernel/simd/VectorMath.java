package dev.lanes.kernel.simd;

/**
 * The constants and the numerical method of the vectorized single-precision {@code exp},
 * {@code sigmoid} and {@code tanh} used by the element-wise kernels (the generated
 * {@code Float128Elementwise}, {@code Float256Elementwise}, {@code Float512Elementwise} share them, so every vector width computes
 * bit-identical results, and masked tails compute exactly what full vectors do).
 *
 * <h2>exp</h2>
 * <ol>
 *   <li>Saturation first: {@code x > EXP_HI} (88.72283, the largest float whose exponential rounds
 *       to a finite float) gives +∞, {@code x < EXP_LO} (−103.97208, the smallest float whose
 *       exponential rounds to a non-zero float) gives +0, NaN gives NaN. Inside the range the
 *       argument is used as is; outside it is clamped before the arithmetic so no intermediate
 *       overflows, then the saturated value is blended in.</li>
 *   <li>Range reduction {@code x = k·ln2 + r}, {@code |r| ≤ ln2/2}: {@code k = round(x·log2 e)}
 *       by adding 1.5·2²³ (the sum's low mantissa bits are k itself, so no float-to-int
 *       conversion is needed), then {@code r = x − k·LN2_HI − k·LN2_LO} with two fused
 *       multiply-adds; LN2_HI is ln 2 rounded to float, so the first step is exact for every
 *       |k| ≤ 150 (Cody and Waite's split, with FMA instead of a short LN2_HI).</li>
 *   <li>{@code e^r ≈ 1 + r + r²·Q(r)}, Q of degree 4 fitted (Lawson's iteration, relative error)
 *       on [−0.35, 0.35]; its error with the float coefficients is below 5·10⁻⁹ (0.04 ulp).</li>
 *   <li>Scaling by 2^k as two factors 2^(k>>1) and 2^(k − k>>1) built from exponent bits: both
 *       are normal floats for k in [−150, 128], so results near the overflow threshold stay
 *       finite and results in the subnormal range are rounded once, in the last multiply.</li>
 * </ol>
 * Measured against {@link Math#exp} (double, rounded to float for the ulp count) over every float
 * whose exponential is a normal float (2,237,668,968 inputs, {@code AccuracySweep 1}): at most
 * <b>1 ulp</b> from the correctly rounded result, relative error at most <b>8.5·10⁻⁸</b>.
 * Subnormal results may differ from the correctly rounded one by one subnormal step (2⁻¹⁴⁹)
 * because {@code e^r} was rounded before the final scaling.
 *
 * <h2>sigmoid</h2>
 * {@code e = exp(−|x|)} then {@code 1/(1+e)} for x ≥ 0 and {@code e/(1+e)} for x &lt; 0: the
 * exponential never overflows, so huge |x| give exactly 1 or 0 and never NaN. Measured over every
 * float in [−87.34, 17.4] (where the result is normal and not yet rounded to 1): at most
 * <b>2 ulp</b>, relative error at most <b>1.8·10⁻⁷</b>.
 *
 * <h2>tanh</h2>
 * For {@code |x| < TANH_SMALL} (0.625) an odd polynomial {@code x + x³·P(x²)}, P of degree 4
 * fitted for relative error (below 9·10⁻⁹ with the float coefficients), so tiny and subnormal
 * inputs keep full relative accuracy; above, {@code (1 − e)/(1 + e)} with {@code e = exp(−2|x|)},
 * which tends to exactly 1 and cannot overflow. The sign is copied from x, so tanh(−0) = −0 and
 * tanh is exactly odd. Measured over every float in [0, 9.1] (beyond, tanh rounds to 1): at most
 * <b>2 ulp</b>, relative error at most <b>1.5·10⁻⁷</b>, also for subnormal inputs.
 *
 * <p>Measured worst errors are recorded in {@code native-notes/elementwise.md} with the command
 * that reproduces them.
 */
final class VectorMath {

    private VectorMath() {
    }

    /** Largest float x with exp(x) finite after rounding (bits 0x42B17217). */
    static final float EXP_HI = 88.72283f;
    /** Smallest float x with exp(x) non-zero after rounding (bits 0xC2CFF1B4). */
    static final float EXP_LO = -103.97208f;

    static final float LOG2E = 1.44269504088896341f;
    /** Adding it rounds a float of magnitude below 2²² to an integer kept in the low mantissa bits. */
    static final float ROUND_MAGIC = 12582912f; // 1.5 * 2^23
    static final int ROUND_MAGIC_BITS = 0x4B400000;
    /** ln 2 rounded to float, and the rest: ln 2 = LN2_HI + LN2_LO to about 2⁻⁵⁰. */
    static final float LN2_HI = 0.693147182f;
    static final float LN2_LO = -1.90465430e-9f;

    /** Q(r) = Σ EXP_Qi·rⁱ, with e^r ≈ 1 + r + r²·Q(r) on |r| ≤ ln2/2. */
    static final float EXP_Q0 = 0.49999994f;
    static final float EXP_Q1 = 0.16666515f;
    static final float EXP_Q2 = 0.041668456f;
    static final float EXP_Q3 = 0.008369419f;
    static final float EXP_Q4 = 0.0013813145f;

    /** Below this |x| tanh uses its polynomial. */
    static final float TANH_SMALL = 0.625f;
    /** P(t) = Σ TANH_Pi·tⁱ, with tanh(x) ≈ x + x³·P(x²) on |x| &lt; TANH_SMALL. */
    static final float TANH_P0 = -0.3333328f;
    static final float TANH_P1 = 0.13331442f;
    static final float TANH_P2 = -0.053739715f;
    static final float TANH_P3 = 0.020639086f;
    static final float TANH_P4 = -0.005704985f;

    static final int FLOAT_BIAS = 127;
    static final int FLOAT_MANTISSA_BITS = 23;
    static final int SIGN_BIT = 0x80000000;
}
