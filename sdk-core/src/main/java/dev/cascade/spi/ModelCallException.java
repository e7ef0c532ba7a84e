package dev.cascade.spi;

import dev.cascade.api.FailureKind;
import dev.cascade.api.Usage;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by a {@link ModelClient} to say exactly why a call failed, so the chain need not guess. Carries the
 * provider's Retry-After when it sent one, and the tokens the provider billed when a failed call was still charged
 * (a content-filtered or refused completion): the budget settles on them, so they are not lost.
 */
public class ModelCallException extends Exception {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;
    private final Duration retryAfter;
    private final Usage usage;
    private final boolean requestSent;

    public ModelCallException(FailureKind kind, String message) {
        this(kind, message, null, null);
    }

    public ModelCallException(FailureKind kind, String message, Duration retryAfter, Throwable cause) {
        this(kind, message, retryAfter, cause, Usage.NONE);
    }

    /**
     * @param usage what the provider billed for the failed call ({@link Usage#NONE} when nothing): the chain's budget
     *              settles the attempt on it, and the attempt records it
     */
    public ModelCallException(FailureKind kind, String message, Duration retryAfter, Throwable cause, Usage usage) {
        this(kind, message, retryAfter, cause, usage, true);
    }

    private ModelCallException(FailureKind kind, String message, Duration retryAfter, Throwable cause, Usage usage,
                               boolean requestSent) {
        super(message, cause);
        this.requestSent = requestSent;
        this.usage = Objects.requireNonNull(usage, "usage");
        this.kind = Objects.requireNonNull(kind, "kind");
        if (kind.isAdmission() || kind == FailureKind.REJECTED || kind == FailureKind.CANCELLED) {
            throw new IllegalArgumentException(kind + " is decided by the chain, not by a model client");
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be >= 0, was " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /**
     * A failure before the request left the process, so the provider never saw it: serialising the request failed, no
     * connection could be had from a local pool, the client was interrupted before it wrote the request. The attempt
     * is recorded and retried as {@code kind} says, but the circuit breaker does not count it as a provider failure
     * (its permission is released). Only say this when the client knows: a request that may have been written counts.
     */
    public static ModelCallException notSent(FailureKind kind, String message, Throwable cause) {
        return new ModelCallException(kind, message, null, cause, Usage.NONE, false);
    }

    /** A 429 with the provider's Retry-After (may be {@code null}). */
    public static ModelCallException rateLimited(String message, Duration retryAfter) {
        return new ModelCallException(FailureKind.RATE_LIMITED, message, retryAfter, null);
    }

    public FailureKind kind() {
        return kind;
    }

    /** Tokens the provider billed for this failed call; {@link Usage#NONE} when it billed nothing. */
    public Usage usage() {
        return usage;
    }

    /** Whether the request may have reached the provider; {@code false} only for {@link #notSent}. */
    public boolean requestSent() {
        return requestSent;
    }

    /** How long the provider asked us to wait before retrying. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
