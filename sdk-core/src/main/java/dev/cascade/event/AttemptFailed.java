package dev.cascade.event;

import dev.cascade.Attempt;

/**
 * A step's call failed.
 *
 * @param error    what was thrown (may be {@code null} when the chain itself decided)
 * @param retrying whether the same step will retry (a {@link RetryScheduled} follows); when false, the chain falls
 *                 through to the next step
 */
public record AttemptFailed(ExecutionInfo execution, Attempt attempt, Throwable error, boolean retrying) {
}
