package dev.cascade.internal;

import dev.cascade.api.FailureKind;

/**
 * A classified attempt failure handed to resilience4j's Retry (which wants a Throwable). No stack trace: it is a
 * value, built on the failure path only.
 */
final class AttemptFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final FailureKind kind;
    final long retryAfterNanos;

    AttemptFailure(FailureKind kind, long retryAfterNanos, Throwable cause) {
        super(kind.name(), cause, false, false);
        this.kind = kind;
        this.retryAfterNanos = retryAfterNanos;
    }
}
