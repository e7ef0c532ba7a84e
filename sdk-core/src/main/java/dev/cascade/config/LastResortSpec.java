package dev.cascade.config;

import dev.cascade.CascadeBuilder;
import dev.cascade.api.CascadeConfigurationException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What a chain does when every step it ran has failed or been skipped and the deadline still has room: the last
 * resort, configured with {@link CascadeBuilder#lastResort}. An immutable value (thread-safe), built with
 * {@link #custom()}, {@link #from(LastResortSpec)} or {@link #disabled()}; its {@link Builder} is not thread-safe.
 *
 * <p>It runs once per execution, after the last rules or custom step and before the human review step (a wait of a
 * second or two costs less than a person's time; rules that answer still win without waiting). It never runs for an
 * execution that a failure policy barred from further models, that was cancelled, or that has no model step left
 * that could answer. In order:
 * <ol>
 *   <li><b>Probe an open breaker</b> (off by default): a model step skipped because its circuit breaker was open is
 *       tried once, past the breaker, by at most {@link #probeOpenBreakers(double) maxPerSecond} executions per second
 *       per step, so an outage is not hammered. A probe is not reported to the breaker (its own half-open trials
 *       decide when it closes); it still takes a rate-limiter permit and a budget reservation, and its timeout is
 *       cut to the deadline.</li>
 *   <li><b>Wait for Retry-After</b> (on by default): of the model steps that failed with a Retry-After and were not
 *       retried (retries exhausted, no retry configured, or the wait did not fit), the one whose Retry-After ends
 *       first is tried once more after it, when the wait is at most {@link #maxWait(Duration) maxWait}, ends before
 *       the deadline, is within the step's {@code retry.maxRetryAfter}, and the step's breaker is not open. The
 *       attempt passes admission again (breaker, rate limiter, budget reservation) like any retry.</li>
 * </ol>
 * A last resort attempt is one attempt: it is never retried. Listeners hear
 * {@link dev.cascade.spi.CascadeListener#onLastResort} before it; telemetry marks its span {@code cascade.last_resort}.
 *
 * <p>Defaults: wait for Retry-After ({@value #DEFAULT_WAIT_FOR_RETRY_AFTER}) up to {@link #DEFAULT_MAX_WAIT} (and
 * the deadline); no probes ({@value #DEFAULT_PROBES_PER_SECOND} per second).
 */
public final class LastResortSpec {
    /** Which last resort an attempt is. */
    public enum Mode {
        /** One more try of a rate-limited step once its Retry-After has passed. */
        RETRY_AFTER,
        /** One trial of a step past its open circuit breaker. */
        PROBE;

        /** The lower-case name used in telemetry, e.g. {@code retry_after}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Default {@link #waitForRetryAfter()}: true. */
    public static final boolean DEFAULT_WAIT_FOR_RETRY_AFTER = true;
    /** Default {@link #maxWait()}: 5 s. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);
    /** Default {@link #probesPerSecond()}: 0, no probes. */
    public static final double DEFAULT_PROBES_PER_SECOND = 0;

    private static final LastResortSpec DEFAULTS = new Builder().build();
    private static final LastResortSpec DISABLED = new Builder().off().build();

    private final boolean waitForRetryAfter;
    private final Duration maxWait;
    private final double probesPerSecond;

    private LastResortSpec(Builder b) {
        this.waitForRetryAfter = b.waitForRetryAfter;
        this.maxWait = b.maxWait;
        this.probesPerSecond = b.probesPerSecond;
    }

    /** The defaults: wait for Retry-After up to 5 s, no probes. */
    public static LastResortSpec ofDefaults() {
        return DEFAULTS;
    }

    /** No last resort: the chain gives up as soon as its steps have. */
    public static LastResortSpec disabled() {
        return DISABLED;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(LastResortSpec base) {
        Objects.requireNonNull(base, "base");
        Builder b = new Builder();
        b.waitForRetryAfter = base.waitForRetryAfter;
        b.maxWait = base.maxWait;
        b.probesPerSecond = base.probesPerSecond;
        return b;
    }

    /** Whether to wait for the earliest Retry-After that fits and try that step once more. */
    public boolean waitForRetryAfter() {
        return waitForRetryAfter;
    }

    /** The longest a last resort waits for a Retry-After. */
    public Duration maxWait() {
        return maxWait;
    }

    /** Executions per second (per model step) that may probe a step whose breaker is open; 0 = none. */
    public double probesPerSecond() {
        return probesPerSecond;
    }

    /** Whether this does anything. */
    public boolean enabled() {
        return waitForRetryAfter || probesPerSecond > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LastResortSpec l && l.waitForRetryAfter == waitForRetryAfter && l.maxWait.equals(maxWait)
                && Double.compare(l.probesPerSecond, probesPerSecond) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(waitForRetryAfter, maxWait, probesPerSecond);
    }

    @Override
    public String toString() {
        if (!enabled()) {
            return "lastResort(off)";
        }
        return "lastResort(" + (waitForRetryAfter ? "waitForRetryAfter<=" + maxWait : "noWait")
                + (probesPerSecond > 0 ? ", probeOpenBreakers=" + probesPerSecond + "/s" : "") + ")";
    }

    /**
     * Builds a {@link LastResortSpec}. Setters check their value at once, throwing
     * {@link CascadeConfigurationException} with a path under {@code lastResort}. Not thread-safe; reusable.
     */
    public static final class Builder {
        private boolean waitForRetryAfter = DEFAULT_WAIT_FOR_RETRY_AFTER;
        private Duration maxWait = DEFAULT_MAX_WAIT;
        private double probesPerSecond = DEFAULT_PROBES_PER_SECOND;

        Builder() {
        }

        /** Whether to wait for the earliest Retry-After that fits and try that step once more. Default: true. */
        public Builder waitForRetryAfter(boolean value) {
            this.waitForRetryAfter = value;
            return this;
        }

        /** The longest a last resort waits for a Retry-After, also without a deadline. Default 5 s. Must be >= 0. */
        public Builder maxWait(Duration value) {
            this.maxWait = Specs.nonNegative("lastResort.maxWait", value);
            return this;
        }

        /**
         * Lets at most {@code maxPerSecond} executions per second (per model step) probe a step whose breaker is
         * open. Default 0: no probes. Must be in [0, 1000].
         */
        public Builder probeOpenBreakers(double maxPerSecond) {
            if (!(maxPerSecond >= 0 && maxPerSecond <= 1000)) {
                throw new CascadeConfigurationException("lastResort.probeOpenBreakers", maxPerSecond,
                        "must be in [0, 1000] per second, was " + maxPerSecond,
                        "use a small rate such as 1, or 0 for no probes");
            }
            this.probesPerSecond = maxPerSecond;
            return this;
        }

        /** Turns the last resort off: the chain gives up as soon as its steps have. */
        public Builder off() {
            this.waitForRetryAfter = false;
            this.probesPerSecond = 0;
            return this;
        }

        /** The spec. */
        public LastResortSpec build() {
            return new LastResortSpec(this);
        }
    }
}
