package dev.cascade.review;

import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision.Verdict;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one review item as a {@link ReviewStore} holds it: the input and the execution's story as text (so a
 * database can keep it and a reviewer's screen can show it), the item's place in the queue, its claim, and its
 * decision. Immutable; a new snapshot is read after every transition.
 *
 * <p>A reviewer's decision is bound to what they were shown: {@link ReviewStore.Decide} carries the
 * {@link #version()} and {@link #payloadHash()} of the snapshot the reviewer saw.
 *
 * @param id             the item's id, unique in its store and stable across processes
 * @param chain          the chain that submitted it
 * @param step           the review step's name
 * @param tenant         the caller's tenant; {@code null} when none
 * @param executionId    the execution that created it
 * @param idempotencyKey submitting this key again returns this item
 * @param input          the chain's input, as text
 * @param attempts       what the execution tried before review, in order, with the unused model answers
 * @param cost           what the execution had spent when it reached review
 * @param traceContext   the execution's W3C {@code traceparent}/{@code tracestate}; empty when it had no sampled span
 * @param traceId        the trace id from {@code traceparent}; {@code null} when none
 * @param priority       higher is claimed first; raised by {@link #ESCALATION_BOOST} on escalation
 * @param createdAt      when it was submitted
 * @param dueAt          its SLA: when it is escalated or expired if still undecided; {@code null} for no SLA
 * @param onBreach       what its SLA does when it passes
 * @param defaultAnswer  the answer an {@code EXPIRED} item gives the caller; {@code null} means a rejection
 * @param payloadHash    SHA-256 (hex) of a canonical form of {@code input} and {@code attempts}
 * @param version        1 on submit, +1 per transition
 * @param state          where it is in its life
 * @param escalated      whether its SLA escalated it (stays set while it is claimed and after)
 * @param claimedBy      the reviewer holding (or who last held, or who decided) it; {@code null} when nobody has
 * @param leaseUntil     when the current claim ends; {@code null} unless {@code CLAIMED}
 * @param verdict        the decision; {@code null} until final
 * @param answer         the answer the caller gets: present for {@code APPROVED}, {@code EDITED}, and an
 *                       {@code EXPIRED} item with a default answer; {@code null} otherwise
 * @param decidedBy      the reviewer who decided, or {@link ReviewStore#SYSTEM} for an expiry; {@code null} until final
 * @param comment        the reviewer's comment; may be {@code null}
 * @param decidedAt      when it became final; {@code null} until then
 */
public record ReviewItem(String id, String chain, String step, String tenant, String executionId,
                         String idempotencyKey, String input, List<ReviewAttempt> attempts, Money cost,
                         Map<String, String> traceContext, String traceId, int priority, Instant createdAt,
                         Instant dueAt, ReviewPolicy.Breach onBreach, String defaultAnswer, String payloadHash,
                         long version, ReviewState state, boolean escalated, String claimedBy, Instant leaseUntil,
                         Verdict verdict, String answer, String decidedBy, String comment, Instant decidedAt) {

    /** How much an escalation raises an item's priority. */
    public static final int ESCALATION_BOOST = 1_000;

    public ReviewItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(input, "input");
        attempts = List.copyOf(attempts);
        Objects.requireNonNull(cost, "cost");
        traceContext = Map.copyOf(traceContext);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(onBreach, "onBreach");
        Objects.requireNonNull(payloadHash, "payloadHash");
        Objects.requireNonNull(state, "state");
    }

    /** Whether a reviewer may claim it at {@code now}: waiting, or claimed with a lease that has ended. */
    public boolean claimableAt(Instant now) {
        return state.isWaiting() || state == ReviewState.CLAIMED && !now.isBefore(leaseUntil);
    }

    /** Whether {@code reviewer} holds a claim on it that is still live at {@code now}. */
    public boolean heldBy(String reviewer, Instant now) {
        return state == ReviewState.CLAIMED && reviewer.equals(claimedBy) && now.isBefore(leaseUntil);
    }

    /** This snapshot moved on by one transition (version + 1) to the given state, claim and priority. */
    ReviewItem moved(ReviewState to, String claimedBy, Instant leaseUntil, int priority, boolean escalated) {
        return new ReviewItem(id, chain, step, tenant, executionId, idempotencyKey, input, attempts, cost,
                traceContext, traceId, priority, createdAt, dueAt, onBreach, defaultAnswer, payloadHash, version + 1,
                to, escalated, claimedBy, leaseUntil, verdict, answer, decidedBy, comment, decidedAt);
    }

    /** This snapshot moved on by one transition to a final state with its decision. */
    ReviewItem decided(ReviewState to, Verdict verdict, String answer, String decidedBy, String comment,
                       Instant decidedAt) {
        return new ReviewItem(id, chain, step, tenant, executionId, idempotencyKey, input, attempts, cost,
                traceContext, traceId, priority, createdAt, dueAt, onBreach, defaultAnswer, payloadHash, version + 1,
                to, escalated, claimedBy, null, verdict, answer, decidedBy, comment, decidedAt);
    }
}
