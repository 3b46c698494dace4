package dev.lanes.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Opening data files: clear missing-file errors, transparent gzip. */
final class Sources {

    private Sources() {
    }

    /** The file name without directories and without a trailing {@code .gz}. */
    static String baseName(String source) {
        String s = source;
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        s = s.substring(slash + 1);
        return s.endsWith(".gz") ? s.substring(0, s.length() - 3) : s;
    }

    /** Opens {@code path}, decompressing if it is gzip (by name or by magic number). */
    static InputStream open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new MalformedDataException(path.toString(), 0, 0, "is a directory, not a data file");
        }
        InputStream raw = Files.newInputStream(path);
        try {
            return decode(raw, path.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Wraps {@code raw} so that it yields the decompressed bytes when the data starts with the
     * gzip magic number, and turns gzip corruption into {@link MalformedDataException}s naming
     * {@code source}.
     */
    static InputStream decode(InputStream raw, String source) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        if (!gzip && source.endsWith(".gz")) {
            throw new MalformedDataException(source, 0, 0,
                    "the name ends in .gz but the content is not gzip-compressed");
        }
        if (!gzip) {
            return in;
        }
        InputStream unzipped;
        try {
            unzipped = new GZIPInputStream(in, 1 << 16);
        } catch (ZipException | EOFException e) {
            throw corrupt(source, e);
        }
        return new FilterInputStream(new BufferedInputStream(unzipped, 1 << 16)) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (ZipException | EOFException e) {
                    throw corrupt(source, e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (ZipException | EOFException e) {
                    throw corrupt(source, e);
                }
            }
        };
    }

    private static MalformedDataException corrupt(String source, IOException e) {
        return new MalformedDataException(source, 0, 0,
                "corrupt or truncated gzip data (" + e.getMessage() + ")", e);
    }
}
