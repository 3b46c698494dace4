package dev.lanes.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MiniBatchesTest {

    /** n rows; features (i, -i), one-hot label i % 3. */
    private static Dataset data(int n) {
        float[] x = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            labels[i] = i % 3;
        }
        return Dataset.ofClasses("mb", x, 2, labels, 3, null);
    }

    /** The row ids of one epoch, in batch order, as read back through fill. */
    private static int[] epochOrder(MiniBatches mb, int epoch) {
        mb.startEpoch(epoch);
        Dataset d = mb.dataset();
        int[] order = new int[d.size()];
        float[] x = new float[mb.batchSize() * d.features()];
        float[] y = new float[mb.batchSize() * d.outputs()];
        int k = 0;
        for (int b = 0; b < mb.batchCount(); b++) {
            int rows = mb.fill(b, x, y);
            for (int r = 0; r < rows; r++) {
                int id = (int) x[2 * r];
                assertEquals(-id, x[2 * r + 1], 0f);
                for (int c = 0; c < 3; c++) {
                    assertEquals(c == id % 3 ? 1f : 0f, y[3 * r + c], "target of row " + id);
                }
                assertEquals(id, mb.row(b, r));
                order[k++] = id;
            }
        }
        assertEquals(d.size(), k);
        return order;
    }

    @Test
    void everyRowExactlyOncePerEpochWithShortLastBatch() {
        MiniBatches mb = new MiniBatches(data(103), 10, 42);
        assertEquals(11, mb.batchCount());
        assertEquals(10, mb.batchSize());
        assertEquals(10, mb.rows(0));
        assertEquals(3, mb.rows(10));
        for (int e = 0; e < 3; e++) {
            int[] order = epochOrder(mb, e);
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                assertEquals(i, sorted[i], "epoch " + e);
            }
        }
        float[] x = new float[20];
        assertEquals(3, mb.fill(10, x, null));
    }

    @Test
    void orderDependsOnlyOnSeedAndEpoch() {
        MiniBatches a = new MiniBatches(data(50), 8, 7);
        MiniBatches b = new MiniBatches(data(50), 8, 7);
        int[] a3 = epochOrder(a, 3);
        // b visits other epochs first, then epoch 3: the same order (resumed training).
        epochOrder(b, 0);
        epochOrder(b, 5);
        assertArrayEquals(a3, epochOrder(b, 3));
        assertArrayEquals(a3, epochOrder(a, 3));
        assertFalse(Arrays.equals(a3, epochOrder(a, 4)), "different epochs, different orders");
        MiniBatches c = new MiniBatches(data(50), 8, 8);
        assertFalse(Arrays.equals(a3, epochOrder(c, 3)), "different seeds, different orders");
        int[] identity = new int[50];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, epochOrder(a, 0)), "epoch 0 is shuffled too");
    }

    @Test
    void epochsAreRoughlyUniformPermutations() {
        // Position of row 0 over many epochs should be spread over all positions of a 5-row set.
        MiniBatches mb = new MiniBatches(data(5), 2, 1);
        int[] counts = new int[5];
        int epochs = 5000;
        for (int e = 0; e < epochs; e++) {
            mb.startEpoch(e);
            for (int p = 0; p < 5; p++) {
                if (mb.row(p / 2, p % 2) == 0) {
                    counts[p]++;
                }
            }
        }
        for (int p = 0; p < 5; p++) {
            // Expected 1000 each; sd ≈ 28, so ±150 fails only on real bias.
            assertTrue(Math.abs(counts[p] - epochs / 5) < 150, Arrays.toString(counts));
        }
    }

    @Test
    void fillDoesNotAllocate() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported(), "no per-thread allocation counter on this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        MiniBatches mb = new MiniBatches(data(1000), 32, 5);
        float[] x = new float[32 * 2];
        float[] y = new float[32 * 3];
        long id = Thread.currentThread().threadId();
        threads.getThreadAllocatedBytes(id);
        long before = threads.getThreadAllocatedBytes(id);
        long rows = 0;
        for (int rep = 0; rep < 50; rep++) {
            for (int b = 0; b < mb.batchCount(); b++) {
                rows += mb.fill(b, x, y);
            }
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(50 * 1000, rows);
        // A per-batch allocation of even one small array would cost > 50 * 32 * 16 bytes.
        assertTrue(allocated < 4096, "fill allocated " + allocated + " bytes");
    }

    @Test
    void fillLabelsMatchesTargets() {
        MiniBatches mb = new MiniBatches(data(20), 6, 3);
        mb.startEpoch(2);
        int[] labels = new int[6];
        float[] x = new float[12];
        assertEquals(2, mb.fillLabels(3, labels));
        mb.fill(3, x, null);
        assertEquals((int) x[0] % 3, labels[0]);
        assertEquals((int) x[2] % 3, labels[1]);
    }

    @Test
    void inOrderKeepsDatasetOrder() {
        MiniBatches mb = MiniBatches.inOrder(data(7), 3);
        int[] identity = {0, 1, 2, 3, 4, 5, 6};
        assertArrayEquals(identity, epochOrder(mb, 0));
        assertArrayEquals(identity, epochOrder(mb, 9));
    }

    @Test
    void batchLargerThanDataGivesOneBatch() {
        MiniBatches mb = new MiniBatches(data(4), 100, 0);
        assertEquals(1, mb.batchCount());
        assertEquals(4, mb.fill(0, new float[8], new float[12]));
    }

    @Test
    void rejectsBadArguments() {
        Dataset d = data(10);
        assertThrows(IllegalArgumentException.class, () -> new MiniBatches(d, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MiniBatches(d.subset(new int[0]), 4, 1));
        MiniBatches mb = new MiniBatches(d, 4, 1);
        assertThrows(IllegalArgumentException.class, () -> mb.startEpoch(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> mb.fill(3, new float[8], new float[12]));
        assertThrows(IndexOutOfBoundsException.class, () -> mb.fill(0, new float[7], new float[12]));
        assertThrows(IndexOutOfBoundsException.class, () -> mb.fill(0, new float[8], new float[11]));
        // The short last batch (2 rows) needs only 2 rows of room.
        assertEquals(2, mb.fill(2, new float[4], new float[6]));
        Dataset r = Dataset.ofTargets("r", new float[] {1, 2}, 1, new float[] {1, 2}, 1);
        assertThrows(IllegalStateException.class, () -> new MiniBatches(r, 1, 1).fillLabels(0, new int[1]));
    }
}
