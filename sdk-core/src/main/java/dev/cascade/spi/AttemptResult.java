package dev.cascade.spi;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Usage;

import java.time.Duration;
import java.util.Objects;

/**
 * What one model attempt came to, as {@link AttemptInterceptor}s pass it outwards: an answer, a classified failure,
 * or a refusal before any call. Immutable and thread-safe.
 *
 * <p>Interceptors build results with {@link #answered}, {@link #failed} and {@link #refused}; the engine builds the
 * results of real calls ({@link #called()} true).
 */
public final class AttemptResult {

    /** What kind of result it is. */
    public enum Kind {
        /** A response: parsed and gated next. */
        ANSWERED,
        /** A failure: classified; retried or the chain falls back. */
        FAILED,
        /** No call was made: the attempt was refused with an admission kind; the step is skipped. */
        REFUSED
    }

    private final Kind kind;
    private final ModelResponse response;
    private final Throwable error;
    private final FailureKind failure;
    private final Duration retryAfter;
    private final String reason;
    private final boolean called;
    private final boolean requestSent;
    private final Usage billed;
    private final RunningCall stillRunning;
    private final Money cost;

    private AttemptResult(Kind kind, ModelResponse response, Throwable error, FailureKind failure, Duration retryAfter,
                          String reason, boolean called, boolean requestSent, Usage billed, RunningCall stillRunning,
                          Money cost) {
        this.kind = kind;
        this.response = response;
        this.error = error;
        this.failure = failure;
        this.retryAfter = retryAfter;
        this.reason = reason;
        this.called = called;
        this.requestSent = requestSent;
        this.billed = billed;
        this.stillRunning = stillRunning;
        this.cost = cost;
    }

    /**
     * An answer given instead of calling the model (e.g. from a cache). Outer interceptors settle it on its usage;
     * the circuit breaker does not count it.
     */
    public static AttemptResult answered(ModelResponse response) {
        Objects.requireNonNull(response, "response");
        return new AttemptResult(Kind.ANSWERED, response, null, null, null, null, false, false, usage(response),
                null, Money.ZERO);
    }

    /**
     * A failure without a call: classified by the chain's classifiers like a client's exception (so a
     * {@link ModelCallException} says its own kind). The circuit breaker does not count it.
     */
    public static AttemptResult failed(Throwable error) {
        Objects.requireNonNull(error, "error");
        return new AttemptResult(Kind.FAILED, null, error, null, null, null, false, false,
                error instanceof ModelCallException m ? m.usage() : Usage.NONE, null, Money.ZERO);
    }

    /**
     * A refusal before the call: the step is skipped at once and the refusal recorded with {@code kind} and
     * {@code reason}. Builds no exception.
     *
     * @param kind an admission kind ({@link FailureKind#isAdmission()}), e.g. {@code OVER_BUDGET}, {@code NO_PERMIT}
     * @throws IllegalArgumentException if {@code kind} is not an admission kind
     */
    public static AttemptResult refused(FailureKind kind, String reason) {
        if (kind == null || !kind.isAdmission()) {
            throw new IllegalArgumentException("AttemptResult.refused(kind, reason): kind must be an admission kind"
                    + " (OVER_BUDGET, NO_PERMIT, ...), was " + kind);
        }
        return new AttemptResult(Kind.REFUSED, null, null, kind, null, Objects.requireNonNull(reason, "reason"),
                false, false, Usage.NONE, null, Money.ZERO);
    }

    /** The engine's result of a call that returned {@code response}. */
    public static AttemptResult ofCall(ModelResponse response) {
        return new AttemptResult(Kind.ANSWERED, Objects.requireNonNull(response, "response"), null, null, null, null,
                true, true, usage(response), null, Money.ZERO);
    }

    /**
     * The engine's result of a failed call, classified.
     *
     * @param called       whether the client was called at all (false: the attempt was given up before it started)
     * @param requestSent  whether the request left the process (false for {@link ModelCallException#notSent})
     * @param billed       what the ended call reported as billed
     * @param stillRunning the call, when the chain stopped waiting for it while it ran; else {@code null}
     */
    public static AttemptResult ofFailedCall(Throwable error, FailureKind kind, Duration retryAfter, String reason,
                                             boolean called, boolean requestSent, Usage billed,
                                             RunningCall stillRunning) {
        Objects.requireNonNull(kind, "kind");
        return new AttemptResult(Kind.FAILED, null, Objects.requireNonNull(error, "error"), kind, retryAfter, reason,
                called, requestSent, billed == null ? Usage.NONE : billed, stillRunning, Money.ZERO);
    }

    private static Usage usage(ModelResponse response) {
        return response.usage() == null ? Usage.NONE : response.usage();
    }

    public Kind kind() {
        return kind;
    }

    /** The response of an {@code ANSWERED} result, else {@code null}. */
    public ModelResponse response() {
        return response;
    }

    /** What failed, for a {@code FAILED} result, else {@code null}. */
    public Throwable error() {
        return error;
    }

    /**
     * The failure kind: of a {@code FAILED} result once classified (the engine classifies before an outer
     * interceptor sees it), of a {@code REFUSED} result its admission kind; {@code null} for an answer.
     */
    public FailureKind failure() {
        return failure;
    }

    /** The provider's Retry-After from the classification, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Why it failed or was refused, as recorded; {@code null} when the engine writes the reason. */
    public String reason() {
        return reason;
    }

    /** Whether the model client was called for this result (false for an interceptor's own result). */
    public boolean called() {
        return called;
    }

    /** Whether the request left the process: false when not {@link #called()} or the client said it was not sent. */
    public boolean requestSent() {
        return requestSent;
    }

    /** What the provider reported as billed: an answer's usage, a failure's billed usage; never {@code null}. */
    public Usage billed() {
        return billed;
    }

    /**
     * The call, when the chain stopped waiting for it while it was still running (a timeout or a cancel); then its
     * usage is not known yet: settle with {@link RunningCall#settleLater}. {@code null} otherwise.
     */
    public RunningCall stillRunning() {
        return stillRunning;
    }

    /** What the attempt cost, as interceptors reported it with {@link #plusCost}; zero by default. */
    public Money cost() {
        return cost;
    }

    /** This result with {@code amount} added to its {@link #cost()} (a budget reports what it settled). */
    public AttemptResult plusCost(Money amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.micros() == 0) {
            return this;
        }
        return new AttemptResult(kind, response, error, failure, retryAfter, reason, called, requestSent, billed,
                stillRunning, cost.plus(amount));
    }

    /** This failure with its classification (the engine classifies interceptors' failures). */
    public AttemptResult classified(FailureKind kind, Duration retryAfter) {
        if (this.kind != Kind.FAILED) {
            throw new IllegalStateException("only a FAILED result is classified, this is " + this.kind);
        }
        return new AttemptResult(this.kind, response, error, Objects.requireNonNull(kind, "kind"), retryAfter, reason,
                called, requestSent, billed, stillRunning, cost);
    }

    @Override
    public String toString() {
        return "AttemptResult[" + kind + (failure == null ? "" : " " + failure) + (called ? ", called" : "")
                + (stillRunning != null ? ", still running" : "") + "]";
    }
}
