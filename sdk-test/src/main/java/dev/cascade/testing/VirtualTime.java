package dev.cascade.testing;

import dev.cascade.spi.TimeSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} on virtual time, for tests that run fault timelines (slow models, hangs, backoffs, Retry-After,
 * breaker open periods, deadlines) in microseconds of real time. Give it to a chain with
 * {@link dev.cascade.CascadeBuilder#timeSource} and let simulated models spend time with {@link #sleep}.
 *
 * <p>Semantics: {@link #sleep} advances the clock at once. {@link #callWithTimeout} runs the call on the calling
 * thread with a timer armed; a sleep that would cross the timer advances the clock exactly to it and the call ends
 * with {@link TimeoutException}, as if the caller had been freed at that instant. Time moves only when someone sleeps
 * or calls {@link #advance}. Meant for single-threaded scenarios: with several threads sleeping at once the clock is
 * still consistent, but no longer models parallel waiting.
 *
 * <pre>{@code
 * VirtualTime time = new VirtualTime();
 * Cascade<String, String> chain = Cascade.<String, String>builder("test")
 *         .timeSource(time)
 *         ...
 *         .build();
 * chain.execute("hi");
 * assertEquals(List.of(Duration.ofSeconds(2)), time.sleeps());   // e.g. the Retry-After the engine honoured
 * }</pre>
 *
 * <p>Thread-safe (the clock is atomic, {@link #sleeps()} a copy); starts at {@code 2026-01-01T00:00:00Z} unless given
 * another epoch. Part of the test kit, artifact {@code dev.cascade:cascade-test} (it was in {@code cascade-core} before).
 */
public final class VirtualTime implements TimeSource {
    private final Instant epoch;
    private final AtomicLong nanos = new AtomicLong();
    private final ThreadLocal<long[]> armed = new ThreadLocal<>();
    private final List<Duration> sleeps = new ArrayList<>();

    /** Virtual time starting at 2026-01-01T00:00:00Z. */
    public VirtualTime() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Virtual time starting at {@code epoch} ({@link #now()} returns it until time moves). */
    public VirtualTime(Instant epoch) {
        this.epoch = java.util.Objects.requireNonNull(epoch, "epoch");
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public Instant now() {
        return epoch.plusNanos(nanos.get());
    }

    /** Virtual time elapsed since creation. */
    public Duration elapsed() {
        return Duration.ofNanos(nanos.get());
    }

    /** Moves the clock forward, e.g. past a breaker's open period between two executions. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("cannot advance by a negative duration: " + d);
        }
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public void sleep(long n) throws InterruptedException {
        if (n < 0) {
            throw new IllegalArgumentException("sleep must be >= 0, was " + n);
        }
        synchronized (sleeps) {
            sleeps.add(Duration.ofNanos(n));
        }
        long[] timer = armed.get();
        long now = nanos.get();
        if (timer != null && n > timer[0] - now) {
            nanos.set(Math.max(now, timer[0]));
            timer[1] = 1;
            throw new InterruptedException("virtual attempt timeout");
        }
        nanos.addAndGet(n);
    }

    /** Every sleep requested so far (engine backoffs and simulated latencies), in order. */
    public List<Duration> sleeps() {
        synchronized (sleeps) {
            return List.copyOf(sleeps);
        }
    }

    @Override
    public <T> T callWithTimeout(Callable<T> call, long timeoutNanos, ExecutorService executor) throws Exception {
        long[] previous = armed.get();
        long[] timer = {satAdd(nanos.get(), timeoutNanos), 0};
        armed.set(timer);
        try {
            T result = call.call();
            if (timer[1] != 0 || nanos.get() > timer[0]) {
                throw new TimeoutException("virtual attempt timeout after " + timeoutNanos + "ns");
            }
            return result;
        } catch (Exception e) {
            if (timer[1] != 0) {
                throw new TimeoutException("virtual attempt timeout after " + timeoutNanos + "ns");
            }
            throw e;
        } finally {
            armed.set(previous);
        }
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
