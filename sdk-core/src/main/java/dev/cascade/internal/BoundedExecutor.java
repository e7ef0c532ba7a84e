package dev.cascade.internal;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One side (executions, or timed-call hand-offs) of Cascade's shared default executor: at most {@code max} tasks at
 * once, each on its own thread, never queued. A task beyond the bound is refused at once with a
 * {@link RejectedExecutionException} that says which bound and what to do; the engine turns that into a recorded
 * outcome (see {@link CascadeThreads}). On virtual threads a semaphore bounds the tasks and each gets a new virtual
 * thread; on platform threads a pool of at most {@code max} daemon threads (idle ones end after 60 s).
 *
 * <p>Thread-safe. Shared by every chain that uses the default, so it lives as long as the JVM: {@link #shutdown()} and
 * {@link #shutdownNow()} do nothing.
 */
final class BoundedExecutor extends AbstractExecutorService {
    private final String what;
    private final int max;
    private final boolean virtual;
    private final boolean perTask;
    /** Virtual side: one permit per running task. */
    private final Semaphore permits;
    private final ThreadFactory virtualThreads;
    /** Platform side. */
    private final ThreadPoolExecutor pool;

    /**
     * @param what    what the side runs, for the rejection message ("async executions", "timed model calls")
     * @param factory a new thread per task (virtual threads), or null for a platform pool named {@code prefix-N}
     */
    BoundedExecutor(String what, String prefix, int max, ThreadFactory factory) {
        this(what, prefix, max, factory, factory != null);
    }

    /** As above; {@code virtual} says what {@code factory}'s threads are (tests give a platform factory). */
    BoundedExecutor(String what, String prefix, int max, ThreadFactory factory, boolean virtual) {
        this.what = what;
        this.max = max;
        this.virtual = virtual;
        this.perTask = factory != null;
        if (perTask) {
            this.permits = new Semaphore(max);
            this.virtualThreads = factory;
            this.pool = null;
        } else {
            this.permits = null;
            this.virtualThreads = null;
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            this.pool = new ThreadPoolExecutor(0, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, prefix + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, (r, p) -> {
                throw rejected();
            });
        }
    }

    /** Whether tasks run on virtual threads. */
    boolean virtual() {
        return virtual;
    }

    /** The most tasks that run at once. */
    int max() {
        return max;
    }

    /** Tasks running now (platform: threads busy). */
    int active() {
        return perTask ? max - permits.availablePermits() : pool.getActiveCount();
    }

    @Override
    public void execute(Runnable task) {
        if (!perTask) {
            pool.execute(task);
            return;
        }
        if (!permits.tryAcquire()) {
            throw rejected();
        }
        try {
            virtualThreads.newThread(() -> {
                try {
                    task.run();
                } finally {
                    permits.release();
                }
            }).start();
        } catch (Throwable e) {
            permits.release();
            throw e;
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("Cascade's default executor is full: all " + max + " "
                + (virtual ? "virtual" : "platform") + " threads for " + what + " are busy. Bound each model step's"
                + " calls in flight with a bulkhead (s.bulkhead(b -> b.maxConcurrentCalls(n))), or give the chain an"
                + " executor of your own (CascadeBuilder.executor(...))");
    }

    @Override
    public void shutdown() {
        // Shared by every chain using the default: it ends with the JVM (its threads are daemons).
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }

    @Override
    public String toString() {
        return "cascade default executor (" + what + ", at most " + max + (virtual ? " virtual" : " platform")
                + " threads)";
    }
}
