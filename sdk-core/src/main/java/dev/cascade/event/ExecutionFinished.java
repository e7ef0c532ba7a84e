package dev.cascade.event;

import dev.cascade.api.Outcome;

/** An execution ended with {@code outcome} (also when cancelled). */
public record ExecutionFinished(ExecutionInfo execution, Outcome<?> outcome) {
}
