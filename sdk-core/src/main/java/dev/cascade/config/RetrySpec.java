package dev.cascade.config;

import java.time.Duration;

/**
 * How a model step retries, configured inside {@link ModelStepSpec#retry}. Not thread-safe; the chain copies it at
 * {@code build()}.
 *
 * <p>The wait before retry {@code n} (1-based) is {@code min(maxBackoff, initialBackoff * multiplier^(n-1))}, spread
 * by {@code ± jitter}, or the provider's Retry-After if that is longer. A retry whose wait would pass the execution's
 * deadline, or whose Retry-After exceeds {@link #maxRetryAfter}, is not made: the step falls through at once.
 * Retries run on resilience4j's {@code Retry} (attempt counting, events, metrics); Cascade does the waiting so time
 * stays injectable.
 */
public final class RetrySpec {
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(200);
    private double multiplier = 2.0;
    private Duration maxBackoff = Duration.ofSeconds(5);
    private double jitter = 0.2;
    private Duration maxRetryAfter = Duration.ofSeconds(30);

    RetrySpec() {
    }

    /** Total attempts including the first. Default 3. Must be in [1, 100]. */
    public RetrySpec maxAttempts(int value) {
        if (value < 1 || value > 100) {
            throw new IllegalArgumentException("retry.maxAttempts must be in [1, 100], was " + value);
        }
        this.maxAttempts = value;
        return this;
    }

    /** Wait before the first retry. Default 200 ms. Must be >= 0. */
    public RetrySpec initialBackoff(Duration value) {
        this.initialBackoff = Specs.nonNegative("retry.initialBackoff", value);
        return this;
    }

    /** Growth factor of the wait per retry. Default 2.0. Must be in [1, 10]. */
    public RetrySpec multiplier(double value) {
        if (!(value >= 1.0 && value <= 10.0)) {
            throw new IllegalArgumentException("retry.multiplier must be in [1, 10], was " + value);
        }
        this.multiplier = value;
        return this;
    }

    /** Upper bound of the backoff wait. Default 5 s. Must be >= 0. */
    public RetrySpec maxBackoff(Duration value) {
        this.maxBackoff = Specs.nonNegative("retry.maxBackoff", value);
        return this;
    }

    /** Relative spread of each wait, e.g. 0.2 = ±20%. Default 0.2. Must be in [0, 1]. */
    public RetrySpec jitter(double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException("retry.jitter must be in [0, 1], was " + value);
        }
        this.jitter = value;
        return this;
    }

    /** A Retry-After longer than this is not waited for (the step falls through). Default 30 s. Must be >= 0. */
    public RetrySpec maxRetryAfter(Duration value) {
        this.maxRetryAfter = Specs.nonNegative("retry.maxRetryAfter", value);
        return this;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public double jitter() {
        return jitter;
    }

    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    void validate(String where) {
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(where + ": retry.maxBackoff (" + maxBackoff
                    + ") must be >= retry.initialBackoff (" + initialBackoff + ")");
        }
    }

    RetrySpec copy() {
        RetrySpec c = new RetrySpec();
        c.maxAttempts = maxAttempts;
        c.initialBackoff = initialBackoff;
        c.multiplier = multiplier;
        c.maxBackoff = maxBackoff;
        c.jitter = jitter;
        c.maxRetryAfter = maxRetryAfter;
        return c;
    }

    @Override
    public String toString() {
        return "retry(maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + " x" + multiplier + " <= "
                + maxBackoff + ", jitter=" + jitter + ", maxRetryAfter=" + maxRetryAfter + ")";
    }
}
