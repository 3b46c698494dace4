package dev.lanes.spark;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/** Turns a training DataFrame into validated, cached {@link Shard}s. */
final class TrainingData {

    /** The {@code classes} of a regressor's data: one real-valued target per row. */
    static final int REGRESSION = 0;

    private TrainingData() {
    }

    /**
     * The shards of {@code dataset}: row i of the input (in its order) goes to partition
     * {@code i % partitions}, kept in increasing i. Rows with a problem are counted, not kept.
     * Lazy: nothing is read until an action runs.
     *
     * @param classes the classifier's classes (labels are class indices), or {@link #REGRESSION}
     *                (labels are real-valued targets of one output)
     */
    static JavaRDD<Shard> shards(Dataset<?> dataset, String featuresCol, String labelCol, int features, int classes,
                                 int partitions) {
        JavaRDD<Row> rows = dataset.select(col(featuresCol), col(labelCol)).toJavaRDD();
        return rows.zipWithIndex()
                .mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                .partitionBy(new Modulo(partitions))
                .mapPartitionsWithIndex((index, it) -> List.of(build(index, it, features, classes)).iterator(), true);
    }

    private static Shard build(int partition, Iterator<Tuple2<Long, Row>> it, int features, int classes) {
        List<Tuple2<Long, Row>> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        // The shuffle delivers rows in fetch order; sorting by input index makes the shard's order,
        // and so the training run, the same every time.
        all.sort((a, b) -> Long.compare(a._1(), b._1()));
        boolean regression = classes == REGRESSION;
        float[] x = new float[Math.multiplyExact(all.size(), features)];
        int[] labels = regression ? null : new int[all.size()];
        float[] targets = regression ? new float[all.size()] : null;
        int n = 0;
        long wrongWidth = 0, firstWrongWidth = -1, badLabel = 0, firstBadLabel = -1, nonFinite = 0, firstNonFinite = -1;
        int firstWidth = 0, firstColumn = -1;
        double firstLabel = 0;
        for (Tuple2<Long, Row> t : all) {
            long index = t._1();
            Row row = t._2();
            Vector v = row.isNullAt(0) ? null : (Vector) row.get(0);
            int width = v == null ? 0 : v.size();
            if (width != features) {
                if (wrongWidth++ == 0) {
                    firstWrongWidth = index;
                    firstWidth = width;
                }
                continue;
            }
            double label = row.isNullAt(1) ? Double.NaN : ((Number) row.get(1)).doubleValue();
            boolean ok = regression ? Float.isFinite((float) label)
                    : label >= 0 && label < classes && label == Math.rint(label);
            if (!ok) {
                if (badLabel++ == 0) {
                    firstBadLabel = index;
                    firstLabel = label;
                }
                continue;
            }
            int bad = -1;
            int base = n * features;
            for (int j = 0; j < features; j++) {
                double d = v.apply(j);
                float f = (float) d;
                if (!Float.isFinite(f)) {
                    bad = j;
                    break;
                }
                x[base + j] = f;
            }
            if (bad >= 0) {
                if (nonFinite++ == 0) {
                    firstNonFinite = index;
                    firstColumn = bad;
                }
                continue;
            }
            if (regression) {
                targets[n++] = (float) label;
            } else {
                labels[n++] = (int) label;
            }
        }
        if (n < all.size()) {
            x = java.util.Arrays.copyOf(x, n * features);
            labels = regression ? null : java.util.Arrays.copyOf(labels, n);
            targets = regression ? java.util.Arrays.copyOf(targets, n) : null;
        }
        Shard.Problems p = new Shard.Problems(all.size(), wrongWidth, firstWrongWidth, firstWidth, badLabel,
                firstBadLabel, firstLabel, nonFinite, firstNonFinite, firstColumn);
        return new Shard(partition, features, regression ? 1 : classes, x, labels, targets, p);
    }

    /**
     * Materializes (and so caches) the shards and checks them, before any training step.
     *
     * @return the rows of each partition, in partition order
     * @throws IllegalArgumentException naming the column, how many rows are bad and the first one
     */
    static int[] validate(JavaRDD<Shard> shards, String featuresCol, String labelCol, int features, int classes) {
        List<Shard.Problems> problems = shards.map(s -> s.problems).collect();
        long total = 0, wrongWidth = 0, badLabel = 0, nonFinite = 0;
        long fw = Long.MAX_VALUE, fl = Long.MAX_VALUE, fn = Long.MAX_VALUE;
        int width = 0, column = 0;
        double label = 0;
        for (Shard.Problems p : problems) {
            total += p.rows();
            wrongWidth += p.wrongWidth();
            badLabel += p.badLabel();
            nonFinite += p.nonFinite();
            if (p.wrongWidth() > 0 && p.firstWrongWidth() < fw) {
                fw = p.firstWrongWidth();
                width = p.firstWidth();
            }
            if (p.badLabel() > 0 && p.firstBadLabel() < fl) {
                fl = p.firstBadLabel();
                label = p.firstLabel();
            }
            if (p.nonFinite() > 0 && p.firstNonFinite() < fn) {
                fn = p.firstNonFinite();
                column = p.firstNonFiniteColumn();
            }
        }
        List<String> msgs = new ArrayList<>();
        if (wrongWidth > 0) {
            msgs.add("features column '" + featuresCol + "': " + wrongWidth + " of " + total + " rows are not vectors of width "
                    + features + " (= layers[0]); the first is row " + fw + " with width " + width);
        }
        if (badLabel > 0 && classes == REGRESSION) {
            msgs.add("label column '" + labelCol + "': " + badLabel + " of " + total + " rows have a label that is NaN, infinite,"
                    + " null or beyond float range; the first is row " + fl + " with label " + label);
        } else if (badLabel > 0) {
            msgs.add("label column '" + labelCol + "': " + badLabel + " of " + total + " rows have a label that is not a class index in [0, "
                    + classes + ") (the last entry of layers); the first is row " + fl + " with label " + label);
        }
        if (nonFinite > 0) {
            msgs.add("features column '" + featuresCol + "': " + nonFinite + " of " + total
                    + " rows hold NaN, an infinity or a value beyond float range; the first is row " + fn + ", element " + column);
        }
        if (total == 0) {
            msgs.add("the training data has no rows");
        }
        if (!msgs.isEmpty()) {
            throw new IllegalArgumentException("cannot train: " + String.join("; ", msgs) + " (rows counted from 0 in input order)");
        }
        int[] rows = new int[problems.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Math.toIntExact(problems.get(i).rows());
        }
        return rows;
    }

    /** Key i goes to partition i mod P: a round-robin deal of the rows in input order. */
    static final class Modulo extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        Modulo(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (int) Math.floorMod((Long) key, (long) partitions);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Modulo m && m.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return partitions;
        }
    }
}
