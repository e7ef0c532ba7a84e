package dev.cascade.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A model step's rate limit, configured inside {@link ModelStepSpec#rateLimit}: at most {@link #permits} calls per
 * {@link #period}. Backed by a resilience4j {@code RateLimiter} with a zero wait: when no permit is left the step is
 * skipped at once ({@code NO_PERMIT}) and the next step answers. Cascade never blocks a caller on a limiter.
 * Not thread-safe; copied at {@code build()}.
 */
public final class RateLimitSpec {
    private int permits = 50;
    private Duration period = Duration.ofSeconds(1);

    RateLimitSpec() {
    }

    /** Permits per period. Default 50. Must be >= 1. */
    public RateLimitSpec permits(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("rateLimit.permits must be >= 1, was " + value);
        }
        this.permits = value;
        return this;
    }

    /** The refresh period. Default 1 s. Must be >= 1 ms. */
    public RateLimitSpec period(Duration value) {
        Specs.positive("rateLimit.period", value);
        if (value.toMillis() < 1) {
            throw new IllegalArgumentException("rateLimit.period must be >= 1ms, was " + value);
        }
        this.period = value;
        return this;
    }

    public int permits() {
        return permits;
    }

    public Duration period() {
        return period;
    }

    RateLimitSpec copy() {
        return new RateLimitSpec().permits(permits).period(period);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateLimitSpec r && r.permits == permits && r.period.equals(period);
    }

    @Override
    public int hashCode() {
        return Objects.hash(permits, period);
    }

    @Override
    public String toString() {
        return "rateLimit(" + permits + " per " + period + ")";
    }
}
