package dev.cascade.event;

import dev.cascade.api.Attempt;

import java.time.Duration;

/**
 * A step's call failed.
 *
 * @param error   what was thrown (may be {@code null} when the chain itself decided)
 * @param retryIn when the same step will retry, the wait before it (a {@link RetryScheduled} follows); {@code null}
 *                when the chain falls through to the next step
 */
public record AttemptFailed(ExecutionInfo execution, Attempt attempt, Throwable error, Duration retryIn) {

    /** An event without the retry wait: {@code retrying} true means "retries after an unknown wait". */
    public AttemptFailed(ExecutionInfo execution, Attempt attempt, Throwable error, boolean retrying) {
        this(execution, attempt, error, retrying ? Duration.ZERO : null);
    }

    /** Whether the same step will retry. */
    public boolean retrying() {
        return retryIn != null;
    }
}
