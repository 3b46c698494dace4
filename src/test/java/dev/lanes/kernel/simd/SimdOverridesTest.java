package dev.lanes.kernel.simd;

import dev.lanes.kernel.scalar.ScalarKernels;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VectorKernels} extends the scalar reference so that it inherits the argument checks and
 * the contract; the price is that a kernel added to {@link ScalarKernels} and forgotten in the
 * SIMD class would run the scalar loop silently, with every parity test green. Every method that
 * ScalarKernels declares (kernels, {@code name}, {@code describe}, ...) must therefore be declared
 * again by VectorKernels, unless it is listed below with the reason it is deliberately inherited.
 */
class SimdOverridesTest {

    /**
     * Methods VectorKernels inherits from the reference on purpose, with the reason.
     */
    static final Map<String, String> DELIBERATELY_SCALAR = Map.of(
            "toString[]", "returns describe(), which VectorKernels does override",
            "isFallback[]", "a property of the scalar instance (why it was chosen), not a kernel",
            "doSumOfSquares[int, float[], int]", "the global gradient norm for clipping, once per step: "
                    + "a scalar sum in element order gives the same bits at every width");

    @Test
    void everyScalarMethodHasAVectorVersion() {
        Set<String> missing = new TreeSet<>();
        for (Method m : ScalarKernels.class.getDeclaredMethods()) {
            int mod = m.getModifiers();
            if (Modifier.isStatic(mod) || Modifier.isPrivate(mod) || m.isSynthetic()
                    || DELIBERATELY_SCALAR.containsKey(signature(m))) {
                continue;
            }
            try {
                VectorKernels.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(signature(m));
            }
        }
        assertTrue(missing.isEmpty(), () -> "VectorKernels inherits these scalar methods; give each a vector "
                + "version or list it in DELIBERATELY_SCALAR with the reason: " + missing);
    }

    @Test
    void theAllowListNamesOnlyScalarMethodsThatAreReallyInherited() {
        List<String> stale = new ArrayList<>();
        for (String sig : DELIBERATELY_SCALAR.keySet()) {
            boolean declaredByScalar = Arrays.stream(ScalarKernels.class.getDeclaredMethods())
                    .anyMatch(m -> signature(m).equals(sig));
            boolean declaredByVector = Arrays.stream(VectorKernels.class.getDeclaredMethods())
                    .anyMatch(m -> signature(m).equals(sig));
            if (!declaredByScalar || declaredByVector) {
                stale.add(sig);
            }
        }
        assertTrue(stale.isEmpty(), () -> "stale DELIBERATELY_SCALAR entries: " + stale);
    }

    /** The check must be able to fail: a subclass that forgets one kernel is caught. */
    @Test
    void aForgottenKernelIsDetectable() {
        List<String> declared = Arrays.stream(VectorKernels.class.getDeclaredMethods())
                .map(Method::getName).toList();
        assertTrue(declared.contains("doSgemm") && declared.contains("doSoftmaxCrossEntropy"), declared::toString);
        // The same comparison against a subclass that overrides nothing reports every kernel.
        long scalarMethods = Arrays.stream(ScalarKernels.class.getDeclaredMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && !Modifier.isPrivate(m.getModifiers()))
                .filter(m -> {
                    try {
                        Forgetful.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                        return false;
                    } catch (NoSuchMethodException e) {
                        return true;
                    }
                }).count();
        assertTrue(scalarMethods >= 15, "a subclass declaring nothing should miss every kernel, missed " + scalarMethods);
    }

    private static final class Forgetful extends ScalarKernels {
        Forgetful() {
            super("test");
        }
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName).toList();
    }
}
