package dev.cascade.spring.review;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.cascade.api.Money;
import dev.cascade.review.AuditEntry;
import dev.cascade.review.ReviewAttempt;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewStats;

/**
 * The JSON shapes of the review API. Plain records of strings and numbers (times as ISO-8601 text, money as exact
 * dollars text), so the wire format does not depend on how the application configured its JSON mapper.
 */
final class ReviewViews {

    private ReviewViews() {
    }

    /** {@code GET /api/session}: who the console is talking as, how to send CSRF, where traces are. */
    record Session(String reviewer, String authority, String csrfHeader, String csrfToken, String jaegerBaseUrl,
                   long leaseSeconds, String logoutPath, long pollMillis) {
    }

    /**
     * {@code GET /api/items}: one page of the queue. {@code nextCursor} (null on the last page), {@code counts} (per
     * state, under the same filters but every state) and {@code sort} are set for cursor pages, null for offset pages.
     */
    record Page(List<Summary> items, int limit, int offset, long openItems, String nextCursor, Map<String, Long> counts,
                String sort) {
    }

    /** The longest input preview in a queue row. */
    static final int PREVIEW_CHARS = 160;

    /**
     * One row of the queue. {@code preview}: the start of the input, whitespace runs as one space, at most
     * {@value #PREVIEW_CHARS} characters.
     */
    record Summary(String id, String chain, String step, String tenant, String state, boolean escalated,
                   int priority, String createdAt, String dueAt, String claimedBy, String leaseUntil, long version,
                   String preview) {

        static Summary of(ReviewItem i) {
            return new Summary(i.id(), i.chain(), i.step(), i.tenant(), i.state().name(), i.escalated(), i.priority(),
                    text(i.createdAt()), text(i.dueAt()), i.claimedBy(), text(i.leaseUntil()), i.version(),
                    ReviewViews.preview(i.input()));
        }
    }

    static String preview(String input) {
        String head = input.length() > PREVIEW_CHARS * 4 ? input.substring(0, PREVIEW_CHARS * 4) : input;
        String flat = head.replaceAll("\\s+", " ").strip();
        if (flat.length() <= PREVIEW_CHARS) {
            return head.length() < input.length() ? flat + "…" : flat;
        }
        int cut = Character.isHighSurrogate(flat.charAt(PREVIEW_CHARS - 1)) ? PREVIEW_CHARS - 1 : PREVIEW_CHARS;
        return flat.substring(0, cut) + "…";
    }

    /** {@code GET /api/stats}: figures per reviewer and per chain over a window. */
    record Stats(String from, String to, List<StatsGroup> byReviewer, List<StatsGroup> byChain) {
        static Stats of(ReviewStats s) {
            return new Stats(text(s.from()), text(s.to()), s.byReviewer().stream().map(StatsGroup::of).toList(),
                    s.byChain().stream().map(StatsGroup::of).toList());
        }
    }

    /** One reviewer's or chain's figures; shares in [0, 1], the median in seconds (null when nothing was decided). */
    record StatsGroup(String name, long decided, double decidedPerHour, Long medianSecondsToDecision,
                      double approvedShare, double editedShare, double rejectedShare, long expired, long decidedLate,
                      long openOverdue) {
        static StatsGroup of(ReviewStats.Group g) {
            return new StatsGroup(g.name(), g.decided(), g.decidedPerHour(),
                    g.medianTimeToDecision() == null ? null : g.medianTimeToDecision().toSeconds(), g.approvedShare(),
                    g.editedShare(), g.rejectedShare(), g.expired(), g.decidedLate(), g.openOverdue());
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
