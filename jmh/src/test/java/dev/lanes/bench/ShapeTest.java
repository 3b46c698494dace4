package dev.lanes.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShapeTest {

    @Test
    void forwardProductStoresBTransposed() {
        Shape s = Shape.parse("256:512:784:N:T");
        assertEquals(new Shape(256, 512, 784, false, true), s);
        assertEquals(256, s.aRows());
        assertEquals(784, s.aCols());
        assertEquals(512, s.bRows());
        assertEquals(784, s.bCols());
        assertEquals(2.0 * 256 * 512 * 784, s.flops());
        assertEquals("256×784·784×512 Bᵀ", s.label());
    }

    @Test
    void weightGradientStoresATransposed() {
        Shape s = Shape.parse("512:784:256:t:n");
        assertEquals(256, s.aRows());
        assertEquals(512, s.aCols());
        assertEquals(256, s.bRows());
        assertEquals(784, s.bCols());
        assertEquals("512×256·256×784 Aᵀ", s.label());
        assertEquals("1024³", Shape.parse("1024:1024:1024:N:N").label());
    }

    @Test
    void malformedShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Shape.parse("128,128,128,N,N"));
        assertThrows(IllegalArgumentException.class, () -> Shape.parse("128:128:N:N"));
        assertThrows(IllegalArgumentException.class, () -> Shape.parse("128:x:128:N:N"));
        assertThrows(IllegalArgumentException.class, () -> Shape.parse("128:128:128:N:Y"));
        assertThrows(IllegalArgumentException.class, () -> Shape.parse("0:128:128:N:N"));
    }
}
