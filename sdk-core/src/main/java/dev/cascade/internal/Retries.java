package dev.cascade.internal;

import dev.cascade.config.RetrySpec;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/** Builds a step's resilience4j {@link Retry}: Cascade's backoff, jitter and Retry-After, with no sleeping inside. */
public final class Retries {
    private Retries() {
    }

    public static Retry create(String name, RetrySpec spec, DoubleSupplier jitter) {
        IntervalBiFunction<Object> interval = (attempt, result) -> {
            long backoff = backoffNanos(spec, attempt, jitter.getAsDouble());
            long retryAfter = result.isLeft() && result.getLeft() instanceof AttemptFailure f ? f.retryAfterNanos : 0;
            // resilience4j counts in milliseconds; round up so a Retry-After is never cut short.
            return TimeUnit.NANOSECONDS.toMillis(Math.max(backoff, retryAfter) + 999_999);
        };
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(spec.maxAttempts())
                .intervalBiFunction(interval)
                // The engine only hands over failures whose policy allows a retry.
                .retryOnException(t -> t instanceof AttemptFailure)
                .failAfterMaxAttempts(false)
                .writableStackTraceEnabled(false)
                .build();
        return Retry.of(name, config);
    }

    /** {@code min(maxBackoff, initial * multiplier^(attempt-1))}, spread by ± jitter; {@code random} in [0, 1). */
    static long backoffNanos(RetrySpec spec, int attempt, double random) {
        double base = spec.initialBackoff().toNanos() * Math.pow(spec.multiplier(), Math.max(0, attempt - 1));
        double capped = Math.min(base, spec.maxBackoff().toNanos());
        double spread = capped * (1.0 + spec.jitter() * (2.0 * random - 1.0));
        return (long) Math.max(0, spread);
    }
}
