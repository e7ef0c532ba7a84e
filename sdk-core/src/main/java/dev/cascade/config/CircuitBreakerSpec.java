package dev.cascade.config;

import dev.cascade.api.CascadeConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * A model step's circuit breaker: an immutable value set with {@link ModelStepSpec.Builder#circuitBreaker}, built
 * with {@link #custom()} or {@link #from(CircuitBreakerSpec)} and shareable by many steps. Backed by a resilience4j
 * {@code CircuitBreaker} (count-based sliding window, with a half-open state that lets {@link #halfOpenCalls} trial
 * calls through after {@link #openFor}, and goes back to open when they have not all reported within
 * {@link #halfOpenMaxWait}). Named {@code CircuitBreakerSpec}, not {@code CircuitBreakerConfig}, so it does not clash
 * with resilience4j's {@code CircuitBreakerConfig} (the model for its shape) in the same imports.
 *
 * <p>Two specs are equal when every option is: steps sharing one breaker must agree on it. Immutable and thread-safe;
 * its {@link Builder} is not thread-safe.
 *
 * <p>Defaults: opens at {@value #DEFAULT_FAILURE_RATE_THRESHOLD}% failures in a window of
 * {@value #DEFAULT_SLIDING_WINDOW_SIZE} calls, counted after min(10, window) calls; stays open
 * {@link #DEFAULT_OPEN_FOR}; {@value #DEFAULT_HALF_OPEN_CALLS} trial calls, waited for up to
 * {@link #DEFAULT_HALF_OPEN_MAX_WAIT}; slow calls not tracked.
 */
public final class CircuitBreakerSpec {
    /** Default {@link #failureRateThreshold()}: 50%. */
    public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;
    /** Default {@link #slidingWindowSize()}: 20 calls. */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 20;
    /** Default {@link #minimumCalls()}: 10 calls, or the window size if smaller. */
    public static final int DEFAULT_MINIMUM_CALLS = 10;
    /** Default {@link #openFor()}: 30 s. */
    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(30);
    /** Default {@link #halfOpenCalls()}: 3. */
    public static final int DEFAULT_HALF_OPEN_CALLS = 3;
    /** The default {@link #halfOpenMaxWait}: 60 s. */
    public static final Duration DEFAULT_HALF_OPEN_MAX_WAIT = Duration.ofSeconds(60);
    /** Default {@link #slowCallRateThreshold()} (used only with a slow-call threshold): 100%. */
    public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100f;

    private static final CircuitBreakerSpec DEFAULTS = new Builder().build();

    private final float failureRateThreshold;
    private final int slidingWindowSize;
    private final int minimumCalls;
    /** As set on the builder: 0 = not set (then derived from the window), so {@link #from} keeps deriving it. */
    private final int minimumCallsSet;
    private final Duration openFor;
    private final int halfOpenCalls;
    private final Duration halfOpenMaxWait;
    private final Duration slowCallThreshold;
    private final float slowCallRateThreshold;

    private CircuitBreakerSpec(Builder b, int minimumCalls) {
        this.failureRateThreshold = b.failureRateThreshold;
        this.slidingWindowSize = b.slidingWindowSize;
        this.minimumCalls = minimumCalls;
        this.minimumCallsSet = b.minimumCalls;
        this.openFor = b.openFor;
        this.halfOpenCalls = b.halfOpenCalls;
        this.halfOpenMaxWait = b.halfOpenMaxWait;
        this.slowCallThreshold = b.slowCallThreshold;
        this.slowCallRateThreshold = b.slowCallRateThreshold;
    }

    /** A spec with every default. */
    public static CircuitBreakerSpec ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(CircuitBreakerSpec base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /** Failure percentage at which the breaker opens. */
    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    /** Calls in the sliding window. */
    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    /** Calls needed before the failure rate counts. */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** How long the breaker stays open before letting trial calls through. */
    public Duration openFor() {
        return openFor;
    }

    /** Trial calls let through when half-open. */
    public int halfOpenCalls() {
        return halfOpenCalls;
    }

    /** The longest the breaker stays half-open waiting for its trial calls to report. */
    public Duration halfOpenMaxWait() {
        return halfOpenMaxWait;
    }

    /** The slow-call threshold, or {@code null} when slow calls are not tracked. */
    public Duration slowCallThreshold() {
        return slowCallThreshold;
    }

    /** Percentage of slow calls at which the breaker opens (only with a {@link #slowCallThreshold()}). */
    public float slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CircuitBreakerSpec c && c.failureRateThreshold == failureRateThreshold
                && c.slidingWindowSize == slidingWindowSize && c.minimumCalls == minimumCalls
                && c.openFor.equals(openFor) && c.halfOpenCalls == halfOpenCalls
                && c.halfOpenMaxWait.equals(halfOpenMaxWait)
                && Objects.equals(c.slowCallThreshold, slowCallThreshold)
                && c.slowCallRateThreshold == slowCallRateThreshold;
    }

    @Override
    public int hashCode() {
        return Objects.hash(failureRateThreshold, slidingWindowSize, minimumCalls, openFor, halfOpenCalls,
                halfOpenMaxWait, slowCallThreshold, slowCallRateThreshold);
    }

    @Override
    public String toString() {
        return "circuitBreaker(failureRate>=" + failureRateThreshold + "%, window=" + slidingWindowSize
                + ", minimumCalls=" + minimumCalls + ", openFor=" + openFor + ", halfOpenCalls=" + halfOpenCalls
                + (halfOpenMaxWait.equals(DEFAULT_HALF_OPEN_MAX_WAIT) ? "" : ", halfOpenMaxWait=" + halfOpenMaxWait)
                + (slowCallThreshold == null ? "" : ", slow>" + slowCallThreshold + "@" + slowCallRateThreshold + "%")
                + ")";
    }

    /**
     * Builds a {@link CircuitBreakerSpec}. Each setter checks its value at once; {@link #build()} checks the fields
     * together. Errors are {@link CascadeConfigurationException}s with paths under {@code circuitBreaker}. Not
     * thread-safe; reusable.
     */
    public static final class Builder {
        private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
        /** 0 = not set: then min(DEFAULT_MINIMUM_CALLS, slidingWindowSize). */
        private int minimumCalls;
        private Duration openFor = DEFAULT_OPEN_FOR;
        private int halfOpenCalls = DEFAULT_HALF_OPEN_CALLS;
        private Duration halfOpenMaxWait = DEFAULT_HALF_OPEN_MAX_WAIT;
        private Duration slowCallThreshold;
        private float slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;

        Builder() {
        }

        Builder(CircuitBreakerSpec base) {
            this.failureRateThreshold = base.failureRateThreshold;
            this.slidingWindowSize = base.slidingWindowSize;
            this.minimumCalls = base.minimumCallsSet;
            this.openFor = base.openFor;
            this.halfOpenCalls = base.halfOpenCalls;
            this.halfOpenMaxWait = base.halfOpenMaxWait;
            this.slowCallThreshold = base.slowCallThreshold;
            this.slowCallRateThreshold = base.slowCallRateThreshold;
        }

        /** Failure percentage at which the breaker opens. Default 50. Must be in (0, 100]. */
        public Builder failureRateThreshold(float percent) {
            this.failureRateThreshold = Specs.percent("circuitBreaker.failureRateThreshold", percent);
            return this;
        }

        /** Calls in the sliding window. Default 20. Must be >= 1. */
        public Builder slidingWindowSize(int calls) {
            this.slidingWindowSize = Specs.atLeastOne("circuitBreaker.slidingWindowSize", calls);
            return this;
        }

        /**
         * Calls needed before the failure rate counts. Default: 10, or the window size if smaller. Must be >= 1 and
         * at most the window size.
         */
        public Builder minimumCalls(int calls) {
            this.minimumCalls = Specs.atLeastOne("circuitBreaker.minimumCalls", calls);
            return this;
        }

        /** How long the breaker stays open before letting trial calls through. Default 30 s. Must be > 0. */
        public Builder openFor(Duration value) {
            this.openFor = Specs.positive("circuitBreaker.openFor", value);
            return this;
        }

        /** Trial calls let through when half-open. Default 3. Must be >= 1. */
        public Builder halfOpenCalls(int calls) {
            this.halfOpenCalls = Specs.atLeastOne("circuitBreaker.halfOpenCalls", calls);
            return this;
        }

        /**
         * The longest the breaker stays half-open waiting for its trial calls to report; then it opens again (for
         * {@code openFor}) and a later call gets a new trial. A bound, so a trial call that never reports (a client
         * hanging with no timeout, a process-level failure) cannot keep the breaker refusing every call forever.
         * Keep it longer than the step's timeout, or a slow but healthy trial call is cut off. Default 60 s. Must be
         * > 0.
         *
         * <p>Measured on real time by resilience4j's scheduler thread, not on the chain's {@code TimeSource}.
         */
        public Builder halfOpenMaxWait(Duration value) {
            this.halfOpenMaxWait = Specs.positive("circuitBreaker.halfOpenMaxWait", value);
            return this;
        }

        /**
         * Calls slower than {@code threshold} count as slow; when {@code rateThresholdPercent} percent are slow the
         * breaker opens. Default: off. Threshold must be > 0, rate in (0, 100].
         */
        public Builder slowCalls(Duration threshold, float rateThresholdPercent) {
            Duration t = Specs.positive("circuitBreaker.slowCallThreshold", threshold);
            this.slowCallRateThreshold = Specs.percent("circuitBreaker.slowCallRateThreshold", rateThresholdPercent);
            this.slowCallThreshold = t;
            return this;
        }

        /**
         * The spec.
         *
         * @throws CascadeConfigurationException if {@code minimumCalls > slidingWindowSize}
         */
        public CircuitBreakerSpec build() {
            int minimum = minimumCalls == 0 ? Math.min(DEFAULT_MINIMUM_CALLS, slidingWindowSize) : minimumCalls;
            if (minimum > slidingWindowSize) {
                throw new CascadeConfigurationException("circuitBreaker.minimumCalls", minimum,
                        "must be <= circuitBreaker.slidingWindowSize (" + slidingWindowSize + "), was " + minimum,
                        "lower circuitBreaker.minimumCalls to at most " + slidingWindowSize
                                + ", or raise circuitBreaker.slidingWindowSize to at least " + minimum);
            }
            return new CircuitBreakerSpec(this, minimum);
        }
    }
}
