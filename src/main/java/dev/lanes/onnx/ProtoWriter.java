package dev.lanes.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes the protocol-buffer wire format into a growing byte array. */
final class ProtoWriter {

    private byte[] buf = new byte[256];
    private int size;

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    private void rawVarint(long v) {
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            buf[size++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    private void tag(int field, int wire) {
        rawVarint((long) field << 3 | wire);
    }

    ProtoWriter varint(int field, long v) {
        tag(field, ProtoReader.VARINT);
        rawVarint(v);
        return this;
    }

    ProtoWriter float32(int field, float v) {
        tag(field, ProtoReader.FIXED32);
        ensure(4);
        int b = Float.floatToRawIntBits(v);
        buf[size++] = (byte) b;
        buf[size++] = (byte) (b >>> 8);
        buf[size++] = (byte) (b >>> 16);
        buf[size++] = (byte) (b >>> 24);
        return this;
    }

    ProtoWriter bytes(int field, byte[] b) {
        tag(field, ProtoReader.LENGTH);
        rawVarint(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter m) {
        tag(field, ProtoReader.LENGTH);
        rawVarint(m.size);
        ensure(m.size);
        System.arraycopy(m.buf, 0, buf, size, m.size);
        size += m.size;
        return this;
    }

    /** Floats as little-endian bytes (a tensor's raw_data). */
    static byte[] littleEndian(float[] v) {
        byte[] b = new byte[Math.multiplyExact(v.length, 4)];
        for (int i = 0; i < v.length; i++) {
            int x = Float.floatToRawIntBits(v[i]);
            b[4 * i] = (byte) x;
            b[4 * i + 1] = (byte) (x >>> 8);
            b[4 * i + 2] = (byte) (x >>> 16);
            b[4 * i + 3] = (byte) (x >>> 24);
        }
        return b;
    }
}
