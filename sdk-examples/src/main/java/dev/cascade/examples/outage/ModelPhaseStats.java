package dev.cascade.examples.outage;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one simulated model saw in one phase: calls by result, and the latency of the calls it answered, measured
 * inside the model (so it excludes any caller-side overhead). Thread-safe.
 */
public final class ModelPhaseStats {
    private final LongAdder calls = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder interrupted = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LatencyRecorder answered = new LatencyRecorder();

    void called() {
        calls.increment();
    }

    void timedOut() {
        timeouts.increment();
    }

    void interrupted() {
        interrupted.increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    void answered(long latencyNanos) {
        answered.record(latencyNanos);
    }

    /** Every call that reached the model. */
    public long calls() {
        return calls.sum();
    }

    /** Calls that ran into the client's read timeout. */
    public long timeouts() {
        return timeouts.sum();
    }

    /** Calls the caller interrupted before they ended (Cascade's own attempt timeout). */
    public long interrupts() {
        return interrupted.sum();
    }

    /** Calls answered with a 429. */
    public long rateLimitedCalls() {
        return rateLimited.sum();
    }

    /** Latencies of the calls the model answered. */
    public LatencyRecorder answeredLatency() {
        return answered;
    }
}
