package dev.lanes.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.storage.BlockData;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.storage.TestBlockId;
import org.apache.spark.util.io.ChunkedByteBuffer;

import scala.Option;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Point-to-point messages between the long-lived tasks of sliced synchronization, through the
 * executors' Spark block managers (BigDL's way): a task puts a message as an in-memory block under
 * a name every task can compute, the master learns where it is, and the reader polls its own block
 * manager, then the master, until the block exists and fetches it over Spark's block transfer
 * service. No message passes through the driver; only the block locations do.
 *
 * <p>Names: {@code test_lanes-<run>-<kind>-<step>-<slice>-<from>}. Spark's block names are a closed
 * set it parses on the serving side; "test_" is the one kind it keeps for free-form ids.
 */
final class SliceExchange {

    /** Serialized form of floats in blocks; x86 and ARM copy it without swapping bytes. */
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final BlockManager bm;
    private final String run;
    private final long timeoutNanos;
    /** Blocks this task put and has not removed yet, oldest first. */
    private final Set<BlockId> own = new LinkedHashSet<>();

    /**
     * @param run            the training run's id, unique per fit
     * @param timeoutSeconds how long a read waits for a block before it fails the task
     */
    SliceExchange(String run, long timeoutSeconds) {
        this.bm = SparkEnv.get().blockManager();
        this.run = run;
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
    }

    private static String prefix(String run) {
        return "lanes-" + run + "-";
    }

    /** The gradient slice {@code slice} that partition {@code from} computed in global step {@code step}. */
    BlockId gradient(int step, int slice, int from) {
        return TestBlockId.apply(prefix(run) + "g-" + step + "-" + slice + "-" + from);
    }

    /** Parameter slice {@code slice} after the update of global step {@code step}. */
    BlockId weights(int step, int slice) {
        return TestBlockId.apply(prefix(run) + "w-" + step + "-" + slice);
    }

    /**
     * Stores {@code bytes} (position 0 to limit) as block {@code id}, in memory, and tells the
     * master. Serialized level: a deserialized one would make Spark decode the bytes as objects.
     */
    void put(BlockId id, ByteBuffer bytes) {
        ChunkedByteBuffer chunked = new ChunkedByteBuffer(new ByteBuffer[] {bytes});
        boolean stored = bm.putBytes(id, chunked, StorageLevel.MEMORY_ONLY_SER(), true,
                scala.reflect.ClassTag$.MODULE$.apply(byte[].class));
        if (!stored) {
            throw new IllegalStateException("the block manager did not store " + id.name() + " (" + bytes.limit()
                    + " bytes; executor storage memory full?)");
        }
        own.add(id);
    }

    /**
     * Block {@code id}'s bytes, waiting until some task has put it.
     *
     * @param what names the message and its sender, for the timeout error
     * @throws IllegalStateException after the timeout
     */
    ByteBuffer fetch(BlockId id, String what) {
        long deadline = System.nanoTime() + timeoutNanos;
        long pause = 20_000;
        while (true) {
            Option<BlockData> local = bm.getLocalBytes(id);
            if (local.isDefined()) {
                BlockData d = local.get();
                try {
                    return copy(d.toByteBuffer());
                } finally {
                    bm.releaseLockAndDispose(id, d, Option.empty());
                }
            }
            Option<ChunkedByteBuffer> remote = bm.getRemoteBytes(id);
            if (remote.isDefined()) {
                ChunkedByteBuffer c = remote.get();
                try {
                    return copy(c.toByteBuffer());
                } finally {
                    c.dispose();
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("sliced synchronization: waited " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                        + " s for " + what + " (block " + id.name() + "); that task is lost or stalled (see its executor's log),"
                        + " or raise " + DataParallelTrainer.TIMEOUT_CONF);
            }
            if (Thread.interrupted()) {
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(1_000_000, pause * 2);
        }
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer out = ByteBuffer.allocate(b.remaining()).order(ORDER);
        out.put(b.duplicate());
        return out.flip();
    }

    /** Removes block {@code id} this task put (locally, and from the master's records). */
    void remove(BlockId id) {
        if (own.remove(id)) {
            bm.removeBlock(id, true);
        }
    }

    /** Removes every block this task put that is still stored. */
    void removeAll() {
        for (BlockId id : new ArrayList<>(own)) {
            remove(id);
        }
    }

    /**
     * On the driver after the run, also when it failed: removes every block of run {@code run}
     * from every block manager (tasks remove their own as soon as all readers have them; this
     * takes the last step's parameter slices and whatever a failed run left).
     */
    static void removeRun(String run) {
        String p = "test_" + prefix(run);
        scala.Function1<BlockId, Object> match = (scala.Function1<BlockId, Object> & Serializable) id -> id.name().startsWith(p);
        var master = SparkEnv.get().blockManager().master();
        List<BlockId> ids = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(master.getMatchingBlockIds(match, true)));
        for (BlockId id : ids) {
            master.removeBlock(id);
        }
    }
}
