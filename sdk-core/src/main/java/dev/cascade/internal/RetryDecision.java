package dev.cascade.internal;

import dev.cascade.api.FailurePolicy;
import dev.cascade.config.LastResortSpec;
import dev.cascade.spi.AttemptResult;

import java.util.concurrent.TimeUnit;

/**
 * Where a failed attempt's retry is decided: retried after {@link #delayNanos} (back through every stage, from the
 * deadline on), or not, and then why not, appended to the attempt's reason. The step then falls back to the next one.
 * A value: built only on the failure path.
 *
 * @param delayNanos the wait before the retry, or {@code -1} for no retry
 * @param reason     the attempt's recorded reason, with why it was not retried when that is not plain
 */
record RetryDecision(long delayNanos, String reason) {

    boolean retry() {
        return delayNanos >= 0;
    }

    /**
     * @param failures this step run's failures so far, this one included (only a run whose every failure was
     *                 retried gets here again, so this counts the retries asked of the policy, as maxAttempts does)
     * @param breaker  the step's breaker stage, or {@code null}
     */
    static RetryDecision decide(AttemptResult failed, String reason, FailurePolicy policy, RetryPolicy retry,
                                LastResortSpec.Mode lastResort, boolean cancelled, BreakerStage breaker,
                                int failures, int number, Execution<?, ?> x,
                                dev.cascade.spi.TimeSource time) {
        if (lastResort != null) {
            return new RetryDecision(-1, reason + "; last resort (" + lastResort.label() + "), not retried");
        }
        if (cancelled || !policy.retry() || retry == null) {
            return new RetryDecision(-1, reason);
        }
        if (breaker != null && breaker.refuses()) {
            // This failure opened the breaker: the retry would be refused after its wait. Fall through now, so the
            // failure is the step's fallback and no retry is announced that never runs.
            return new RetryDecision(-1, reason + "; circuit breaker '" + breaker.breaker().getName()
                    + "' opened, not retried");
        }
        long retryAfter = failed.retryAfter() == null ? 0 : failed.retryAfter().toNanos();
        if (retryAfter > retry.maxRetryAfterNanos()) {
            return new RetryDecision(-1, reason + "; Retry-After " + failed.retryAfter().toMillis()
                    + "ms exceeds retry.maxRetryAfter " + retry.spec().maxRetryAfter().toMillis() + "ms, not retried");
        }
        long delayMillis = retry.delayMillis(failures, retryAfter);
        if (delayMillis < 0) {
            return new RetryDecision(-1, reason + "; retries exhausted (" + number + " of "
                    + retry.spec().maxAttempts() + ")");
        }
        long remaining = x.remainingNanos(time.nanoTime());
        if (remaining != Long.MAX_VALUE && TimeUnit.MILLISECONDS.toNanos(delayMillis) >= remaining) {
            return new RetryDecision(-1, reason + "; retry in " + delayMillis + "ms would pass the deadline ("
                    + TimeUnit.NANOSECONDS.toMillis(remaining) + "ms left), not retried");
        }
        return new RetryDecision(TimeUnit.MILLISECONDS.toNanos(delayMillis), reason);
    }
}
