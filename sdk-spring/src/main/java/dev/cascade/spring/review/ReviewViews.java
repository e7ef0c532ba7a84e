package dev.cascade.spring.review;

import java.time.Instant;
import java.util.List;

import dev.cascade.api.Money;
import dev.cascade.review.AuditEntry;
import dev.cascade.review.ReviewAttempt;
import dev.cascade.review.ReviewItem;

/**
 * The JSON shapes of the review API. Plain records of strings and numbers (times as ISO-8601 text, money as exact
 * dollars text), so the wire format does not depend on how the application configured its JSON mapper.
 */
final class ReviewViews {

    private ReviewViews() {
    }

    /** {@code GET /api/session}: who the console is talking as, how to send CSRF, where traces are. */
    record Session(String reviewer, String authority, String csrfHeader, String csrfToken, String jaegerBaseUrl,
                   long leaseSeconds) {
    }

    /** {@code GET /api/items}: one page of the queue. */
    record Page(List<Summary> items, int limit, int offset, long openItems) {
    }

    /** One row of the queue. */
    record Summary(String id, String chain, String step, String tenant, String state, boolean escalated,
                   int priority, String createdAt, String dueAt, String claimedBy, String leaseUntil, long version) {

        static Summary of(ReviewItem i) {
            return new Summary(i.id(), i.chain(), i.step(), i.tenant(), i.state().name(), i.escalated(), i.priority(),
                    text(i.createdAt()), text(i.dueAt()), i.claimedBy(), text(i.leaseUntil()), i.version());
        }
    }

    /**
     * One item with everything a reviewer decides on. {@code version} and {@code payloadHash} must be sent back with
     * the decision; {@code proposedAnswer} is what an APPROVED decision without an answer approves (the last unused
     * model answer).
     */
    record Item(String id, String chain, String step, String tenant, String executionId, String state,
                boolean escalated, int priority, String createdAt, String dueAt, String claimedBy, String leaseUntil,
                boolean heldByYou, long version, String payloadHash, String input, List<Attempt> attempts, String cost,
                String traceId, String traceUrl, String proposedAnswer, String verdict, String answer,
                String decidedBy, String comment, String decidedAt, List<Audit> audit) {

        static Item of(ReviewItem i, String reviewer, Instant now, String traceUrl, List<AuditEntry> audit) {
            return new Item(i.id(), i.chain(), i.step(), i.tenant(), i.executionId(), i.state().name(), i.escalated(),
                    i.priority(), text(i.createdAt()), text(i.dueAt()), i.claimedBy(), text(i.leaseUntil()),
                    i.heldBy(reviewer, now), i.version(), i.payloadHash(), i.input(),
                    i.attempts().stream().map(Attempt::of).toList(), usd(i.cost()), i.traceId(), traceUrl,
                    ReviewViews.proposedAnswer(i), i.verdict() == null ? null : i.verdict().name(), i.answer(), i.decidedBy(),
                    i.comment(), text(i.decidedAt()), audit.stream().map(Audit::of).toList());
        }
    }

    /** One attempt the execution made before review, with the model's unused answer. */
    record Attempt(String step, String kind, int number, String status, String failure, String reason, String model,
                   String cost, long latencyMillis, String answer) {

        static Attempt of(ReviewAttempt a) {
            return new Attempt(a.step(), a.kind().name(), a.number(), a.status().name(),
                    a.failure() == null ? null : a.failure().name(), a.reason(), a.model(), usd(a.cost()),
                    a.latency().toMillis(), a.answer());
        }
    }

    /** One audit log entry. */
    record Audit(long seq, String from, String to, String actor, String at, long version, String detail) {

        static Audit of(AuditEntry e) {
            return new Audit(e.seq(), e.from() == null ? null : e.from().name(), e.to().name(), e.actor(),
                    text(e.at()), e.version(), e.detail());
        }
    }

    /**
     * {@code POST /api/items/{id}/decision}. The reviewer is the signed-in user, never a field here.
     *
     * @param verdict     APPROVED, EDITED or REJECTED
     * @param version     the item version the reviewer was shown
     * @param payloadHash the payload hash the reviewer was shown
     * @param answer      EDITED: the reviewer's answer; APPROVED: one of the model answers unchanged, or none for the
     *                    proposed answer; REJECTED: must be absent
     * @param comment     free text; required for REJECTED
     */
    record DecisionRequest(String verdict, Long version, String payloadHash, String answer, String comment) {
    }

    /** The last unused model answer: what "approve" means when the reviewer sends no answer. */
    static String proposedAnswer(ReviewItem item) {
        List<ReviewAttempt> attempts = item.attempts();
        for (int i = attempts.size() - 1; i >= 0; i--) {
            if (attempts.get(i).answer() != null) {
                return attempts.get(i).answer();
            }
        }
        return null;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String usd(Money m) {
        return m.toUsd().toPlainString();
    }
}
