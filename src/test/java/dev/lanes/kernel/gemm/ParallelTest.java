package dev.lanes.kernel.gemm;

import dev.lanes.testsupport.HangGuard;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelTest {

    @Test
    void runsEveryTaskExactlyOnceAndTheCallerTakesAShare() throws Exception {
        ExecutorService exec = Executors.newFixedThreadPool(3);
        try {
            AtomicIntegerArray runs = new AtomicIntegerArray(40);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            Thread caller = Thread.currentThread();
            CountDownLatch callerWorked = new CountDownLatch(1);
            Parallel.run(40, 4, exec, t -> {
                runs.incrementAndGet(t);
                threads.add(Thread.currentThread());
                if (Thread.currentThread() == caller) {
                    callerWorked.countDown();
                } else {
                    // Helpers hold their task until the caller has taken one. A caller that took
                    // none and is parked waiting for the helpers (its park blocker is the call's
                    // fork) never will: that is the failure, detected without a clock.
                    try {
                        while (!callerWorked.await(50, TimeUnit.MILLISECONDS)) {
                            if (LockSupport.getBlocker(caller) instanceof Parallel.Fork
                                    && callerWorked.getCount() != 0) {
                                throw new AssertionError("the calling thread took no task and waits for the helpers");
                            }
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            for (int t = 0; t < 40; t++) {
                assertEquals(1, runs.get(t), "task " + t);
            }
            assertTrue(threads.contains(caller), "the caller takes a share");
        } finally {
            exec.shutdownNow();
        }
    }

    @Test
    void callerDoesAllTheWorkWhenTheExecutorRejects() {
        ExecutorService exec = Executors.newSingleThreadExecutor();
        exec.shutdown(); // rejects everything
        AtomicIntegerArray runs = new AtomicIntegerArray(5);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Parallel.run(5, 4, exec, t -> {
            threads.add(Thread.currentThread());
            runs.incrementAndGet(t);
        });
        for (int t = 0; t < 5; t++) {
            assertEquals(1, runs.get(t));
        }
        assertEquals(Set.of(Thread.currentThread()), threads);
        assertThrows(RejectedExecutionException.class, () -> exec.execute(() -> { }));
    }

    @Test
    void exceptionsInWorkersReachTheCaller() {
        ExecutorService exec = Executors.newFixedThreadPool(2);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Parallel.run(8, 3, exec, t -> {
                        busy();
                        if (t == 5) {
                            throw new IllegalStateException("task five failed");
                        }
                    }));
            assertEquals("task five failed", e.getMessage());
            AssertionError err = assertThrows(AssertionError.class,
                    () -> Parallel.run(3, 3, null, t -> {
                        throw new AssertionError("boom " + t);
                    }));
            assertTrue(err.getMessage().startsWith("boom"));
        } finally {
            exec.shutdownNow();
        }
    }

    /**
     * Each calling thread reuses one fork, and a helper may arrive after the call it was asked to
     * help with has ended, or in the middle of the next one. Many short calls from several callers
     * at once, on the library's helpers and on a small executor: every task of every call must
     * run exactly once, before its call returns.
     */
    @Test
    void rapidCallsFromSeveralThreadsRunEveryTaskOnce() throws Exception {
        ExecutorService exec = Executors.newFixedThreadPool(2);
        try {
            for (ExecutorService e : new ExecutorService[]{null, exec}) {
                int callers = 4;
                int calls = 3000;
                java.util.List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                Thread[] threads = new Thread[callers];
                for (int ci = 0; ci < callers; ci++) {
                    int seed = ci;
                    threads[ci] = new Thread(() -> {
                        try {
                            for (int call = 0; call < calls; call++) {
                                int tasks = 2 + (call + seed) % 6;
                                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                                Parallel.run(tasks, 3, e, t -> runs.incrementAndGet(t));
                                for (int t = 0; t < tasks; t++) {
                                    if (runs.get(t) != 1) {
                                        throw new AssertionError("call " + call + " task " + t + " ran "
                                                + runs.get(t) + " times by the time the call returned");
                                    }
                                }
                            }
                        } catch (Throwable t) {
                            errors.add(t);
                        }
                    });
                    threads[ci].start();
                }
                for (Thread t : threads) {
                    // A deadlock guard only (HangGuard), never a speed limit.
                    t.join(HangGuard.LIMIT.toMillis());
                    assertFalse(t.isAlive(), "a caller hangs");
                }
                assertTrue(errors.isEmpty(), () -> (e == null ? "library helpers: " : "executor: ") + errors);
            }
        } finally {
            exec.shutdownNow();
        }
    }

    /**
     * An executor that fails in another way than rejecting (here: after accepting one helper):
     * the call still finishes every task before the failure reaches the caller, so no task can
     * write into the caller's arrays after sgemm has thrown.
     */
    @Test
    void aFailingHandOffIsReportedOnlyAfterEveryTaskIsDone() {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService failing = new java.util.concurrent.AbstractExecutorService() {
            @Override
            public void execute(Runnable r) {
                if (accepted.getAndIncrement() > 0) {
                    throw new IllegalStateException("no thread for you");
                }
                pool.execute(r);
            }

            @Override
            public void shutdown() {
                pool.shutdown();
            }

            @Override
            public java.util.List<Runnable> shutdownNow() {
                return pool.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return pool.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return pool.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                return pool.awaitTermination(timeout, unit);
            }
        };
        try {
            AtomicIntegerArray runs = new AtomicIntegerArray(12);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Parallel.run(12, 4, failing, t -> {
                        busy();
                        runs.incrementAndGet(t);
                    }));
            assertEquals("no thread for you", e.getMessage());
            for (int t = 0; t < 12; t++) {
                assertEquals(1, runs.get(t), "task " + t + " was not done when the failure was thrown");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A caller that waited long for a task a helper had claimed (the helper's thread taken off its
     * CPU, here by a sleep) runs its next calls alone, every task once; after a while it hands
     * work to the helpers again. On a thread of its own, since the back-off belongs to the calling
     * thread.
     */
    @Test
    void aCallerThatWaitedForAStalledHelperRunsItsNextCallsAlone() throws Exception {
        onFreshThread(() -> {
            Thread caller = Thread.currentThread();
            stall(caller, null);
            Set<Thread> ran = ConcurrentHashMap.newKeySet();
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            Parallel.run(8, 2, null, t -> {
                ran.add(Thread.currentThread());
                runs.incrementAndGet(t);
                busy();
            });
            assertEquals(Set.of(caller), ran, "the call after a stall runs on the caller alone");
            for (int t = 0; t < 8; t++) {
                assertEquals(1, runs.get(t), "task " + t);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            boolean helped = false;
            while (!helped && System.nanoTime() - deadline < 0) {
                Set<Thread> r = ConcurrentHashMap.newKeySet();
                Parallel.run(8, 2, null, t -> {
                    r.add(Thread.currentThread());
                    busy();
                });
                helped = r.size() > 1;
                LockSupport.parkNanos(5_000_000);
            }
            assertTrue(helped, "the helpers are used again once the back-off has passed");
        });
    }

    /** An executor of the embedding program is used on every call, stall or not. */
    @Test
    void anExecutorHandedInIsUsedAfterAStallToo() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            onFreshThread(() -> {
                Thread caller = Thread.currentThread();
                stall(caller, pool);
                Set<Thread> ran = ConcurrentHashMap.newKeySet();
                CountDownLatch helperRan = new CountDownLatch(1);
                Parallel.run(2, 2, pool, t -> {
                    ran.add(Thread.currentThread());
                    if (Thread.currentThread() != caller) {
                        helperRan.countDown();
                    } else {
                        awaitQuietly(helperRan);
                    }
                });
                assertTrue(ran.stream().anyMatch(t -> t != caller), "the executor's thread took a task");
            });
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One call of two tasks in which the helper claims one and then sleeps for 100 ms, while the
     * caller's own task waits only until the helper has claimed its task.
     */
    private static void stall(Thread caller, ExecutorService executor) {
        CountDownLatch helperIn = new CountDownLatch(1);
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        Parallel.run(2, 2, executor, t -> {
            ran.add(Thread.currentThread());
            if (Thread.currentThread() != caller) {
                helperIn.countDown();
                long end = System.nanoTime() + 100_000_000L;
                while (System.nanoTime() - end < 0) {
                    LockSupport.parkNanos(end - System.nanoTime());
                }
            } else {
                awaitQuietly(helperIn);
            }
        });
        assertTrue(ran.stream().anyMatch(t -> t != caller), "a helper took one of the two tasks");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "the helper never started");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void onFreshThread(Runnable test) throws Exception {
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread t = new Thread(() -> {
            try {
                test.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "parallel-test-caller");
        t.start();
        t.join(120_000);
        assertFalse(t.isAlive(), "the test's caller hangs");
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
    }

    private static void busy() {
        long end = System.nanoTime() + 200_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
