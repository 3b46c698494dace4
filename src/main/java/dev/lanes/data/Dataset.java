package dev.lanes.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An immutable table of examples: a feature matrix and a target matrix, both {@code float32} and
 * row-major.
 *
 * <p>Row {@code i} holds {@link #features()} feature values and {@link #outputs()} target values.
 * For classification the targets are the one-hot encoding of an integer class label in
 * {@code [0, classes())}; for regression they are arbitrary finite values.
 *
 * <p>Every value is checked on construction: features and targets must be finite, labels in range,
 * array lengths consistent. The factories copy their arguments, so later changes to the caller's
 * arrays do not affect the dataset.
 *
 * <p>{@link #subset} and {@link #split} do not copy rows: their results are views that share this
 * dataset's (never modified) arrays and keep only a row index each, so splitting a large data set
 * into training, validation and test parts holds its values once. The shared arrays stay in memory
 * as long as any view of them is reachable.
 */
public final class Dataset {

    private final String name;
    private final int size;
    private final int features;
    private final int outputs;
    private final float[] x;          // size × features, row-major
    private final float[] y;          // size × outputs, row-major (one-hot for classification)
    private final int[] labels;       // null for regression
    private final List<String> classNames;  // empty for regression
    private final int[] rows;         // null: row i is row i of x, y, labels; else row rows[i] of them

    /** The two parts of a {@link #split(double, long)}. */
    public record Split(Dataset first, Dataset second) {
        /** Both parts must be present. */
        public Split {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(second, "second");
        }
    }

    // Takes ownership of the arrays: callers have validated them and must not keep references.
    private Dataset(String name, int features, int outputs, float[] x, float[] y, int[] labels,
                    List<String> classNames) {
        this(name, features, outputs, x, y, labels, classNames, null);
    }

    // A view when rows != null: rows[i] is the row of x, y and labels that is row i here.
    private Dataset(String name, int features, int outputs, float[] x, float[] y, int[] labels,
                    List<String> classNames, int[] rows) {
        this.name = name;
        this.features = features;
        this.outputs = outputs;
        this.size = rows == null ? x.length / features : rows.length;
        this.x = x;
        this.y = y;
        this.labels = labels;
        this.classNames = classNames;
        this.rows = rows;
    }

    /**
     * A classification dataset; the targets are the one-hot encoding of {@code labels}.
     *
     * @param name       a short human-readable name, e.g. {@code "digits"}; not blank
     * @param x          features, row-major {@code size × features}; all finite
     * @param features   number of features per row, at least 1
     * @param labels     class index per row, {@code labels.length == x.length / features}, each in
     *                   {@code [0, classes)}
     * @param classes    number of classes, at least 1
     * @param classNames one distinct non-null name per class, or {@code null} for {@code "0".."k-1"}
     * @throws IllegalArgumentException naming the offending row/column or argument
     */
    public static Dataset ofClasses(String name, float[] x, int features, int[] labels, int classes,
                                    List<String> classNames) {
        checkName(name);
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        int size = checkShape(x, features);
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        }
        if (labels.length != size) {
            throw new IllegalArgumentException("labels.length is " + labels.length + " but x has "
                    + size + " rows (x.length " + x.length + " / features " + features + ")");
        }
        checkFinite(x, features, "feature");
        for (int i = 0; i < size; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label of row " + i + " is " + labels[i]
                        + ", outside [0, " + classes + ")");
            }
        }
        List<String> names = checkClassNames(classNames, classes);
        return new Dataset(name, features, classes, x.clone(), oneHot(labels, classes),
                labels.clone(), names);
    }

    /**
     * A regression dataset.
     *
     * @param name     a short human-readable name; not blank
     * @param x        features, row-major {@code size × features}; all finite
     * @param features number of features per row, at least 1
     * @param y        targets, row-major {@code size × outputs}; all finite
     * @param outputs  number of targets per row, at least 1
     * @throws IllegalArgumentException naming the offending row/column or argument
     */
    public static Dataset ofTargets(String name, float[] x, int features, float[] y, int outputs) {
        checkName(name);
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        int size = checkShape(x, features);
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be at least 1, got " + outputs);
        }
        if ((long) size * outputs != y.length) {
            throw new IllegalArgumentException("y.length is " + y.length + " but x has " + size
                    + " rows and outputs is " + outputs + " (expected " + (long) size * outputs + ")");
        }
        checkFinite(x, features, "feature");
        checkFinite(y, outputs, "target");
        return new Dataset(name, features, outputs, x.clone(), y.clone(), null, List.of());
    }

    /** The name given at construction. */
    public String name() {
        return name;
    }

    /** Number of rows (examples). May be 0, e.g. for an empty part of a split. */
    public int size() {
        return size;
    }

    /** Number of feature values per row. */
    public int features() {
        return features;
    }

    /** Number of target values per row: the class count for classification. */
    public int outputs() {
        return outputs;
    }

    /** Whether the targets are one-hot class labels. */
    public boolean isClassification() {
        return labels != null;
    }

    /** The number of classes ({@code == outputs()}) for classification, 0 for regression. */
    public int classes() {
        return labels != null ? outputs : 0;
    }

    /** The class index of row {@code i}, or -1 for regression. */
    public int label(int i) {
        Objects.checkIndex(i, size);
        return labels != null ? labels[at(i)] : -1;
    }

    /** Feature {@code j} of row {@code i}. */
    public float feature(int i, int j) {
        Objects.checkIndex(i, size);
        Objects.checkIndex(j, features);
        return x[at(i) * features + j];
    }

    /** Target {@code j} of row {@code i} (for classification, 1 if {@code j == label(i)}, else 0). */
    public float target(int i, int j) {
        Objects.checkIndex(i, size);
        Objects.checkIndex(j, outputs);
        return y[at(i) * outputs + j];
    }

    /** Copies the {@link #features()} values of row {@code i} to {@code dst[dstOffset ...]}. */
    public void copyFeatures(int i, float[] dst, int dstOffset) {
        Objects.checkIndex(i, size);
        Objects.checkFromIndexSize(dstOffset, features, dst.length);
        System.arraycopy(x, at(i) * features, dst, dstOffset, features);
    }

    /** Copies the {@link #outputs()} target values of row {@code i} to {@code dst[dstOffset ...]}. */
    public void copyTargets(int i, float[] dst, int dstOffset) {
        Objects.checkIndex(i, size);
        Objects.checkFromIndexSize(dstOffset, outputs, dst.length);
        System.arraycopy(y, at(i) * outputs, dst, dstOffset, outputs);
    }

    /**
     * The class names, indexed by class; {@code "0".."k-1"} when none were given, empty for
     * regression. Unmodifiable.
     */
    public List<String> classNames() {
        return classNames;
    }

    /** A copy of the whole feature matrix, row-major {@code size × features}. */
    public float[] featureMatrix() {
        return rows == null ? x.clone() : gather(x, features);
    }

    /** A copy of the whole target matrix, row-major {@code size × outputs}. */
    public float[] targetMatrix() {
        return rows == null ? y.clone() : gather(y, outputs);
    }

    /** A copy of the labels (length {@code size}); throws for regression. */
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException(name + " is a regression dataset and has no labels");
        }
        if (rows == null) {
            return labels.clone();
        }
        int[] l = new int[size];
        for (int i = 0; i < size; i++) {
            l[i] = labels[rows[i]];
        }
        return l;
    }

    /**
     * A dataset of rows {@code indices[0], indices[1], ...} of this one, in that order. Indices may
     * repeat (e.g. for bootstrap samples). Same name, class count and class names. A view: it
     * shares this dataset's values and holds only a copy of the indices.
     */
    public Dataset subset(int[] indices) {
        Objects.requireNonNull(indices, "indices");
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= size) {
                throw new IllegalArgumentException("indices[" + k + "] is " + indices[k]
                        + ", outside [0, " + size + ")");
            }
        }
        int[] view = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            view[k] = at(indices[k]);
        }
        return new Dataset(name, features, outputs, x, y, labels, classNames, view);
    }

    /**
     * Splits the rows at random: a seeded shuffle, then a cut. The second part gets
     * {@code round(secondFraction * size())} rows, the first the rest; within each part rows keep
     * their original relative order. The same seed always gives the same split. Both parts are
     * views that share this dataset's values ({@link #subset}).
     *
     * @param secondFraction fraction of rows for the second part (e.g. the test set), in [0, 1]
     * @param seed           seed of the shuffle
     */
    public Split split(double secondFraction, long seed) {
        return split(secondFraction, seed, false);
    }

    /**
     * Like {@link #split(double, long)}, optionally stratified: with {@code stratified} (allowed
     * for classification only) each class is split separately with
     * {@code round(secondFraction * classCount)} rows in the second part, so both parts keep the
     * class proportions.
     */
    public Split split(double secondFraction, long seed, boolean stratified) {
        if (!(secondFraction >= 0 && secondFraction <= 1)) {
            throw new IllegalArgumentException("secondFraction must be in [0, 1], got " + secondFraction);
        }
        if (stratified && labels == null) {
            throw new IllegalArgumentException("a stratified split needs a classification dataset; "
                    + name + " is regression");
        }
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] inSecond = new boolean[size];
        if (stratified) {
            int[][] byClass = rowsByClass();
            for (int[] rows : byClass) {
                shuffle(rows, random);
                int take = (int) Math.round(secondFraction * rows.length);
                for (int k = 0; k < take; k++) {
                    inSecond[rows[k]] = true;
                }
            }
        } else {
            int[] rows = new int[size];
            Arrays.setAll(rows, i -> i);
            shuffle(rows, random);
            int take = (int) Math.round(secondFraction * size);
            for (int k = 0; k < take; k++) {
                inSecond[rows[k]] = true;
            }
        }
        int secondCount = 0;
        for (boolean b : inSecond) {
            secondCount += b ? 1 : 0;
        }
        int[] first = new int[size - secondCount];
        int[] second = new int[secondCount];
        int a = 0;
        int b = 0;
        for (int i = 0; i < size; i++) {
            if (inSecond[i]) {
                second[b++] = i;
            } else {
                first[a++] = i;
            }
        }
        return new Split(subset(first), subset(second));
    }

    /** The same data under another name. */
    public Dataset withName(String newName) {
        checkName(newName);
        return new Dataset(newName, features, outputs, x, y, labels, classNames, rows);
    }

    /** The same classification data with other class names (one distinct name per class). */
    public Dataset withClassNames(List<String> names) {
        if (labels == null) {
            throw new IllegalStateException(name + " is a regression dataset and has no classes");
        }
        Objects.requireNonNull(names, "names");
        return new Dataset(name, features, outputs, x, y, labels, checkClassNames(names, outputs), rows);
    }

    /** Number of rows of each class (length {@code classes()}); throws for regression. */
    public int[] classCounts() {
        if (labels == null) {
            throw new IllegalStateException(name + " is a regression dataset and has no classes");
        }
        int[] counts = new int[outputs];
        for (int i = 0; i < size; i++) {
            counts[labels[at(i)]]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return name + " (" + size + " rows, " + features + " features, "
                + (labels != null ? outputs + " classes)" : outputs + " outputs)");
    }

    // ---- package-private access for Standardizer and the readers (no copies) ----

    /** The feature array this dataset reads, shared with its views; row i is at {@link #offset}(i). */
    float[] storage() {
        return x;
    }

    /** Where row {@code i}'s features start in {@link #storage()}. */
    int offset(int i) {
        return at(i) * features;
    }

    /** Whether this dataset is a view of another's arrays (a subset or part of a split). */
    boolean isView() {
        return rows != null;
    }

    /**
     * Same name, class names and rows, new features {@code newX} ({@code size × features},
     * row-major, owned, validated by the caller). Targets and labels are shared when this dataset
     * is not a view, else gathered into arrays of its own (a small copy: one row of targets is
     * {@code outputs} values against {@code features}).
     */
    Dataset withFeaturesUnchecked(float[] newX) {
        if (rows == null) {
            return new Dataset(name, features, outputs, newX, y, labels, classNames);
        }
        return new Dataset(name, features, outputs, newX, gather(y, outputs), labels == null ? null : labels(),
                classNames);
    }

    /** Classification dataset taking ownership of its arrays, which the caller has validated. */
    static Dataset ofClassesOwned(String name, float[] x, int features, int[] labels, int classes,
                                  List<String> classNames) {
        return new Dataset(name, features, classes, x, oneHot(labels, classes), labels,
                checkClassNames(classNames, classes));
    }

    /** Regression dataset taking ownership of its arrays, which the caller has validated. */
    static Dataset ofTargetsOwned(String name, float[] x, int features, float[] y, int outputs) {
        return new Dataset(name, features, outputs, x, y, null, List.of());
    }

    // ---- helpers ----

    private int[][] rowsByClass() {
        int[] counts = classCounts();
        int[][] byClass = new int[outputs][];
        for (int c = 0; c < outputs; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[outputs];
        for (int i = 0; i < size; i++) {
            int l = labels[at(i)];
            byClass[l][fill[l]++] = i;
        }
        return byClass;
    }

    /** The row of x, y and labels that is row i here (i already checked). */
    private int at(int i) {
        return rows == null ? i : rows[i];
    }

    /** This dataset's rows of {@code a} (row width {@code width}), as a new compact array. */
    private float[] gather(float[] a, int width) {
        float[] out = new float[Math.multiplyExact(size, width)];
        for (int i = 0; i < size; i++) {
            System.arraycopy(a, at(i) * width, out, i * width, width);
        }
        return out;
    }

    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }

    private static int checkShape(float[] x, int features) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be at least 1, got " + features);
        }
        if (x.length % features != 0) {
            throw new IllegalArgumentException("x.length " + x.length
                    + " is not a multiple of features " + features);
        }
        return x.length / features;
    }

    private static void checkFinite(float[] a, int width, String what) {
        for (int k = 0; k < a.length; k++) {
            if (!Float.isFinite(a[k])) {
                throw new IllegalArgumentException(what + " at row " + k / width + ", column "
                        + k % width + " is " + a[k] + "; values must be finite");
            }
        }
    }

    private static List<String> checkClassNames(List<String> names, int classes) {
        if (names == null) {
            List<String> generated = new ArrayList<>(classes);
            for (int c = 0; c < classes; c++) {
                generated.add(Integer.toString(c));
            }
            return List.copyOf(generated);
        }
        if (names.size() != classes) {
            throw new IllegalArgumentException("classNames has " + names.size()
                    + " entries but there are " + classes + " classes");
        }
        HashSet<String> seen = new HashSet<>();
        for (int c = 0; c < classes; c++) {
            String n = names.get(c);
            if (n == null) {
                throw new IllegalArgumentException("classNames[" + c + "] is null");
            }
            if (!seen.add(n)) {
                throw new IllegalArgumentException("classNames[" + c + "] '" + n + "' is a duplicate");
            }
        }
        return List.copyOf(names);
    }

    private static float[] oneHot(int[] labels, int classes) {
        float[] y = new float[Math.multiplyExact(labels.length, classes)];
        for (int i = 0; i < labels.length; i++) {
            y[i * classes + labels[i]] = 1f;
        }
        return y;
    }
}
