package dev.cascade.event;

import dev.cascade.Attempt;

/** A step ran and did not fail: it answered, its answer was rejected, it passed, or it queued the input. */
public record AttemptFinished(ExecutionInfo execution, Attempt attempt) {
}
