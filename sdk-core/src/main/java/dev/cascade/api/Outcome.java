package dev.cascade.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one execution, as a value: the answer (if a step gave one), which step gave it, every attempt in
 * order, where the router started it, and the review handle when the human step holds the input. Immutable.
 *
 * @param <O> the chain's output type
 */
public final class Outcome<O> {

    /** How an execution ended. */
    public enum Status {
        /** A step answered; {@link #answer()} is present. */
        ANSWERED,
        /** The human review step holds the input; {@link #pendingReview()} is present. */
        PENDING_REVIEW,
        /** No step answered and no review step took the input (the chain has none, or its queue failed). */
        UNANSWERED,
        /** The caller cancelled or interrupted the execution. */
        CANCELLED
    }

    private final String chain;
    /** The id, or (for the engine's outcomes) its prefix; see {@link #executionId()}. */
    private final String idText;
    /** -1 when {@code idText} is the whole id; else the sequence number the id ends with, in hex. */
    private final long idSeq;
    private String executionId;
    private final Status status;
    private final O answer;
    private final String answeredBy;
    private final List<Attempt> attempts;
    private final Route route;
    private final ReviewHandle<O> review;
    private final Duration elapsed;
    /** The prompt template of the execution's last model request, or null. */
    private final String templateId;

    Outcome(String chain, String idText, long idSeq, Status status, O answer, String answeredBy,
            List<Attempt> attempts, Route route, ReviewHandle<O> review, Duration elapsed) {
        this.chain = Objects.requireNonNull(chain);
        this.idText = Objects.requireNonNull(idText);
        this.idSeq = idSeq;
        this.status = Objects.requireNonNull(status);
        this.answer = answer;
        this.answeredBy = answeredBy;
        this.attempts = List.copyOf(attempts);
        this.route = Objects.requireNonNull(route);
        this.review = review;
        this.elapsed = Objects.requireNonNull(elapsed);
        this.templateId = null;
    }

    private Outcome(Outcome<O> o, String templateId) {
        this.chain = o.chain;
        this.idText = o.idText;
        this.idSeq = o.idSeq;
        this.executionId = o.executionId;
        this.status = o.status;
        this.answer = o.answer;
        this.answeredBy = o.answeredBy;
        this.attempts = o.attempts;
        this.route = o.route;
        this.review = o.review;
        this.elapsed = o.elapsed;
        this.templateId = templateId;
    }

    /**
     * A copy naming the prompt template of the execution (see {@link #templateId()}). The engine sets it; public so
     * users can stub outcomes.
     */
    public Outcome<O> withTemplateId(String templateId) {
        return new Outcome<>(this, Objects.requireNonNull(templateId, "templateId"));
    }

    /**
     * The prompt template ({@link ModelRequest#templateId()}) of the last model request this execution built: the
     * answering step's when a model answered. Empty when no request named one. Telemetry reports the execution's
     * completion, duration and quality score under it.
     */
    public Optional<String> templateId() {
        return Optional.ofNullable(templateId);
    }

    /**
     * Creates an outcome. The engine makes them; this is public so users can stub a {@code Cascade} in their own
     * tests.
     */
    public static <O> Outcome<O> create(String chain, String executionId, Status status, O answer, String answeredBy,
                                        List<Attempt> attempts, Route route, ReviewHandle<O> review, Duration elapsed) {
        return new Outcome<>(chain, executionId, -1, status, answer, answeredBy, attempts, route, review, elapsed);
    }

    /**
     * As {@link #create(String, String, Status, Object, String, List, Route, ReviewHandle, Duration)}, with the id
     * given as a prefix and a sequence number and built only when asked for: the engine's form, since most callers
     * never read the id.
     */
    public static <O> Outcome<O> create(String chain, String idPrefix, long idSeq, Status status, O answer,
                                        String answeredBy, List<Attempt> attempts, Route route,
                                        ReviewHandle<O> review, Duration elapsed) {
        if (idSeq < 0) {
            throw new IllegalArgumentException("idSeq must be >= 0, was " + idSeq);
        }
        return new Outcome<>(chain, idPrefix, idSeq, status, answer, answeredBy, attempts, route, review, elapsed);
    }

    public String chain() {
        return chain;
    }

    /** A unique id for this execution (also the review item's default idempotency key). */
    public String executionId() {
        String id = executionId;
        if (id == null) {
            // Racy but benign: every thread builds the same string.
            id = idSeq < 0 ? idText : idText + Long.toHexString(idSeq);
            executionId = id;
        }
        return id;
    }

    public Status status() {
        return status;
    }

    public boolean isAnswered() {
        return status == Status.ANSWERED;
    }

    /** The answer, if a step answered. */
    public Optional<O> answer() {
        return Optional.ofNullable(answer);
    }

    /** The name of the step that answered. */
    public Optional<String> answeredBy() {
        return Optional.ofNullable(answeredBy);
    }

    /** Every attempt, skip, pass and hand-off, in the order they happened. */
    public List<Attempt> attempts() {
        return attempts;
    }

    /** Where the execution entered the chain. */
    public Route route() {
        return route;
    }

    /** Present when the human review step holds the input: its id and a future of the decision. */
    public Optional<ReviewHandle<O>> pendingReview() {
        return Optional.ofNullable(review);
    }

    /** Wall time from the start of the execution to its outcome. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Tokens reported by every model call of this execution, summed. */
    public Usage usage() {
        long in = 0, out = 0, cached = 0;
        for (Attempt a : attempts) {
            in += a.usage().inputTokens();
            out += a.usage().outputTokens();
            cached += a.usage().cachedInputTokens();
        }
        return new Usage(in, out, cached);
    }

    /**
     * What this execution spent, as settled by the chain's budget ({@link Money#ZERO} on a chain with none) by the
     * time it finished. A call the chain gave up on while it was still running (timeout, cancel) is settled when it
     * really ends, after this outcome was made: its cost arrives in a {@link dev.cascade.event.LateCompletion} event.
     */
    public Money cost() {
        long micros = 0;
        for (Attempt a : attempts) {
            micros += a.cost().micros();
        }
        return Money.ofMicros(micros);
    }

    /** How many model calls were made (retries included, skips excluded). */
    public int modelCalls() {
        int n = 0;
        for (Attempt a : attempts) {
            if (a.calledModel()) {
                n++;
            }
        }
        return n;
    }

    /**
     * The answer, or a {@link NoAnswerException} naming the chain, the last step tried and its failure kind.
     * A pending review is not an answer: this throws for it too (use {@link #pendingReview()}).
     *
     * @throws NoAnswerException when the chain did not answer
     */
    public O orElseThrow() {
        if (status == Status.ANSWERED) {
            return answer;
        }
        Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        String msg = "chain '" + chain + "' did not answer (" + status + ")"
                + (last == null ? "" : "; last step '" + last.step() + "': " + last.status()
                + (last.reason() == null ? "" : " - " + last.reason()));
        throw new NoAnswerException(chain, last == null ? null : last.step(), last == null ? null : last.failure(), msg);
    }

    @Override
    public String toString() {
        return "Outcome[chain=" + chain + ", status=" + status + ", answeredBy=" + answeredBy + ", attempts="
                + attempts.size() + ", elapsed=" + elapsed + "]";
    }
}
