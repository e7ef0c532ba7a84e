package dev.cascade.spi;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * Where a chain gets time from: a ticker, a way to wait, and a way to bound a call. Injected through
 * {@link dev.cascade.CascadeBuilder#timeSource(TimeSource)} so tests can run whole fault timelines (backoffs,
 * Retry-After, breaker open periods, deadlines) on virtual time without sleeping. Implementations must be
 * thread-safe. The default is {@link #system()}.
 */
public interface TimeSource {

    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** The wall clock (for timestamps and the circuit breaker's open period). */
    Instant now();

    /** Waits {@code nanos}; interruptible. */
    void sleep(long nanos) throws InterruptedException;

    /**
     * Runs {@code call}, giving up after {@code timeoutNanos}. On timeout the call is interrupted and
     * {@link TimeoutException} is thrown at once: the caller is freed even if the call ignores the interrupt.
     * An exception thrown by the call is rethrown as it is.
     *
     * @param executor where the call may run while this thread waits
     */
    <T> T callWithTimeout(Callable<T> call, long timeoutNanos, ExecutorService executor) throws Exception;

    /** Real time. */
    static TimeSource system() {
        return dev.cascade.spi.SystemTimeSource.INSTANCE;
    }

    /** A {@link Clock} reading {@link #now()}, for libraries that take one. */
    default Clock asClock() {
        TimeSource self = this;
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException("a TimeSource clock is always UTC");
            }

            @Override
            public Instant instant() {
                return self.now();
            }
        };
    }
}
