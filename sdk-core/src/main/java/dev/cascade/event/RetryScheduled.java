package dev.cascade.event;

import dev.cascade.api.FailureKind;

import java.time.Duration;

/** A model step will retry after {@code delay} (backoff with jitter, or the provider's Retry-After). */
public record RetryScheduled(ExecutionInfo execution, String step, int nextAttempt, FailureKind after, Duration delay) {
}
