package dev.lanes.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Seeded random mutations of valid files, the kind a damaged disk, a half-finished download or a
 * hostile sender produces: flipped bits, boundary integers written over length fields, cuts,
 * insertions, deletions and duplicated ranges. Each result is reproducible from the seed.
 */
final class Mutator {

    /** Integers that break length arithmetic: zero, one, sign and overflow boundaries. */
    static final int[] INTERESTING = {0, 1, 2, -1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
        0x7fffffff, 0x80000000, 0x7ffffff7, 0x40000000, 0x20000001, 1 << 24, 100_000, 1_000_000};

    private static final String[] TOKENS = {",", "\"", "\n", "\r\n", "NaN", "-Infinity", "1e39", "-", ".",
        "\uFEFF", "  ", "\"\"", "a", "0x1p3", "1f", ";", "\t", "\u00e9", "\0", "9".repeat(400), "1,2,3,4,5,6,7,8,9"};

    private final SplittableRandom random;

    Mutator(long seed) {
        random = new SplittableRandom(seed);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** One to four random binary mutations of {@code in}; {@code bigEndian} for the integers written. */
    byte[] binary(byte[] in, boolean bigEndian) {
        byte[] b = in.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            b = once(b, bigEndian);
        }
        return b;
    }

    private byte[] once(byte[] b, boolean bigEndian) {
        int n = b.length;
        switch (random.nextInt(n == 0 ? 1 : 8)) {
            case 0 -> {
                byte[] extra = new byte[1 + random.nextInt(16)];
                random.nextBytes(extra);
                return insert(b, n == 0 ? 0 : random.nextInt(n + 1), extra);
            }
            case 1 -> {
                b[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
                return b;
            }
            case 2 -> {
                b[random.nextInt(n)] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                return b;
            }
            case 3 -> {
                if (n < 4) {
                    return b;
                }
                int at = random.nextInt(n - 3);
                ByteBuffer.wrap(b).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                        .putInt(at, INTERESTING[random.nextInt(INTERESTING.length)]);
                return b;
            }
            case 4 -> {
                return java.util.Arrays.copyOf(b, random.nextInt(n));
            }
            case 5 -> {
                int from = random.nextInt(n);
                int len = Math.min(n - from, 1 + random.nextInt(32));
                byte[] out = new byte[n - len];
                System.arraycopy(b, 0, out, 0, from);
                System.arraycopy(b, from + len, out, from, n - from - len);
                return out;
            }
            case 6 -> {
                int from = random.nextInt(n);
                int len = Math.min(n - from, 1 + random.nextInt(64));
                return insert(b, random.nextInt(n + 1), java.util.Arrays.copyOfRange(b, from, from + len));
            }
            default -> {
                int at = random.nextInt(n);
                b[at] = (byte) random.nextInt(256);
                return b;
            }
        }
    }

    /** Text-aware mutations (separators, quotes, special numbers, long fields), then maybe binary ones. */
    byte[] text(byte[] in) {
        String s = new String(in, StandardCharsets.UTF_8);
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            int at = random.nextInt(s.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> s = s.substring(0, at) + TOKENS[random.nextInt(TOKENS.length)] + s.substring(at);
                case 1 -> {
                    int end = Math.min(s.length(), at + 1 + random.nextInt(8));
                    s = s.substring(0, at) + s.substring(end);
                }
                case 2 -> {
                    String[] lines = s.split("\n", -1);
                    String line = lines[random.nextInt(lines.length)];
                    s = s.substring(0, at) + line + "\n" + s.substring(at);
                }
                default -> s = s.substring(0, at) + s.substring(at).replaceFirst("\n", "");
            }
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return random.nextInt(4) == 0 ? binary(b, false) : b;
    }

    /**
     * Rewrites the frame of a Lanes model or checkpoint file (payload length and CRC-32) so that
     * the mutated payload gets past the checksum and reaches the payload parser.
     */
    static byte[] reframe(byte[] b) {
        if (b.length < 28) {
            return b;
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(16, b.length - 28L);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        buf.putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }
}
