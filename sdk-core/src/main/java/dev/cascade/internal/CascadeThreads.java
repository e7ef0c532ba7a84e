package dev.cascade.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/**
 * The executor chains use when the user gives none, in two bounded sides so that executions can never take the
 * threads their own timed calls need: one runs {@code executeAsync} executions, the other the hand-off of each model
 * call that has a timeout (the caller waits on its own thread, the call runs on one of these so the caller is freed on
 * time even when the client ignores interrupts).
 *
 * <ul>
 *   <li><b>JDK 21+</b> (detected at run time; the library is built for Java 17): virtual threads, at most
 *   {@value #VIRTUAL_MAX} tasks per side. A blocked model call then costs a virtual thread, not a platform one: 1,000
 *   in-flight calls run on a few dozen platform threads. Opt out with {@code CascadeBuilder.virtualThreads(false)}.</li>
 *   <li><b>JDK 17-20</b>, or opted out: daemon platform threads, at most {@value #PLATFORM_MAX} per side, idle ones
 *   ending after 60 s.</li>
 * </ul>
 * A side never queues: when it is full the task is refused at once and the engine records it. A refused hand-off is
 * the attempt's failure with kind {@code BULKHEAD_FULL} (the call was not made; the chain falls through); a refused
 * {@code executeAsync} runs on the caller's thread with every model and custom step skipped as {@code BULKHEAD_FULL},
 * so rules and the review step still take the input. Not the common fork-join pool: model calls block, and on a
 * 2-core machine the common pool has one thread.
 */
public final class CascadeThreads {
    /** Most tasks per side on platform threads. */
    public static final int PLATFORM_MAX = 1024;
    /** Most tasks per side on virtual threads: they are cheap, but each blocked call still holds its request. */
    public static final int VIRTUAL_MAX = 10_000;

    private CascadeThreads() {
    }

    /** The two sides of one default executor. */
    private record Sides(BoundedExecutor executions, BoundedExecutor calls) {
        static Sides create(ThreadFactory virtual) {
            int max = virtual != null ? VIRTUAL_MAX : PLATFORM_MAX;
            return new Sides(new BoundedExecutor("async executions", "cascade-", max, virtual),
                    new BoundedExecutor("timed model calls", "cascade-call-", max, virtual));
        }
    }

    private static final class Platform {
        static final Sides SIDES = Sides.create(null);
    }

    private static final class Virtual {
        static final Sides SIDES = Sides.create(VirtualThreads.FACTORY);
    }

    /** Run-time detection of virtual threads, through method handles: the code compiles and runs on Java 17. */
    private static final class VirtualThreads {
        static final ThreadFactory FACTORY = factory();
        static final MethodHandle IS_VIRTUAL = isVirtual();

        private static ThreadFactory factory() {
            if (Runtime.version().feature() < 21) {
                return null; // 19 and 20 have them as a preview only
            }
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Class<?> builder = Class.forName("java.lang.Thread$Builder");
                Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
                Object b = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
                b = lookup.findVirtual(ofVirtual, "name", MethodType.methodType(ofVirtual, String.class, long.class))
                        .invoke(b, "cascade-v-", 0L);
                return (ThreadFactory) lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class))
                        .invoke(b);
            } catch (Throwable e) {
                if (e instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
                return null; // not available here: platform threads
            }
        }

        private static MethodHandle isVirtual() {
            try {
                return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                        MethodType.methodType(boolean.class));
            } catch (ReflectiveOperationException e) {
                return null;
            }
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

    /** Whether this JVM runs virtual threads (JDK 21+): then the default executor uses them unless opted out. */
    public static boolean virtualThreadsAvailable() {
        return VirtualThreads.FACTORY != null;
    }

    /** Whether {@code thread} is a virtual thread; always false before JDK 21. */
    public static boolean isVirtual(Thread thread) {
        MethodHandle m = VirtualThreads.IS_VIRTUAL;
        if (m == null) {
            return false;
        }
        try {
            return (boolean) m.invoke(thread);
        } catch (Throwable e) {
            if (e instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e);
        }
    }

    /** The shared default executor: on virtual threads when the JVM has them. */
    public static ExecutorService defaultExecutor() {
        return defaultExecutor(true);
    }

    /**
     * The shared default executor for executions, created on first use: on virtual threads when {@code virtualThreads}
     * and the JVM has them, else on bounded platform threads.
     */
    public static ExecutorService defaultExecutor(boolean virtualThreads) {
        return (virtualThreads && virtualThreadsAvailable() ? Virtual.SIDES : Platform.SIDES).executions();
    }

    /**
     * Where a chain with {@code executor} runs its timed calls: the hand-off side when it is a default executor, else
     * the chain's own executor (a user's executor serves both, as it always has).
     */
    static ExecutorService callExecutor(ExecutorService executor) {
        if (executor instanceof BoundedExecutor) {
            if (virtualThreadsAvailable() && executor == Virtual.SIDES.executions()) {
                return Virtual.SIDES.calls();
            }
            if (executor == Platform.SIDES.executions()) {
                return Platform.SIDES.calls();
            }
        }
        return executor;
    }
}
