package dev.cascade.internal;

import dev.cascade.config.RetrySpec;

import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * A step's retry numbers, from its {@link RetrySpec}: how many attempts, and how long to wait before each retry
 * (exponential backoff with jitter, or the provider's Retry-After when longer). No state: the retry loop counts the
 * failures. Immutable and thread-safe (when the jitter source is).
 */
final class RetryPolicy {
    private final RetrySpec spec;
    private final DoubleSupplier jitter;
    private final long maxRetryAfterNanos;

    RetryPolicy(RetrySpec spec, DoubleSupplier jitter) {
        this.spec = spec;
        this.jitter = jitter;
        this.maxRetryAfterNanos = spec.maxRetryAfter().toNanos();
    }

    RetrySpec spec() {
        return spec;
    }

    long maxRetryAfterNanos() {
        return maxRetryAfterNanos;
    }

    /**
     * The wait before the next attempt after the {@code failures}-th retryable failure of this step run, in whole
     * milliseconds (rounded up, so a Retry-After is never cut short); {@code -1} when the attempts are used up.
     */
    long delayMillis(int failures, long retryAfterNanos) {
        if (failures >= spec.maxAttempts()) {
            return -1;
        }
        long backoff = backoffNanos(spec, failures, jitter.getAsDouble());
        return TimeUnit.NANOSECONDS.toMillis(Math.max(backoff, retryAfterNanos) + 999_999);
    }

    /** {@code min(maxBackoff, initial * multiplier^(attempt-1))}, spread by ± jitter; {@code random} in [0, 1). */
    static long backoffNanos(RetrySpec spec, int attempt, double random) {
        double base = spec.initialBackoff().toNanos() * Math.pow(spec.multiplier(), Math.max(0, attempt - 1));
        double capped = Math.min(base, spec.maxBackoff().toNanos());
        double spread = capped * (1.0 + spec.jitter() * (2.0 * random - 1.0));
        return (long) Math.max(0, spread);
    }
}
