package dev.cascade.event;

import dev.cascade.Outcome;

/** An execution ended with {@code outcome} (also when cancelled). */
public record ExecutionFinished(ExecutionInfo execution, Outcome<?> outcome) {
}
