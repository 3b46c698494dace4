package dev.lanes.kernel;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A rows×cols window (a vector is one row) inside a larger array: an offset before it, padding
 * between rows when {@code ld > cols}, and a tail after it. Everything outside the window holds a
 * quiet NaN with a recognisable payload: a kernel that lets it into a result produces NaN, and
 * one that writes it is caught bit for bit.
 */
final class Slab {

    static final float POISON = Float.intBitsToFloat(0x7fc5a5a5);
    private static final int TAIL = 5;

    final float[] array;
    final int offset;
    final int rows;
    final int cols;
    final int ld;
    private final float[] before;

    private Slab(float[] values, int rows, int cols, int offset, int ld) {
        this.rows = rows;
        this.cols = cols;
        this.offset = offset;
        this.ld = ld;
        int extent = rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
        array = new float[offset + extent + TAIL];
        Arrays.fill(array, POISON);
        for (int i = 0; i < rows && cols > 0; i++) {
            System.arraycopy(values, i * cols, array, offset + i * ld, cols);
        }
        before = array.clone();
    }

    /** A vector of {@code values} at {@code offset}. */
    static Slab vector(float[] values, int offset) {
        return new Slab(values, 1, values.length, offset, Math.max(1, values.length));
    }

    /** A row-major matrix of {@code values} (rows×cols, dense) stored with leading dimension ld. */
    static Slab matrix(float[] values, int rows, int cols, int offset, int ld) {
        return new Slab(values, rows, cols, offset, ld);
    }

    float get(int i, int j) {
        return array[offset + i * ld + j];
    }

    float get(int i) {
        return array[offset + i];
    }

    /** The window's value before the call. */
    float old(int i, int j) {
        return before[offset + i * ld + j];
    }

    float old(int i) {
        return before[offset + i];
    }

    /** The window as a dense row-major array. */
    float[] values() {
        float[] v = new float[rows * cols];
        for (int i = 0; i < rows && cols > 0; i++) {
            System.arraycopy(array, offset + i * ld, v, i * cols, cols);
        }
        return v;
    }

    private boolean inWindow(int idx) {
        int rel = idx - offset;
        return rel >= 0 && rel / ld < rows && rel % ld < cols;
    }

    /** Fails if anything outside the window changed (compared bit for bit). */
    void checkOutside(String label) {
        for (int idx = 0; idx < array.length; idx++) {
            if (!inWindow(idx) && Float.floatToRawIntBits(array[idx]) != Float.floatToRawIntBits(before[idx])) {
                fail(label + ": element " + idx + " outside the window (offset " + offset + ", ld " + ld
                        + ") was overwritten with " + array[idx]);
            }
        }
    }

    /** Fails if anything at all changed: for inputs the kernel must only read. */
    void checkUnchanged(String label) {
        for (int idx = 0; idx < array.length; idx++) {
            if (Float.floatToRawIntBits(array[idx]) != Float.floatToRawIntBits(before[idx])) {
                fail(label + ": input element " + idx + " was modified: " + before[idx] + " -> " + array[idx]);
            }
        }
    }
}
