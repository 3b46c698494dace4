package dev.lanes.spark;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A partition's step result as the text {@code BarrierTaskContext.allGather} carries: Base64 of
 * (loss sum as double, correct count as long, gradient length as int, the gradient's floats).
 */
final class Messages {

    private Messages() {
    }

    static String encode(Shard.StepResult r) {
        float[] g = r.gradient();
        int n = g == null ? 0 : g.length;
        ByteBuffer b = ByteBuffer.allocate(8 + 8 + 4 + 4 * n);
        b.putDouble(r.lossSum()).putLong(r.correct()).putInt(n);
        if (g != null) {
            b.asFloatBuffer().put(g);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    static double lossSum(String m) {
        return ByteBuffer.wrap(Base64.getDecoder().decode(m.substring(0, 12))).getDouble(0);
    }

    static long correct(String m) {
        return ByteBuffer.wrap(Base64.getDecoder().decode(m.substring(0, 24))).getLong(8);
    }

    /**
     * Adds the message's gradient into {@code sum} (copies it when {@code first}); returns whether
     * {@code sum} is still unset afterwards (the message had no gradient and nothing came before).
     */
    static boolean addInto(String m, float[] sum, boolean first) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(m));
        int n = b.getInt(16);
        if (n == 0) {
            return first;
        }
        if (n != sum.length) {
            throw new IllegalStateException("a partition sent " + n + " gradient values, expected " + sum.length);
        }
        b.position(20);
        var f = b.asFloatBuffer();
        if (first) {
            f.get(sum);
        } else {
            for (int i = 0; i < n; i++) {
                sum[i] += f.get(i);
            }
        }
        return false;
    }
}
