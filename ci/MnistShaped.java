import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes MNIST-shaped data for start-up measurements (ci/startup-times): IDX files of 28×28
 * unsigned-byte images with labels 0–9 (60,000 training and 10,000 test rows) and a CSV of the
 * first 20 test rows' 784 pixel values. Each class is a blurred stroke pattern of its own plus
 * noise, so a network learns it (the times measured do not depend on that, the accuracy printed
 * beside them does). Seeded: every run writes the same bytes.
 *
 * <p>Usage: {@code java ci/MnistShaped.java DIR}
 */
public final class MnistShaped {

    private static final int SIDE = 28;
    private static final int PIXELS = SIDE * SIDE;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java ci/MnistShaped.java DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        float[][] prototypes = prototypes(new SplittableRandom(13));
        SplittableRandom rnd = new SplittableRandom(2026);
        write(dir, "train", 60_000, prototypes, rnd);
        byte[][] test = write(dir, "test", 10_000, prototypes, rnd);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("predict20.csv")))) {
            for (int r = 0; r < 20; r++) {
                StringBuilder sb = new StringBuilder();
                for (int p = 0; p < PIXELS; p++) {
                    sb.append(p == 0 ? "" : ",").append(test[r][p] & 0xff);
                }
                w.println(sb);
            }
        }
    }

    /** Ten class patterns: a few random line segments each, drawn with a soft brush. */
    private static float[][] prototypes(SplittableRandom rnd) {
        float[][] protos = new float[10][PIXELS];
        for (int c = 0; c < 10; c++) {
            for (int s = 0; s < 3; s++) {
                double x0 = rnd.nextDouble(5, 23), y0 = rnd.nextDouble(5, 23);
                double x1 = rnd.nextDouble(5, 23), y1 = rnd.nextDouble(5, 23);
                for (int t = 0; t <= 40; t++) {
                    double x = x0 + (x1 - x0) * t / 40, y = y0 + (y1 - y0) * t / 40;
                    for (int py = 0; py < SIDE; py++) {
                        for (int px = 0; px < SIDE; px++) {
                            double d2 = (px - x) * (px - x) + (py - y) * (py - y);
                            protos[c][py * SIDE + px] = (float) Math.max(protos[c][py * SIDE + px], Math.exp(-d2 / 2));
                        }
                    }
                }
            }
        }
        return protos;
    }

    /** Writes DIR/NAME-images.idx and DIR/NAME-labels.idx; returns the images. */
    private static byte[][] write(Path dir, String name, int rows, float[][] protos, SplittableRandom rnd)
            throws IOException {
        byte[][] images = new byte[rows][PIXELS];
        byte[] labels = new byte[rows];
        for (int r = 0; r < rows; r++) {
            int c = rnd.nextInt(10);
            labels[r] = (byte) c;
            // A shift of up to two pixels and noise, so rows of a class differ.
            int dx = rnd.nextInt(5) - 2, dy = rnd.nextInt(5) - 2;
            for (int py = 0; py < SIDE; py++) {
                for (int px = 0; px < SIDE; px++) {
                    int sx = px - dx, sy = py - dy;
                    double v = sx >= 0 && sx < SIDE && sy >= 0 && sy < SIDE ? protos[c][sy * SIDE + sx] : 0;
                    v = v * 230 + rnd.nextDouble(0, 60) - 20;
                    images[r][py * SIDE + px] = (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(dir.resolve(name + "-images.idx")), 1 << 16))) {
            out.writeInt(0x00000803);
            out.writeInt(rows);
            out.writeInt(SIDE);
            out.writeInt(SIDE);
            for (byte[] img : images) {
                out.write(img);
            }
        }
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(dir.resolve(name + "-labels.idx"))))) {
            out.writeInt(0x00000801);
            out.writeInt(rows);
            out.write(labels);
        }
        return images;
    }
}
