package dev.lanes.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The setup check of every benchmark: each peer, called the way the benchmark calls it, must
 * compute the product the shape describes, for all four transpose combinations. (The SIMD cases
 * need the Vector API flags and are exercised by ci/jmh-smoke.)
 */
class GemmCaseTest {

    private static final String[] SHAPES = {"37:29:41:N:N", "37:29:41:N:T", "37:29:41:T:N", "37:29:41:T:T",
        "5:10:3:N:T"};

    @ParameterizedTest
    @ValueSource(strings = {GemmCase.REFERENCE, GemmCase.EJML, GemmCase.OPENBLAS_1, GemmCase.OPENBLAS_ALL})
    void everyImplementationComputesTheDescribedProduct(String impl) {
        for (String shape : SHAPES) {
            try (GemmCase gemm = GemmCase.create(impl, Shape.parse(shape), 7)) {
                gemm.check();
            }
        }
    }

    @Test
    void theCheckCatchesAWrongProduct() {
        // A peer called with the wrong transpose flag: EJML multiplying A·B instead of A·Bᵀ,
        // which is well defined here because the shape is square.
        Shape shape = Shape.parse("16:16:16:N:T");
        GemmCase wrong = GemmCase.create(GemmCase.EJML, new Shape(16, 16, 16, false, false), 7);
        GemmCase described = new GemmCase(shape, 7) {
            @Override
            public Object run() {
                return wrong.run();
            }

            @Override
            protected float c(int i, int j) {
                return wrong.c(i, j);
            }

            @Override
            public String describe() {
                return "A·B checked as A·Bᵀ";
            }
        };
        assertThrows(IllegalStateException.class, described::check);
    }

    @Test
    void unknownImplementationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GemmCase.create("mkl", Shape.parse("2:2:2:N:N"), 1));
    }
}
