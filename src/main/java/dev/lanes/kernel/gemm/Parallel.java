package dev.lanes.kernel.gemm;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs a fixed set of independent tasks on the calling thread plus helpers from an executor.
 *
 * <p>Tasks are claimed from a shared counter, so the caller never waits for a helper that has not
 * started: with a busy or single-threaded executor the caller simply does every task itself. The
 * split of work into tasks is fixed by the caller, independently of who runs which task, which is
 * what keeps parallel GEMM results bit-identical for any thread count.
 */
public final class Parallel {

    private Parallel() {
    }

    /** The library's own pool: daemon threads, created on first parallel call, shared by all kernels. */
    private static final class Pool {
        private static final AtomicInteger COUNTER = new AtomicInteger();
        static final ExecutorService INSTANCE = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lanes-kernel-" + COUNTER.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The library's shared daemon pool. */
    public static ExecutorService defaultPool() {
        return Pool.INSTANCE;
    }

    /**
     * Runs {@code body.accept(t)} for t in 0..tasks-1, using at most {@code threads} threads
     * (the caller and threads-1 helpers from {@code executor}, or the library pool when null).
     * Returns when every task has finished; the first exception or error thrown by a task is
     * rethrown to the caller (later ones are added as suppressed).
     */
    public static void run(int tasks, int threads, ExecutorService executor, IntConsumer body) {
        if (tasks <= 1 || threads <= 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        ExecutorService exec = executor != null ? executor : defaultPool();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(tasks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int t; (t = next.getAndIncrement()) < tasks; ) {
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    if (!failure.compareAndSet(null, e)) {
                        failure.get().addSuppressed(e);
                    }
                } finally {
                    done.countDown();
                }
            }
        };
        int helpers = Math.min(threads, tasks) - 1;
        for (int h = 0; h < helpers; h++) {
            try {
                exec.execute(worker);
            } catch (RejectedExecutionException e) {
                break; // the caller picks up the work
            }
        }
        worker.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                // Tasks write into the caller's arrays: never return while one is still running.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable e = failure.get();
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
}
