package dev.cascade.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

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
    /**
     * -1 when {@code idText} is the whole id; else the sequence number the id ends with, in hex (0 while it is still to
     * be drawn from {@code idSource}).
     */
    private final long idSeq;
    /** Where the sequence number comes from when the execution did not need its id; null otherwise. */
    private final LongSupplier idSource;
    private String executionId;
    private final Status status;
    private final O answer;
    private final String answeredBy;
    private final List<Attempt> attempts;
    private final Route route;
    private final ReviewHandle<O> review;
    /** The elapsed time as given, or null when given in nanoseconds ({@code elapsedNanos}; the engine's form). */
    private final Duration elapsed;
    private final long elapsedNanos;
    /** What the chain's response cache did; null on a chain without one. */
    private final CacheLookup cache;
    /** The prompt template of the execution's last model request, or null. */
    private final String templateId;

    Outcome(String chain, String idText, long idSeq, Status status, O answer, String answeredBy,
            List<Attempt> attempts, Route route, ReviewHandle<O> review, Duration elapsed) {
        this(chain, idText, idSeq, null, status, answer, answeredBy, attempts, route, review,
                Objects.requireNonNull(elapsed), 0, null);
    }

    private Outcome(String chain, String idText, long idSeq, LongSupplier idSource, Status status, O answer,
                    String answeredBy, List<Attempt> attempts, Route route, ReviewHandle<O> review, Duration elapsed,
                    long elapsedNanos, CacheLookup cache) {
        this.cache = cache;
        this.chain = Objects.requireNonNull(chain);
        this.idText = Objects.requireNonNull(idText);
        this.idSeq = idSeq;
        this.idSource = idSource;
        this.elapsedNanos = elapsedNanos;
        this.status = Objects.requireNonNull(status);
        this.answer = answer;
        this.answeredBy = answeredBy;
        this.attempts = List.copyOf(attempts);
        this.route = Objects.requireNonNull(route);
        this.review = review;
        this.elapsed = elapsed;
        this.templateId = null;
    }

    /** A copy of {@code o} with the given cache lookup and template id; it has {@code o}'s execution id. */
    private Outcome(Outcome<O> o, CacheLookup cache, String templateId) {
        this.chain = o.chain;
        if (o.idSource != null) {
            // Draw the id now, so that the copy and the original never name the execution differently.
            this.idText = o.executionId();
            this.idSeq = -1;
        } else {
            this.idText = o.idText;
            this.idSeq = o.idSeq;
        }
        this.idSource = null;
        this.executionId = o.executionId;
        this.status = o.status;
        this.answer = o.answer;
        this.answeredBy = o.answeredBy;
        this.attempts = o.attempts;
        this.route = o.route;
        this.review = o.review;
        this.elapsed = o.elapsed;
        this.elapsedNanos = o.elapsedNanos;
        this.cache = cache;
        this.templateId = templateId;
    }

    /**
     * A copy naming the prompt template of the execution (see {@link #templateId()}). The engine sets it; public so
     * users can stub outcomes.
     */
    public Outcome<O> withTemplateId(String templateId) {
        return new Outcome<>(this, cache, Objects.requireNonNull(templateId, "templateId"));
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

    /**
     * The engine's form (it makes one outcome per execution, so this one saves what it can): the id is built from a
     * prefix and a sequence number only when asked for, and when the execution never needed its id
     * ({@code idSeq == 0}) the number itself is drawn from {@code idSource} then, once per outcome; the elapsed time
     * is given in nanoseconds.
     *
     * @param idSeq      the id's sequence number ({@code >= 1}), or 0 to draw it from {@code idSource} on first use
     * @param idSource   gives unique sequence numbers ({@code >= 1}); required when {@code idSeq} is 0
     * @param elapsedNanos wall time from the start of the execution to its outcome, in nanoseconds
     */
    public static <O> Outcome<O> create(String chain, String idPrefix, long idSeq, LongSupplier idSource,
                                        Status status, O answer, String answeredBy, List<Attempt> attempts,
                                        Route route, ReviewHandle<O> review, long elapsedNanos) {
        if (idSeq < 0 || idSeq == 0 && idSource == null) {
            throw new IllegalArgumentException("idSeq must be >= 1, or 0 with an idSource; was " + idSeq
                    + (idSource == null ? " without an idSource" : ""));
        }
        return new Outcome<>(chain, idPrefix, idSeq, idSeq == 0 ? idSource : null, status, answer, answeredBy,
                attempts, route, review, null, elapsedNanos, null);
    }

    /**
     * A copy that records what the chain's response cache did (the engine's; public for stubs in users' tests). The
     * copy has the same execution id as this outcome.
     */
    public Outcome<O> withCacheLookup(CacheLookup lookup) {
        return new Outcome<>(this, Objects.requireNonNull(lookup, "lookup"), templateId);
    }

    public String chain() {
        return chain;
    }

    /** Present when the response cache answered ({@code answeredBy} is then {@code "cache"}): similarity, saved cost. */
    public Optional<CacheHit> cacheHit() {
        return cache == null ? Optional.empty() : Optional.ofNullable(cache.hit());
    }

    /** What the chain's response cache did, hit or miss; empty on a chain without a cache. */
    public Optional<CacheLookup> cacheLookup() {
        return Optional.ofNullable(cache);
    }

    /**
     * What the response cache saved this execution: the cost the cached answer had when it was first obtained, or
     * {@link Money#ZERO} when the cache did not answer. Reported beside {@link #cost()}, which is zero on a hit.
     */
    public Money savedCost() {
        return cache == null || cache.hit() == null ? Money.ZERO : cache.hit().savedCost();
    }

    /** A unique id for this execution (also the review item's default idempotency key). */
    public String executionId() {
        String id = executionId;
        if (id == null) {
            if (idSource != null) {
                return drawnId();
            }
            // Racy but benign: every thread builds the same string.
            id = idSeq < 0 ? idText : idText + Long.toHexString(idSeq);
            executionId = id;
        }
        return id;
    }

    /** The id of an outcome whose sequence number is drawn on first use: drawn once, whichever thread asks first. */
    private synchronized String drawnId() {
        if (executionId == null) {
            executionId = idText + Long.toHexString(idSource.getAsLong());
        }
        return executionId;
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
        return elapsed != null ? elapsed : Duration.ofNanos(elapsedNanos);
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
                + attempts.size() + ", elapsed=" + elapsed() + (cache != null && cache.hit() != null
                ? ", cacheHit=" + cache.hit().similarity() : "") + "]";
    }
}
