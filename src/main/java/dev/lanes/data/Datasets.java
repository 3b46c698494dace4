package dev.lanes.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Datasets shipped inside the library. */
public final class Datasets {

    private static final String DIGITS_RESOURCE = "/dev/lanes/data/digits.csv.gz";

    private static volatile Dataset digits;

    private Datasets() {
    }

    /**
     * The 8×8 handwritten digits: 1797 rows, 64 features (an 8×8 image, row-major, each pixel an
     * integer count {@code 0..16}, unscaled), 10 classes named {@code "0".."9"} with class
     * {@code k} the digit {@code k}. This is the test part of the UCI "Optical Recognition of
     * Handwritten Digits" data (E. Alpaydin, C. Kaynak, 1998), as distributed by scikit-learn
     * (BSD-3-Clause); see {@code dev/lanes/data/digits-NOTICE.txt} next to it.
     *
     * <p>Loaded on first use (about 60 KB compressed) and then shared; datasets are immutable.
     *
     * @throws UncheckedIOException if the resource is missing or damaged (a broken build)
     */
    public static Dataset digits() {
        Dataset d = digits;
        if (d == null) {
            synchronized (Datasets.class) {
                d = digits;
                if (d == null) {
                    // Not a class-initialiser holder: a failure must surface as the documented
                    // exception on every call, not as ExceptionInInitializerError once.
                    d = loadDigits();
                    digits = d;
                }
            }
        }
        return d;
    }

    private static Dataset loadDigits() {
        // Class-relative absolute path: works on the class path and, because the resource is in
        // this module's own package, on the module path without opening the package.
        try (InputStream in = Datasets.class.getResourceAsStream(DIGITS_RESOURCE)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("resource " + DIGITS_RESOURCE
                        + " is missing from the library"));
            }
            Dataset d = CsvReader.classification()
                    .withHeader(CsvReader.Header.ABSENT)
                    .read(in, "digits.csv.gz");
            if (d.size() != 1797 || d.features() != 64 || d.classes() != 10) {
                throw new UncheckedIOException(new IOException("resource " + DIGITS_RESOURCE
                        + " is damaged: " + d));
            }
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + DIGITS_RESOURCE, e);
        }
    }
}
