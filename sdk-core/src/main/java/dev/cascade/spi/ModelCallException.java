package dev.cascade.spi;

import dev.cascade.FailureKind;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by a {@link ModelClient} to say exactly why a call failed, so the chain need not guess. Carries the
 * provider's Retry-After when it sent one.
 */
public class ModelCallException extends Exception {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;
    private final Duration retryAfter;

    public ModelCallException(FailureKind kind, String message) {
        this(kind, message, null, null);
    }

    public ModelCallException(FailureKind kind, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        if (kind.isAdmission() || kind == FailureKind.REJECTED || kind == FailureKind.CANCELLED) {
            throw new IllegalArgumentException(kind + " is decided by the chain, not by a model client");
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be >= 0, was " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** A 429 with the provider's Retry-After (may be {@code null}). */
    public static ModelCallException rateLimited(String message, Duration retryAfter) {
        return new ModelCallException(FailureKind.RATE_LIMITED, message, retryAfter, null);
    }

    public FailureKind kind() {
        return kind;
    }

    /** How long the provider asked us to wait before retrying. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
