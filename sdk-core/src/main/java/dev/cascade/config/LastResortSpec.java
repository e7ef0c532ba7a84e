package dev.cascade.config;

import dev.cascade.CascadeBuilder;
import java.time.Duration;
import java.util.Locale;

/**
 * What a chain does when every step it ran has failed or been skipped and the deadline still has room: the last
 * resort, configured with {@link CascadeBuilder#lastResort}. Not thread-safe; the chain copies it at {@code build()}.
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
 * <p>Defaults: wait for Retry-After up to 5 s (and the deadline); no probes.
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

    private boolean waitForRetryAfter = true;
    private Duration maxWait = Duration.ofSeconds(5);
    private double probesPerSecond;

    LastResortSpec() {
    }

    /** Whether to wait for the earliest Retry-After that fits and try that step once more. Default: true. */
    public LastResortSpec waitForRetryAfter(boolean value) {
        this.waitForRetryAfter = value;
        return this;
    }

    /** The longest a last resort waits for a Retry-After, also without a deadline. Default 5 s. Must be >= 0. */
    public LastResortSpec maxWait(Duration value) {
        this.maxWait = Specs.nonNegative("lastResort.maxWait", value);
        return this;
    }

    /**
     * Lets at most {@code maxPerSecond} executions per second (per model step) probe a step whose breaker is open.
     * Default 0: no probes. Must be in [0, 1000].
     */
    public LastResortSpec probeOpenBreakers(double maxPerSecond) {
        if (!(maxPerSecond >= 0 && maxPerSecond <= 1000)) {
            throw new IllegalArgumentException("lastResort.probeOpenBreakers must be in [0, 1000] per second, was "
                    + maxPerSecond);
        }
        this.probesPerSecond = maxPerSecond;
        return this;
    }

    /** Turns the last resort off: the chain gives up as soon as its steps have. */
    public LastResortSpec off() {
        this.waitForRetryAfter = false;
        this.probesPerSecond = 0;
        return this;
    }

    public boolean waitForRetryAfter() {
        return waitForRetryAfter;
    }

    public Duration maxWait() {
        return maxWait;
    }

    public double probesPerSecond() {
        return probesPerSecond;
    }

    /** Whether this does anything. */
    public boolean enabled() {
        return waitForRetryAfter || probesPerSecond > 0;
    }

    LastResortSpec copy() {
        LastResortSpec c = new LastResortSpec();
        c.waitForRetryAfter = waitForRetryAfter;
        c.maxWait = maxWait;
        c.probesPerSecond = probesPerSecond;
        return c;
    }

    @Override
    public String toString() {
        if (!enabled()) {
            return "lastResort(off)";
        }
        return "lastResort(" + (waitForRetryAfter ? "waitForRetryAfter<=" + maxWait : "noWait")
                + (probesPerSecond > 0 ? ", probeOpenBreakers=" + probesPerSecond + "/s" : "") + ")";
    }
}
