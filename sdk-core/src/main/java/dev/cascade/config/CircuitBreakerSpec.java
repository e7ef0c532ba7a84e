package dev.cascade.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A model step's circuit breaker, configured inside {@link ModelStepSpec#circuitBreaker}. Backed by a resilience4j
 * {@code CircuitBreaker} (count-based sliding window, with a half-open state that lets
 * {@link #halfOpenCalls} trial calls through after {@link #openFor}, and goes back to open when they have not all
 * reported within {@link #halfOpenMaxWait}). Not thread-safe; copied at {@code build()}.
 * Two specs are equal when every option is: steps sharing one breaker must agree on it.
 */
public final class CircuitBreakerSpec {
    private float failureRateThreshold = 50f;
    private int slidingWindowSize = 20;
    /** 0 = not set: then min(10, slidingWindowSize). */
    private int minimumCalls;
    private Duration openFor = Duration.ofSeconds(30);
    private int halfOpenCalls = 3;
    private Duration halfOpenMaxWait = DEFAULT_HALF_OPEN_MAX_WAIT;
    private Duration slowCallThreshold;
    private float slowCallRateThreshold = 100f;

    /** The default {@link #halfOpenMaxWait}: 60 s. */
    public static final Duration DEFAULT_HALF_OPEN_MAX_WAIT = Duration.ofSeconds(60);

    CircuitBreakerSpec() {
    }

    /** Failure percentage at which the breaker opens. Default 50. Must be in (0, 100]. */
    public CircuitBreakerSpec failureRateThreshold(float percent) {
        if (!(percent > 0f && percent <= 100f)) {
            throw new IllegalArgumentException("circuitBreaker.failureRateThreshold must be in (0, 100], was " + percent);
        }
        this.failureRateThreshold = percent;
        return this;
    }

    /** Calls in the sliding window. Default 20. Must be >= 1. */
    public CircuitBreakerSpec slidingWindowSize(int calls) {
        if (calls < 1) {
            throw new IllegalArgumentException("circuitBreaker.slidingWindowSize must be >= 1, was " + calls);
        }
        this.slidingWindowSize = calls;
        return this;
    }

    /** Calls needed before the failure rate counts. Default: 10, or the window size if smaller. Must be >= 1. */
    public CircuitBreakerSpec minimumCalls(int calls) {
        if (calls < 1) {
            throw new IllegalArgumentException("circuitBreaker.minimumCalls must be >= 1, was " + calls);
        }
        this.minimumCalls = calls;
        return this;
    }

    /** How long the breaker stays open before letting trial calls through. Default 30 s. Must be > 0. */
    public CircuitBreakerSpec openFor(Duration value) {
        this.openFor = Specs.positive("circuitBreaker.openFor", value);
        return this;
    }

    /** Trial calls let through when half-open. Default 3. Must be >= 1. */
    public CircuitBreakerSpec halfOpenCalls(int calls) {
        if (calls < 1) {
            throw new IllegalArgumentException("circuitBreaker.halfOpenCalls must be >= 1, was " + calls);
        }
        this.halfOpenCalls = calls;
        return this;
    }

    /**
     * The longest the breaker stays half-open waiting for its trial calls to report; then it opens again (for
     * {@link #openFor}) and a later call gets a new trial. A bound, so a trial call that never reports (a client
     * hanging with no timeout, a process-level failure) cannot keep the breaker refusing every call forever. Keep it
     * longer than the step's timeout, or a slow but healthy trial call is cut off. Default 60 s. Must be > 0.
     *
     * <p>Measured on real time by resilience4j's scheduler thread, not on the chain's {@code TimeSource}.
     */
    public CircuitBreakerSpec halfOpenMaxWait(Duration value) {
        this.halfOpenMaxWait = Specs.positive("circuitBreaker.halfOpenMaxWait", value);
        return this;
    }

    /**
     * Calls slower than this count as slow; when {@code slowCallRateThreshold} percent are slow the breaker opens.
     * Default: off. Must be > 0.
     */
    public CircuitBreakerSpec slowCalls(Duration threshold, float rateThresholdPercent) {
        this.slowCallThreshold = Specs.positive("circuitBreaker.slowCallThreshold", threshold);
        if (!(rateThresholdPercent > 0f && rateThresholdPercent <= 100f)) {
            throw new IllegalArgumentException("circuitBreaker.slowCallRateThreshold must be in (0, 100], was "
                    + rateThresholdPercent);
        }
        this.slowCallRateThreshold = rateThresholdPercent;
        return this;
    }

    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    public int minimumCalls() {
        return minimumCalls == 0 ? Math.min(10, slidingWindowSize) : minimumCalls;
    }

    public Duration openFor() {
        return openFor;
    }

    public int halfOpenCalls() {
        return halfOpenCalls;
    }

    public Duration halfOpenMaxWait() {
        return halfOpenMaxWait;
    }

    /** The slow-call threshold, or {@code null} when slow calls are not tracked. */
    public Duration slowCallThreshold() {
        return slowCallThreshold;
    }

    public float slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    void validate(String where) {
        if (minimumCalls() > slidingWindowSize) {
            throw new IllegalArgumentException(where + ": circuitBreaker.minimumCalls (" + minimumCalls()
                    + ") must be <= circuitBreaker.slidingWindowSize (" + slidingWindowSize + ")");
        }
    }

    CircuitBreakerSpec copy() {
        CircuitBreakerSpec c = new CircuitBreakerSpec();
        c.failureRateThreshold = failureRateThreshold;
        c.slidingWindowSize = slidingWindowSize;
        c.minimumCalls = minimumCalls;
        c.openFor = openFor;
        c.halfOpenCalls = halfOpenCalls;
        c.halfOpenMaxWait = halfOpenMaxWait;
        c.slowCallThreshold = slowCallThreshold;
        c.slowCallRateThreshold = slowCallRateThreshold;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CircuitBreakerSpec c && c.failureRateThreshold == failureRateThreshold
                && c.slidingWindowSize == slidingWindowSize && c.minimumCalls() == minimumCalls()
                && c.openFor.equals(openFor) && c.halfOpenCalls == halfOpenCalls
                && c.halfOpenMaxWait.equals(halfOpenMaxWait)
                && Objects.equals(c.slowCallThreshold, slowCallThreshold)
                && c.slowCallRateThreshold == slowCallRateThreshold;
    }

    @Override
    public int hashCode() {
        return Objects.hash(failureRateThreshold, slidingWindowSize, minimumCalls(), openFor, halfOpenCalls, halfOpenMaxWait);
    }

    @Override
    public String toString() {
        return "circuitBreaker(failureRate>=" + failureRateThreshold + "%, window=" + slidingWindowSize
                + ", minimumCalls=" + minimumCalls() + ", openFor=" + openFor + ", halfOpenCalls=" + halfOpenCalls
                + (halfOpenMaxWait.equals(DEFAULT_HALF_OPEN_MAX_WAIT) ? "" : ", halfOpenMaxWait=" + halfOpenMaxWait)
                + (slowCallThreshold == null ? "" : ", slow>" + slowCallThreshold + "@" + slowCallRateThreshold + "%")
                + ")";
    }
}
