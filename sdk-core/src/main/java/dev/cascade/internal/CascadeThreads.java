package dev.cascade.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor chains use when the user gives none: a cached pool of daemon threads. Not the common fork-join pool:
 * model calls block, and on a 2-core machine the common pool has one thread.
 */
public final class CascadeThreads {
    private CascadeThreads() {
    }

    private static final class Holder {
        static final ExecutorService DEFAULT = create();

        private static ExecutorService create() {
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, "cascade-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            return pool;
        }
    }

    private static final class TimerHolder {
        static final ScheduledExecutorService TIMER = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "cascade-timer");
                t.setDaemon(true);
                return t;
            });
            // Most timers are cancelled early (the abandoned call ended): drop them from the queue at once.
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    /**
     * One daemon thread for the engine's real-time timers (the late-completion grace of abandoned calls), created on
     * first use. Tasks on it must be short.
     */
    public static ScheduledExecutorService scheduler() {
        return TimerHolder.TIMER;
    }

    /** The shared default executor, created on first use. */
    public static ExecutorService defaultExecutor() {
        return Holder.DEFAULT;
    }
}
