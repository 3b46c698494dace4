package dev.lanes.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Peeks at the start of a data file: is it IDX, what is its first text line. */
final class IdxFiles {

    private IdxFiles() {
    }

    /** The first four bytes after gzip decoding, or null if the file is shorter or unreadable. */
    private static byte[] magic(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = open(file)) {
            byte[] b = in.readNBytes(16);
            return b.length >= 4 ? b : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file));
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw) : raw;
    }

    /** Whether the file starts like an IDX array of unsigned bytes (0x00 0x00 0x08 dims). */
    static boolean isIdx(Path file) {
        byte[] m = magic(file);
        return m != null && m[0] == 0 && m[1] == 0 && m[2] == 0x08 && m[3] >= 1 && m[3] <= 4;
    }

    /** "images, 60000 × 28 × 28" or "labels, 60000", from the header. */
    static String describe(Path file) {
        byte[] m = magic(file);
        if (m == null) {
            return "unreadable";
        }
        int dims = m[3];
        StringBuilder sb = new StringBuilder(dims == 3 ? "images, " : dims == 1 ? "labels, " : dims + " dimensions, ");
        for (int d = 0; d < dims && 4 + 4 * d + 4 <= m.length; d++) {
            int off = 4 + 4 * d;
            int v = (m[off] & 0xff) << 24 | (m[off + 1] & 0xff) << 16 | (m[off + 2] & 0xff) << 8 | (m[off + 3] & 0xff);
            sb.append(d == 0 ? "" : " × ").append(v);
        }
        return sb.toString();
    }

    /** The MNIST naming convention's labels file beside an images file, as a hint. */
    static String guessLabels(String images) {
        String g = images.replace("images", "labels");
        return g.equals(images) ? "LABELS.idx" : g;
    }

    /** The first line of a (possibly gzipped) text file, or null if it is empty. */
    static String firstLine(Path file) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            return line;
        }
    }
}
