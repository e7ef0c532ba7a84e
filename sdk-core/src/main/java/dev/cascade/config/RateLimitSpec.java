package dev.cascade.config;

import dev.cascade.api.CascadeConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * A model step's rate limit: at most {@link #permits} calls per {@link #period}, an immutable value set with
 * {@link ModelStepSpec.Builder#rateLimit}. Backed by a resilience4j {@code RateLimiter} with a zero wait: when no
 * permit is left the step is skipped at once ({@code NO_PERMIT}) and the next step answers. Cascade never blocks a
 * caller on a limiter. Named {@code RateLimitSpec}, not {@code RateLimiterConfig}, so it does not clash with
 * resilience4j's class in the same imports. Two specs are equal when every option is: steps sharing one limiter must
 * agree on it. Immutable and thread-safe; its {@link Builder} is not thread-safe.
 *
 * <p>Defaults: {@value #DEFAULT_PERMITS} permits per {@link #DEFAULT_PERIOD}.
 */
public final class RateLimitSpec {
    /** Default {@link #permits()}: 50. */
    public static final int DEFAULT_PERMITS = 50;
    /** Default {@link #period()}: 1 s. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);

    private static final RateLimitSpec DEFAULTS = new Builder().build();

    private final int permits;
    private final Duration period;

    private RateLimitSpec(Builder b) {
        this.permits = b.permits;
        this.period = b.period;
    }

    /** A spec with every default. */
    public static RateLimitSpec ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(RateLimitSpec base) {
        Objects.requireNonNull(base, "base");
        return new Builder().permits(base.permits).period(base.period);
    }

    /** Permits per period. */
    public int permits() {
        return permits;
    }

    /** The refresh period. */
    public Duration period() {
        return period;
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

    /**
     * Builds a {@link RateLimitSpec}. Each setter checks its value at once, throwing
     * {@link CascadeConfigurationException} with a path under {@code rateLimit}. Not thread-safe; reusable.
     */
    public static final class Builder {
        private int permits = DEFAULT_PERMITS;
        private Duration period = DEFAULT_PERIOD;

        Builder() {
        }

        /** Permits per period. Default {@value #DEFAULT_PERMITS}. Must be >= 1. */
        public Builder permits(int value) {
            this.permits = Specs.atLeastOne("rateLimit.permits", value);
            return this;
        }

        /** The refresh period. Default 1 s. Must be >= 1 ms. */
        public Builder period(Duration value) {
            Specs.positive("rateLimit.period", value);
            if (value.toMillis() < 1) {
                throw new CascadeConfigurationException("rateLimit.period", value, "must be >= 1ms, was " + value,
                        "use a period of a millisecond or more, e.g. Duration.ofSeconds(1)");
            }
            this.period = value;
            return this;
        }

        /** The spec. */
        public RateLimitSpec build() {
            return new RateLimitSpec(this);
        }
    }
}
