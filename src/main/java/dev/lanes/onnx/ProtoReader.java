package dev.lanes.onnx;

import java.nio.charset.StandardCharsets;

/**
 * A bounded reader of the protocol-buffer wire format over one byte array: varints, 32- and
 * 64-bit fixed fields and length-delimited fields. Every length is checked against the bytes
 * that remain in the enclosing message before anything is allocated, so a hostile length cannot
 * make the reader allocate more than the file holds. Group wire types (deprecated, never used by
 * ONNX) are refused.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;
    /** Where this message sits, for messages: "graph.node[3]". */
    private final String where;

    ProtoReader(byte[] buf, int offset, int end, String where) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
        this.where = where;
    }

    String where() {
        return where;
    }

    boolean hasMore() {
        return pos < end;
    }

    /** The next tag (field number · 8 + wire type). */
    int tag() throws OnnxFormatException {
        long t = varint();
        if (t <= 0 || t > Integer.MAX_VALUE) {
            throw error("invalid field tag " + t);
        }
        int wire = (int) (t & 7);
        if (wire != VARINT && wire != FIXED64 && wire != LENGTH && wire != FIXED32) {
            throw error("unsupported wire type " + wire + " for field " + (t >>> 3));
        }
        return (int) t;
    }

    long varint() throws OnnxFormatException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw error("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw error("varint longer than 10 bytes");
    }

    int fixed32() throws OnnxFormatException {
        need(4);
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    float float32() throws OnnxFormatException {
        return Float.intBitsToFloat(fixed32());
    }

    /** The length of a length-delimited field, checked against the bytes left. */
    int length() throws OnnxFormatException {
        long n = varint();
        if (n < 0 || n > end - pos) {
            throw error("a field declares " + n + " bytes but only " + (end - pos) + " remain");
        }
        return (int) n;
    }

    /** A nested message: a reader over its bytes, which this reader then skips. */
    ProtoReader message(String name) throws OnnxFormatException {
        int n = length();
        ProtoReader r = new ProtoReader(buf, pos, pos + n, where.isEmpty() ? name : where + "." + name);
        pos += n;
        return r;
    }

    String string() throws OnnxFormatException {
        int n = length();
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /** The start of a length-delimited field's bytes; the caller reads them with {@link #array()}. */
    int bytesStart(int n) {
        int p = pos;
        pos += n;
        return p;
    }

    byte[] array() {
        return buf;
    }

    void skip(int tag) throws OnnxFormatException {
        switch (tag & 7) {
            case VARINT -> varint();
            case FIXED64 -> {
                need(8);
                pos += 8;
            }
            case LENGTH -> {
                // Not "pos += length()": the left operand would be read before length() moves pos.
                int n = length();
                pos += n;
            }
            case FIXED32 -> {
                need(4);
                pos += 4;
            }
            default -> throw error("unsupported wire type " + (tag & 7));
        }
    }

    private void need(int n) throws OnnxFormatException {
        if (end - pos < n) {
            throw error("truncated: " + n + " bytes needed, " + (end - pos) + " remain");
        }
    }

    OnnxFormatException error(String problem) {
        return new OnnxFormatException((where.isEmpty() ? "" : where + ": ") + problem);
    }

    /** A problem in the bytes, before the file name is known. */
    static final class OnnxFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        OnnxFormatException(String message) {
            super(message);
        }
    }
}
