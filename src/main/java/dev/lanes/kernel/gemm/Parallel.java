package dev.lanes.kernel.gemm;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs a fixed set of independent tasks on the calling thread plus helpers, either the library's
 * own parked daemon threads or those of an executor the embedding program hands in.
 *
 * <p>Tasks are claimed from a shared counter, so the caller never waits for a helper that has not
 * started: with a busy or single-threaded executor the caller simply does every task itself, and
 * it waits only for tasks that a running helper has claimed. The split of work into tasks is fixed
 * by the caller, independently of who runs which task, which is what keeps parallel GEMM results
 * bit-identical for any thread count.
 *
 * <p>On a busy machine another process can take a helper's CPU in the middle of a task, and the
 * caller then waits milliseconds for it. A caller keeps running means of how long it waited for
 * its helpers' claimed tasks and of how long their tasks saved it. When it has just waited longer
 * than {@link #STALL_NANOS} and longer than its own share took, and waiting has come to cost more
 * than the helpers save, it runs its next calls alone: at least two, and all for
 * {@link #ALONE_NANOS}·2<sup>level−1</sup>, where the level counts such stalls that came within
 * {@link #STALL_MEMORY_NANOS} of each other (up to {@link #MAX_STALL_LEVEL}). On a machine that
 * stays busy the caller so runs alone most of the time and tries its helpers again about twice a
 * second; the rare stall of a quiet machine changes nothing. Only on the library's helpers: an
 * executor handed in is the embedding program's to schedule, and is used on every call.
 *
 * <p>Once warm, a call on the library's threads allocates nothing: each calling thread reuses one
 * {@link Fork}, and the helpers wait for work in a slot of their own rather than in a queue. (An
 * executor handed in may allocate in its own queue.)
 */
public final class Parallel {

    private Parallel() {
    }

    /**
     * The state of one calling thread's parallel calls, reused from call to call. A helper that
     * starts late — after the call it was asked to help with has finished — finds no task left, or
     * joins a later call of the same caller as a full participant: a task is claimed by a
     * compare-and-set on (generation, next index), which fails once the caller has moved on; a
     * call's inputs are written while its generation is closed and published by opening it.
     */
    static final class Fork implements Runnable {
        /** Generation in the high 32 bits, next unclaimed task in the low 32. */
        private final AtomicLong state = new AtomicLong();
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile int tasks;
        private volatile IntConsumer body;
        private volatile Thread caller;
        /** Set while the owner thread is inside a call, so a nested call gets a fork of its own. */
        private boolean busy;
        /** Stalls in a row: each within {@link #STALL_MEMORY_NANOS} of the one before raises it. */
        private int stallLevel;
        private long lastStall;
        /** Running means over about the last {@link #WINDOW_CALLS} calls: nanoseconds waited, saved. */
        private double meanWaited;
        private double meanSaved;
        /** After a stall the owner's next calls on the library's helpers run alone: this many... */
        private int aloneCalls;
        /** ...and every call until this {@link System#nanoTime()}. */
        private long aloneUntil;

        /** Whether the owner's next call should run on its own thread (counting it if so). */
        boolean runAlone() {
            if (stallLevel == 0) {
                return false;
            }
            if (aloneCalls > 0) {
                aloneCalls--;
                return true;
            }
            return System.nanoTime() - aloneUntil < 0;
        }

        /**
         * Takes note of a call on the library's helpers: {@code own} nanoseconds from the hand-off
         * until the caller ran out of tasks, in which it ran {@code mine} of the {@code tasks};
         * then {@code waited} nanoseconds for tasks that helpers had claimed. The helpers' tasks
         * saved about as long as the caller took for as many.
         */
        void record(long own, long waited, int mine, int tasks) {
            double saved = mine == 0 ? 0 : (double) own * (tasks - mine) / mine;
            meanWaited += (waited - meanWaited) / WINDOW_CALLS;
            meanSaved += (saved - meanSaved) / WINDOW_CALLS;
            if (waited > STALL_NANOS && waited > own && meanWaited > meanSaved) {
                long now = System.nanoTime();
                boolean recent = stallLevel > 0 && now - lastStall < STALL_MEMORY_NANOS;
                stallLevel = recent ? Math.min(stallLevel + 1, MAX_STALL_LEVEL) : 1;
                lastStall = now;
                aloneCalls = 2;
                aloneUntil = now + (ALONE_NANOS << (stallLevel - 1));
                meanWaited = 0; // judged afresh when the helpers are tried again
            }
        }

        @Override
        public void run() {
            work();
        }

        /** Claims and runs tasks of the current call until none is left. */
        int work() {
            int ran = 0;
            while (true) {
                long s = state.get();
                int next = (int) s;
                // tasks and body are written before the generation is published; if they already
                // belong to a newer call, s is stale and the compare-and-set below fails.
                IntConsumer b = body;
                if (next >= tasks || b == null) {
                    return ran;
                }
                if (!state.compareAndSet(s, s + 1)) {
                    continue;
                }
                ran++;
                try {
                    b.accept(next);
                } catch (Throwable e) {
                    if (!failure.compareAndSet(null, e)) {
                        failure.get().addSuppressed(e);
                    }
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }

    /**
     * A call stalled when its caller, out of tasks, waited longer than this and longer than its
     * own share took, for a task a helper had claimed: the helper's thread was taken off its CPU
     * (by another process, as on a busy machine) in the middle of the task. A helper running
     * normally keeps the caller waiting for at most the rest of one task.
     */
    static final long STALL_NANOS = 250_000;
    /** How long the calls after a first stall run alone; doubled by each further stall. */
    static final long ALONE_NANOS = 8_000_000;
    /** Stalls counted at most (calls alone for up to ALONE_NANOS·2⁶, about half a second). */
    static final int MAX_STALL_LEVEL = 7;
    /**
     * Calls over which waiting and saving are averaged. A stall of a few milliseconds once in a
     * thousand calls, as a virtual machine's second CPU is now and then taken away, costs less
     * than the helpers save; one every few dozen calls, as beside a busy process, costs more.
     */
    static final int WINDOW_CALLS = 256;
    /** A stall this long after the one before starts the count again (the machine has changed). */
    static final long STALL_MEMORY_NANOS = 2_000_000_000L;

    /** How long an idle helper of the library keeps polling for work before it parks. */
    static final long HELPER_SPIN_NANOS = 200_000;
    /** How long a caller polls for its helpers' last tasks before it parks. */
    static final long CALLER_SPIN_NANOS = 50_000;

    /** Polls {@code slot} for up to {@code nanos}; the job found, or null. */
    private static Fork spinForJob(AtomicReference<Fork> slot, long nanos) {
        long deadline = System.nanoTime() + nanos;
        int polls = 0;
        while (true) {
            Fork f = slot.get();
            if (f != null) {
                return f;
            }
            Thread.onSpinWait();
            // the clock is read only every 64 polls: it costs more than a poll
            if ((++polls & 63) == 0 && System.nanoTime() - deadline > 0) {
                return null;
            }
        }
    }

    /** A next-task index no call reaches: a generation being set up. */
    private static final long CLOSED = Integer.MAX_VALUE;

    private static final ThreadLocal<Fork> FORKS = ThreadLocal.withInitial(Fork::new);

    /** A helper thread of the library: parks until a fork is put in its slot, works on it, repeats. */
    private static final class Helper extends Thread {
        final AtomicReference<Fork> job = new AtomicReference<>();

        Helper(int id) {
            super("lanes-kernel-" + id);
            setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                Fork f = job.get();
                if (f == null) {
                    // A training step hands work out every few hundred microseconds; waking a parked
                    // thread took ~100–300 µs on the 2-core VMs measured, so stay awake a while first.
                    f = spinForJob(job, HELPER_SPIN_NANOS);
                    if (f == null) {
                        LockSupport.park(this);
                        continue;
                    }
                }
                try {
                    f.work();
                } finally {
                    job.set(null);
                }
            }
        }
    }

    /**
     * The library's helpers, created on demand up to one fewer than the processors, and never
     * stopped (daemon threads). More would only take turns on the same processors: a call never
     * needs a helper (its caller runs every task no helper claims), so when every helper is busy
     * the caller simply does more itself.
     */
    private static final class Pool {
        /** Grown only under the lock; read without it. */
        private static volatile Helper[] helpers = new Helper[0];
        private static final int MAX_HELPERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        /** How long a hand-off waits for a helper that is just finishing its last job. */
        private static final long IDLE_WAIT_NANOS = 20_000;

        /**
         * Hands the fork to an idle helper, creating one if none is idle and the pool may grow;
         * false when no helper could take it.
         */
        static boolean handOff(Fork fork) {
            if (tryIdle(fork)) {
                return true;
            }
            synchronized (Pool.class) {
                if (helpers.length < MAX_HELPERS) {
                    Helper h = new Helper(helpers.length + 1);
                    h.job.set(fork);
                    Helper[] grown = java.util.Arrays.copyOf(helpers, helpers.length + 1);
                    grown[grown.length - 1] = h;
                    helpers = grown;
                    h.start();
                    return true;
                }
            }
            // A helper that has just run this caller's previous call may not have let go of it yet.
            long deadline = System.nanoTime() + IDLE_WAIT_NANOS;
            while (System.nanoTime() - deadline < 0) {
                if (tryIdle(fork)) {
                    return true;
                }
                Thread.onSpinWait();
            }
            return false;
        }

        private static boolean tryIdle(Fork fork) {
            for (Helper h : helpers) {
                if (h.job.compareAndSet(null, fork)) {
                    LockSupport.unpark(h);
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Runs {@code body.accept(t)} for t in 0..tasks-1, using at most {@code threads} threads
     * (the caller and threads-1 helpers from {@code executor}, or the library's own helpers when
     * null). Returns when every task has finished; the first exception or error thrown by a task
     * is rethrown to the caller (later ones are added as suppressed). On the library's helpers, a
     * caller that has just waited for a stalled helper (see {@link #STALL_NANOS}) runs its next
     * calls alone for a while, as on one thread: the first exception then ends the call.
     */
    public static void run(int tasks, int threads, ExecutorService executor, IntConsumer body) {
        Fork fork = tasks <= 1 || threads <= 1 ? null : FORKS.get();
        if (fork != null && fork.busy) {
            fork = new Fork(); // a task that itself runs tasks in parallel
        }
        // After a stall on the library's helpers, the caller's next calls run alone: waiting for a
        // helper that another process has taken the CPU from costs milliseconds, more than small
        // calls gain. Who runs a task never changes what it computes, so neither do the bits.
        if (fork == null || executor == null && fork.runAlone()) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        fork.busy = true;
        try {
            // Close the next generation first (no index can be claimed), so a late helper of the
            // last call cannot pair its stale index with this call's task count; then set the
            // call up and open it.
            long start = System.nanoTime();
            long generation = (fork.state.get() >>> 32) + 1;
            fork.state.set(generation << 32 | CLOSED);
            fork.failure.set(null);
            fork.pending.set(tasks);
            fork.caller = Thread.currentThread();
            fork.body = body;
            fork.tasks = tasks;
            fork.state.set(generation << 32); // publishes the call: task 0 is next
            int helpers = Math.min(threads, tasks) - 1;
            Throwable handOffFailure = null;
            try {
                for (int h = 0; h < helpers; h++) {
                    if (executor == null) {
                        if (!Pool.handOff(fork)) {
                            break; // every helper is busy: the caller does the rest
                        }
                    } else {
                        executor.execute(fork);
                    }
                }
            } catch (RejectedExecutionException e) {
                // The caller picks up the work.
            } catch (RuntimeException | Error e) {
                // E.g. no thread could be started. The tasks handed off so far may be running: the
                // call is finished first, so nothing writes into the caller's arrays after it throws.
                handOffFailure = e;
            }
            int mine = fork.work();
            long ownEnd = System.nanoTime();
            awaitClaimedTasks(fork);
            if (executor == null) {
                fork.record(ownEnd - start, System.nanoTime() - ownEnd, mine, tasks);
            }
            fork.body = null; // every task is claimed and done: no helper reads it again
            if (handOffFailure != null) {
                fork.failure.compareAndSet(null, handOffFailure);
            }
        } finally {
            fork.busy = false;
        }
        Throwable e = fork.failure.getAndSet(null);
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every task is done; tasks write into the caller's arrays, so even an interrupt waits. */
    private static void awaitClaimedTasks(Fork fork) {
        long deadline = System.nanoTime() + CALLER_SPIN_NANOS;
        int polls = 0;
        while (fork.pending.get() != 0) {
            Thread.onSpinWait();
            if ((++polls & 63) == 0 && System.nanoTime() - deadline > 0) {
                break;
            }
        }
        boolean interrupted = false;
        while (fork.pending.get() != 0) {
            LockSupport.park(fork);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
