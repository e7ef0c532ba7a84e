package dev.cascade.config;

import dev.cascade.api.CascadeConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a model step retries: an immutable value, set with {@link ModelStepSpec.Builder#retry}. Build one with
 * {@link #custom()} (or start from another with {@link #from}); one spec can be shared by many steps and chains.
 * Named {@code RetrySpec}, not {@code RetryConfig}, so it does not clash with resilience4j's {@code RetryConfig} in
 * the same imports. Immutable and thread-safe; its {@link Builder} is not thread-safe.
 *
 * <p>The wait before retry {@code n} (1-based) is {@code min(maxBackoff, initialBackoff * multiplier^(n-1))}, spread
 * by {@code ± jitter}, or the provider's Retry-After if that is longer. A retry whose wait would pass the execution's
 * deadline, or whose Retry-After exceeds {@link #maxRetryAfter}, is not made: the step falls through at once.
 * Every retry goes back through the step's deadline check, circuit breaker, rate limiter, bulkhead and budget
 * admission.
 *
 * <p>Defaults: {@value #DEFAULT_MAX_ATTEMPTS} attempts, backoff {@link #DEFAULT_INITIAL_BACKOFF} ×
 * {@value #DEFAULT_MULTIPLIER} up to {@link #DEFAULT_MAX_BACKOFF}, jitter {@value #DEFAULT_JITTER}, Retry-After
 * waited for up to {@link #DEFAULT_MAX_RETRY_AFTER}.
 */
public final class RetrySpec {
    /** Default {@link #maxAttempts()}: 3. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Default {@link #initialBackoff()}: 200 ms. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** Default {@link #multiplier()}: 2.0. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Default {@link #maxBackoff()}: 5 s. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    /** Default {@link #jitter()}: 0.2. */
    public static final double DEFAULT_JITTER = 0.2;
    /** Default {@link #maxRetryAfter()}: 30 s. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private static final RetrySpec DEFAULTS = new Builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration maxRetryAfter;

    private RetrySpec(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.multiplier = b.multiplier;
        this.maxBackoff = b.maxBackoff;
        this.jitter = b.jitter;
        this.maxRetryAfter = b.maxRetryAfter;
    }

    /** A spec with every default. */
    public static RetrySpec ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(RetrySpec base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /** Total attempts including the first. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Wait before the first retry. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Growth factor of the wait per retry. */
    public double multiplier() {
        return multiplier;
    }

    /** Upper bound of the backoff wait. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Relative spread of each wait. */
    public double jitter() {
        return jitter;
    }

    /** A Retry-After longer than this is not waited for. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetrySpec r && r.maxAttempts == maxAttempts && r.initialBackoff.equals(initialBackoff)
                && Double.compare(r.multiplier, multiplier) == 0 && r.maxBackoff.equals(maxBackoff)
                && Double.compare(r.jitter, jitter) == 0 && r.maxRetryAfter.equals(maxRetryAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, maxRetryAfter);
    }

    @Override
    public String toString() {
        return "retry(maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + " x" + multiplier + " <= "
                + maxBackoff + ", jitter=" + jitter + ", maxRetryAfter=" + maxRetryAfter + ")";
    }

    /**
     * Builds a {@link RetrySpec}. Each setter checks its value at once; {@link #build()} checks the fields together.
     * Errors are {@link CascadeConfigurationException}s with paths under {@code retry}. Not thread-safe; reusable.
     */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private double multiplier = DEFAULT_MULTIPLIER;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double jitter = DEFAULT_JITTER;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;

        Builder() {
        }

        Builder(RetrySpec base) {
            this.maxAttempts = base.maxAttempts;
            this.initialBackoff = base.initialBackoff;
            this.multiplier = base.multiplier;
            this.maxBackoff = base.maxBackoff;
            this.jitter = base.jitter;
            this.maxRetryAfter = base.maxRetryAfter;
        }

        /** Total attempts including the first. Default {@value #DEFAULT_MAX_ATTEMPTS}. Must be in [1, 100]. */
        public Builder maxAttempts(int value) {
            if (value < 1 || value > 100) {
                throw new CascadeConfigurationException("retry.maxAttempts", value,
                        "must be in [1, 100], was " + value, "use 1 to 100 attempts (1 = no retries)");
            }
            this.maxAttempts = value;
            return this;
        }

        /** Wait before the first retry. Default 200 ms. Must be >= 0. */
        public Builder initialBackoff(Duration value) {
            this.initialBackoff = Specs.nonNegative("retry.initialBackoff", value);
            return this;
        }

        /** Growth factor of the wait per retry. Default {@value #DEFAULT_MULTIPLIER}. Must be in [1, 10]. */
        public Builder multiplier(double value) {
            if (!(value >= 1.0 && value <= 10.0)) {
                throw new CascadeConfigurationException("retry.multiplier", value,
                        "must be in [1, 10], was " + value, "use a factor from 1 (constant wait) to 10, e.g. 2");
            }
            this.multiplier = value;
            return this;
        }

        /** Upper bound of the backoff wait. Default 5 s. Must be >= 0 and >= {@code initialBackoff}. */
        public Builder maxBackoff(Duration value) {
            this.maxBackoff = Specs.nonNegative("retry.maxBackoff", value);
            return this;
        }

        /** Relative spread of each wait, e.g. 0.2 = ±20%. Default {@value #DEFAULT_JITTER}. Must be in [0, 1]. */
        public Builder jitter(double value) {
            if (!(value >= 0.0 && value <= 1.0)) {
                throw new CascadeConfigurationException("retry.jitter", value, "must be in [0, 1], was " + value,
                        "use a fraction from 0 (no spread) to 1, e.g. 0.2 for ±20%");
            }
            this.jitter = value;
            return this;
        }

        /** A Retry-After longer than this is not waited for (the step falls through). Default 30 s. Must be >= 0. */
        public Builder maxRetryAfter(Duration value) {
            this.maxRetryAfter = Specs.nonNegative("retry.maxRetryAfter", value);
            return this;
        }

        /**
         * The spec.
         *
         * @throws CascadeConfigurationException if {@code maxBackoff < initialBackoff}
         */
        public RetrySpec build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new CascadeConfigurationException("retry.maxBackoff", maxBackoff,
                        "must be >= retry.initialBackoff (" + initialBackoff + "), was " + maxBackoff,
                        "raise retry.maxBackoff to at least " + initialBackoff + ", or lower retry.initialBackoff");
            }
            return new RetrySpec(this);
        }
    }
}
