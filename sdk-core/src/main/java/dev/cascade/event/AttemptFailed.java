package dev.cascade.event;

import dev.cascade.Attempt;

/** A step's call failed; {@code error} is what was thrown (may be {@code null} when the chain itself decided). */
public record AttemptFailed(ExecutionInfo execution, Attempt attempt, Throwable error) {
}
