package dev.lanes.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads image classification data in the IDX format of the MNIST distribution (also used by
 * Fashion-MNIST and EMNIST): an images file of unsigned bytes with 3 dimensions
 * ({@code count × rows × cols}, magic number {@code 0x00000803}) and a labels file of unsigned bytes
 * with 1 dimension ({@code count}, magic {@code 0x00000801}). All integers in the headers are
 * 32-bit big-endian. Either file may be gzip-compressed (recognised by its content).
 *
 * <p>Each image becomes one row of {@code rows * cols} features, row-major, with pixels scaled from
 * {@code 0..255} to {@code [0, 1]}. The headers are validated against the data actually present:
 * wrong magic numbers, zero or negative dimensions, truncated data, extra bytes after the data
 * and differing image and label counts are {@link MalformedDataException}s naming the file.
 *
 * <p>Limits: the header is checked before anything is allocated for the data. The declared
 * element count (the product of the dimensions) must be at most {@code 2^31 - 9}, one Java array,
 * and the memory the images need once read (one byte and one {@code float} per pixel, five bytes)
 * must fit in the heap the JVM may still grow to ({@link Runtime#maxMemory()}); otherwise the
 * file is refused with the size in bytes. The data buffer grows with the bytes actually read, so
 * a header that lies about a short file costs nothing.
 */
public final class IdxReader {

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /**
     * Reads an images file and its labels file; the number of classes is the largest label plus
     * one. The dataset is named after the images file.
     *
     * @throws java.nio.file.NoSuchFileException if a file does not exist
     * @throws MalformedDataException            if a file is not valid IDX or the files do not match
     */
    public static Dataset read(Path images, Path labels) throws IOException {
        return read(images, labels, 0);
    }

    /**
     * As {@link #read(Path, Path)} with a fixed number of classes (e.g. 10 for MNIST, so that a
     * subset lacking some digit still has 10 outputs); a label {@code >= classes} is an error.
     *
     * @param classes the number of classes, at least 1; or 0 for the largest label plus one
     */
    public static Dataset read(Path images, Path labels, int classes) throws IOException {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        try (InputStream im = Sources.open(images); InputStream lb = Sources.open(labels)) {
            return decoded(im, images.getFileName().toString(), lb, labels.getFileName().toString(), classes);
        }
    }

    /**
     * Reads from streams (gzip-compressed or not), which are not closed; the names are used in
     * error messages, and the images name, without {@code .gz}, as the dataset's name.
     *
     * @param classes the number of classes, at least 1; or 0 for the largest label plus one
     */
    public static Dataset read(InputStream images, String imagesName, InputStream labels, String labelsName,
                               int classes) throws IOException {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        return decoded(Sources.decode(images, imagesName), imagesName, Sources.decode(labels, labelsName),
                labelsName, classes);
    }

    /**
     * Images without labels, as prediction reads them.
     *
     * @param name   the file name (without {@code .gz})
     * @param pixels {@code count × rows × cols} values in {@code [0, 1]}, one image per row of
     *               {@code rows × cols} features, row-major
     */
    public record Images(String name, float[] pixels, int count, int rows, int cols) {

        /** The features per image: {@code rows × cols}. */
        public int features() {
            return rows * cols;
        }
    }

    /**
     * Reads an images file alone (gzip-compressed or not), scaled as {@link #read(Path, Path)}
     * scales it.
     *
     * @throws MalformedDataException if the file is not a valid IDX images file
     */
    public static Images readImages(Path images) throws IOException {
        Objects.requireNonNull(images, "images");
        try (InputStream im = Sources.open(images)) {
            String name = images.getFileName().toString();
            int[] dims = new int[3];
            byte[] pixels = readArray(im, name, IMAGES_MAGIC, dims);
            return new Images(Sources.baseName(name), scaled(pixels), dims[0], dims[1], dims[2]);
        }
    }

    private static float[] scaled(byte[] pixels) {
        float[] x = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            x[i] = (pixels[i] & 0xff) / 255f;
        }
        return x;
    }

    private static Dataset decoded(InputStream images, String imagesName, InputStream labels, String labelsName,
                                   int classes) throws IOException {
        if (classes < 0) {
            throw new IllegalArgumentException("classes must be at least 1, or 0 to infer it; got " + classes);
        }
        int[] imageDims = new int[3];
        byte[] pixels = readArray(images, imagesName, IMAGES_MAGIC, imageDims);
        int[] labelDims = new int[1];
        byte[] labelBytes = readArray(labels, labelsName, LABELS_MAGIC, labelDims);
        int count = imageDims[0];
        if (labelDims[0] != count) {
            throw new MalformedDataException(labelsName, 0, 0, "has " + labelDims[0] + " labels but "
                    + imagesName + " has " + count + " images");
        }
        int max = 0;
        for (byte b : labelBytes) {
            max = Math.max(max, b & 0xff);
        }
        int k = classes == 0 ? max + 1 : classes;
        int[] lab = new int[count];
        for (int i = 0; i < count; i++) {
            lab[i] = labelBytes[i] & 0xff;
            if (lab[i] >= k) {
                throw new MalformedDataException(labelsName, 0, 0, "label " + i + " (at byte " + (8 + i)
                        + ") is " + lab[i] + ", outside [0, " + k + ")");
            }
        }
        float[] x = scaled(pixels);
        return Dataset.ofClassesOwned(Sources.baseName(imagesName), x, imageDims[1] * imageDims[2], lab, k, null);
    }

    /**
     * Reads one IDX array of unsigned bytes with {@code dims.length} dimensions, which it stores in
     * {@code dims}; checks the magic number and that exactly the declared amount of data follows.
     */
    private static byte[] readArray(InputStream in, String name, int expectedMagic, int[] dims) throws IOException {
        String kind = expectedMagic == IMAGES_MAGIC ? "images" : "labels";
        byte[] head = in.readNBytes(4);
        if (head.length < 4) {
            throw new MalformedDataException(name, 0, 0, head.length == 0 ? "empty file"
                    : "truncated: " + head.length + " bytes, shorter than the 4-byte IDX magic number");
        }
        int magic = beInt(head, 0);
        if (magic != expectedMagic) {
            String problem;
            if (head[0] != 0 || head[1] != 0) {
                problem = "not an IDX file: magic number " + hex(magic) + " should start with two zero bytes";
            } else if ((head[2] & 0xff) != UNSIGNED_BYTE) {
                problem = "unsupported IDX element type " + String.format("0x%02X", head[2] & 0xff)
                        + " (magic " + hex(magic) + "); only unsigned bytes (0x08) are supported";
            } else {
                problem = "magic number " + hex(magic) + " declares " + (head[3] & 0xff) + " dimensions; "
                        + (kind.matches("[aeiou].*") ? "an " : "a ") + kind + " file has " + dims.length + " (magic " + hex(expectedMagic) + ")"
                        + ((head[3] & 0xff) == 1 || (head[3] & 0xff) == 3 ? ": images and labels files swapped?" : "");
            }
            throw new MalformedDataException(name, 0, 0, problem);
        }
        byte[] dimBytes = in.readNBytes(4 * dims.length);
        if (dimBytes.length < 4 * dims.length) {
            throw new MalformedDataException(name, 0, 0, "truncated header: " + (4 + dimBytes.length)
                    + " bytes, expected " + (4 + 4 * dims.length));
        }
        long total = 1;
        StringBuilder shape = new StringBuilder();
        for (int d = 0; d < dims.length; d++) {
            dims[d] = beInt(dimBytes, 4 * d);
            if (dims[d] <= 0) {
                throw new MalformedDataException(name, 0, 0, "dimension " + d + " (at byte " + (4 + 4 * d)
                        + ") is " + dims[d] + "; it must be positive");
            }
            total *= dims[d];
            if (total > Integer.MAX_VALUE - 8) {
                throw new MalformedDataException(name, 0, 0, "declared size is too large for one array");
            }
            shape.append(d == 0 ? "" : " × ").append(dims[d]);
        }
        int headerBytes = 4 + 4 * dims.length;
        long needed = 5 * total;
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap) {
            throw new MalformedDataException(name, 0, 0, "the header declares " + shape + " = " + total
                    + " elements, which need " + needed + " bytes of memory once read; the heap allows "
                    + heap + " bytes (raise it with -Xmx)");
        }
        // readNBytes grows its buffer as data arrives, so a lying header cannot force a huge allocation.
        byte[] data = in.readNBytes((int) total);
        if (data.length < total) {
            throw new MalformedDataException(name, 0, 0, "truncated: the header declares " + shape + " = " + total
                    + " data bytes but only " + data.length + " follow the " + headerBytes + "-byte header");
        }
        if (in.read() != -1) {
            long extra = 1 + in.transferTo(OutputStream.nullOutputStream());
            throw new MalformedDataException(name, 0, 0, extra + " unexpected bytes after the " + total
                    + " data bytes declared by the header (" + shape + ")");
        }
        return data;
    }

    private static int beInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }
}
