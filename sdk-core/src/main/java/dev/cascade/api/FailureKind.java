package dev.cascade.api;

import dev.cascade.CascadeBuilder;

/**
 * Why a step did not answer. Every {@link Attempt} that failed or was skipped carries one.
 *
 * <p>Each kind has a default {@link FailurePolicy} (see {@link #defaultPolicy()}) taken from the table in
 * the design: whether the same step retries it, whether the chain may fall to further <em>model</em> steps,
 * whether it counts as a failure for the step's circuit breaker, and whether it raises an alert event. Rules,
 * custom steps and the human review step are always tried after any failure kind: the input is never dropped.
 * A chain overrides the policy per kind with {@link CascadeBuilder#onFailure}.
 */
public enum FailureKind {
    /** 429 or provider overload. Retried (after Retry-After when it fits the deadline); not a breaker failure. */
    RATE_LIMITED(true, true, false, false),
    /** 5xx, connection refused or reset, and any exception no classifier recognised. */
    UNAVAILABLE(true, true, true, false),
    /** The attempt timed out (Cascade's own attempt timeout, or the client's). */
    TIMEOUT(true, true, true, false),
    /** The input does not fit the model's context window; a later model may fit it. */
    CONTEXT_TOO_LONG(false, true, false, false),
    /** The provider refused the content. Other models are not tried unless the chain opts in. */
    CONTENT_FILTERED(false, false, false, false),
    /** {@code insufficient_quota} or a billing limit. Raises an alert. */
    QUOTA_EXHAUSTED(false, true, true, true),
    /** 401 or 403: a bad or revoked key. Raises an alert. */
    AUTH(false, true, true, true),
    /** Any other 4xx, or a prompt mapper that threw: the request itself is wrong, so other models are not tried. */
    INVALID_REQUEST(false, false, false, false),
    /** The answer failed the parser or the accept gate, or came back empty. */
    REJECTED(false, true, false, false),
    /** Admission: the step's circuit breaker is open (or half-open with no trial permit left). */
    CIRCUIT_OPEN(false, true, false, false),
    /** Admission: the step's rate limiter had no permit. Cascade never waits for one. */
    NO_PERMIT(false, true, false, false),
    /**
     * Admission: no room for another call of this step. Its bulkhead (the model step's {@code bulkhead} option)
     * already has its limit of calls in flight, or the chain's executor had no thread for the call (then no model
     * step is tried on a thread the executor does not have: rules and the review step still take the input). Cascade
     * never waits for room.
     */
    BULKHEAD_FULL(false, true, false, false),
    /** Admission: a budget refused the reservation. */
    OVER_BUDGET(false, true, false, false),
    /** Admission: the execution's deadline has no time left for this step. */
    NO_TIME(false, true, false, false),
    /** Not tried because an earlier failure's policy forbids further model steps (see {@link FailurePolicy#fallToModels()}). */
    BARRED(false, true, false, false),
    /** The caller cancelled the execution (interrupt or {@code Future.cancel}). */
    CANCELLED(false, false, false, false);

    private final FailurePolicy defaultPolicy;

    FailureKind(boolean retry, boolean fallToModels, boolean countsForBreaker, boolean alert) {
        this.defaultPolicy = new FailurePolicy(retry, fallToModels, countsForBreaker, alert);
    }

    /** The policy this kind has unless the chain overrides it. */
    public FailurePolicy defaultPolicy() {
        return defaultPolicy;
    }

    /** Whether this kind is an admission refusal: the step was skipped without calling the model. */
    public boolean isAdmission() {
        return this == CIRCUIT_OPEN || this == NO_PERMIT || this == BULKHEAD_FULL
                || this == OVER_BUDGET || this == NO_TIME || this == BARRED;
    }
}
