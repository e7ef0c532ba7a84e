package dev.cascade.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default executor's sides hold at most their bound of tasks, refuse the next at once, and take work again. */
@Timeout(60)
class BoundedExecutorTest {

    @Test
    void thePlatformSideRunsAtMostItsBoundAndRefusesTheNextAtOnceWithAClearMessage() throws Exception {
        check(new BoundedExecutor("test tasks", "bounded-test-", 2, null), "platform");
    }

    @Test
    void thePerTaskSideRunsAtMostItsBoundAndRefusesTheNextAtOnceWithAClearMessage() throws Exception {
        // The semaphore path the virtual side uses, on platform threads so it runs on JDK 17 too.
        check(new BoundedExecutor("test tasks", "unused-", 2, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }, true), "virtual");
    }

    private static void check(BoundedExecutor executor, String kind) throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<?> a = executor.submit(() -> block(started, release));
            Future<?> b = executor.submit(() -> block(started, release));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(executor.active()).isEqualTo(2);

            assertThatThrownBy(() -> executor.submit(() -> { }))
                    .isInstanceOf(RejectedExecutionException.class)
                    .hasMessage("Cascade's default executor is full: all 2 " + kind + " threads for test tasks are"
                            + " busy. Bound each model step's calls in flight with a bulkhead (s.bulkhead(b ->"
                            + " b.maxConcurrentCalls(n))), or give the chain an executor of your own"
                            + " (CascadeBuilder.executor(...))");

            release.countDown();
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
            // A finished worker takes a moment to be free again: poll, bounded.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Future<String> again = null;
            while (again == null) {
                try {
                    again = executor.submit(() -> "ran");
                } catch (RejectedExecutionException e) {
                    assertThat(System.nanoTime() - until).as("accepts work again").isNegative();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            assertThat(again.get(30, TimeUnit.SECONDS)).isEqualTo("ran");
        } finally {
            release.countDown();
        }
        // Shared by every chain: shutting it down is not the caller's to do.
        executor.shutdown();
        assertThat(executor.isShutdown()).isFalse();
    }

    private static Void block(CountDownLatch started, CountDownLatch release) throws InterruptedException {
        started.countDown();
        release.await();
        return null;
    }

    @Test
    void theDefaultSidesAreBoundedAndTimedCallsHaveTheirOwnSide() {
        BoundedExecutor executions = (BoundedExecutor) CascadeThreads.defaultExecutor(false);
        BoundedExecutor calls = (BoundedExecutor) CascadeThreads.callExecutor(executions);
        assertThat(calls).isNotSameAs(executions);
        assertThat(executions.max()).isEqualTo(CascadeThreads.PLATFORM_MAX);
        assertThat(calls.max()).isEqualTo(CascadeThreads.PLATFORM_MAX);
        assertThat(executions.virtual()).isFalse();

        BoundedExecutor preferred = (BoundedExecutor) CascadeThreads.defaultExecutor(true);
        boolean jdk21 = Runtime.version().feature() >= 21;
        assertThat(preferred.virtual()).isEqualTo(jdk21);
        assertThat(preferred.max()).isEqualTo(jdk21 ? CascadeThreads.VIRTUAL_MAX : CascadeThreads.PLATFORM_MAX);
        assertThat(((BoundedExecutor) CascadeThreads.callExecutor(preferred)).virtual()).isEqualTo(jdk21);
        assertThat(preferred.toString()).isEqualTo("cascade default executor (async executions, at most "
                + preferred.max() + (jdk21 ? " virtual" : " platform") + " threads)");
    }
}
