package dev.cascade.review;

import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.review.ReviewConflictException.Reason;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The review state machine, once for every store: given an item as it is and a request, the item as it becomes and
 * the audit entries to append (drafts: the store gives them their sequence numbers), or a
 * {@link ReviewConflictException}. Pure functions; each store runs them under its own lock (a monitor, a row lock).
 */
final class ReviewTransitions {
    private ReviewTransitions() {
    }

    /** An item after a transition and the audit entries that record it (none for an idempotent repeat). */
    record Result(ReviewItem item, List<AuditEntry> entries) {
        boolean changed() {
            return !entries.isEmpty();
        }
    }

    static Result submitted(String id, ReviewStore.Submission s, Instant now) {
        String hash = ReviewText.payloadHash(s.input(), s.attempts());
        ReviewItem item = new ReviewItem(id, s.chain(), s.step(), s.tenant(), s.executionId(), s.idempotencyKey(),
                s.input(), s.attempts(), s.cost(), s.traceContext(), ReviewText.traceId(s.traceContext()),
                s.priority(), now, s.dueAt(), s.onBreach(), s.defaultAnswer(), hash, 1, ReviewState.PENDING, false,
                null, null, null, null, null, null, null);
        return new Result(item, List.of(entry(null, item, ReviewStore.SYSTEM, now, "submitted by execution "
                + s.executionId())));
    }

    /** Claims an item for {@code reviewer}: from waiting, from an ended lease, or renewing the reviewer's own. */
    static Result claim(ReviewItem item, String reviewer, Duration lease, Instant now) {
        if (item.state().isFinal()) {
            throw alreadyDecided(item);
        }
        List<AuditEntry> entries = new ArrayList<>(2);
        ReviewItem current = item;
        if (item.state() == ReviewState.CLAIMED) {
            if (now.isBefore(item.leaseUntil())) {
                if (!reviewer.equals(item.claimedBy())) {
                    throw claimedByOther(item);
                }
                ReviewItem renewed = item.moved(ReviewState.CLAIMED, reviewer, now.plus(lease), item.priority(),
                        item.escalated());
                return new Result(renewed, List.of(entry(item, renewed, reviewer, now, "lease renewed until "
                        + renewed.leaseUntil())));
            }
            Result lapsed = lapse(item, now);
            entries.addAll(lapsed.entries());
            current = lapsed.item();
        }
        ReviewItem claimed = current.moved(ReviewState.CLAIMED, reviewer, now.plus(lease), current.priority(),
                current.escalated());
        entries.add(entry(current, claimed, reviewer, now, "lease until " + claimed.leaseUntil()));
        return new Result(claimed, entries);
    }

    static Result release(ReviewItem item, String reviewer, Instant now) {
        if (item.state().isFinal()) {
            throw alreadyDecided(item);
        }
        if (item.state() != ReviewState.CLAIMED || !reviewer.equals(item.claimedBy())) {
            if (item.state() == ReviewState.CLAIMED && now.isBefore(item.leaseUntil())) {
                throw claimedByOther(item);
            }
            throw notClaimed(item, reviewer);
        }
        ReviewItem released = item.moved(waitingState(item), null, null, item.priority(), item.escalated());
        return new Result(released, List.of(entry(item, released, reviewer, now, "released")));
    }

    static Result decide(ReviewItem item, ReviewStore.Decide d, Instant now) {
        if (item.state().isFinal()) {
            if (sameDecision(item, d)) {
                return new Result(item, List.of());
            }
            throw alreadyDecided(item);
        }
        if (!item.payloadHash().equals(d.payloadHash())) {
            throw new ReviewConflictException(Reason.PAYLOAD_CHANGED, item.id(), "review item '" + item.id()
                    + "' holds another payload than the one the decision was made on (hash " + item.payloadHash()
                    + ", decision for " + d.payloadHash() + "); reload the item and decide on what it holds");
        }
        if (item.state() != ReviewState.CLAIMED) {
            throw notClaimed(item, d.reviewer());
        }
        if (!d.reviewer().equals(item.claimedBy())) {
            if (now.isBefore(item.leaseUntil())) {
                throw claimedByOther(item);
            }
            throw notClaimed(item, d.reviewer());
        }
        if (!now.isBefore(item.leaseUntil())) {
            throw new ReviewConflictException(Reason.LEASE_EXPIRED, item.id(), "the lease of '" + d.reviewer()
                    + "' on review item '" + item.id() + "' ended at " + item.leaseUntil()
                    + "; claim it again, then decide");
        }
        if (item.version() != d.expectedVersion()) {
            throw new ReviewConflictException(Reason.STALE_VERSION, item.id(), "review item '" + item.id()
                    + "' is at version " + item.version() + ", the decision was made on version "
                    + d.expectedVersion() + "; reload it and decide again");
        }
        ReviewState to = ReviewState.valueOf(d.verdict().name());
        ReviewItem decided = item.decided(to, d.verdict(), d.answer(), d.reviewer(), d.comment(), now);
        return new Result(decided, List.of(entry(item, decided, d.reviewer(), now, "decided " + d.verdict())));
    }

    /** Ends an ended lease; {@code null} when the item is not claimed or its lease is still live. */
    static Result expireLease(ReviewItem item, Instant now) {
        if (item.state() != ReviewState.CLAIMED || now.isBefore(item.leaseUntil())) {
            return null;
        }
        return lapse(item, now);
    }

    /** Escalates or expires a waiting item that is due; {@code null} when there is nothing to do. */
    static Result sla(ReviewItem item, Instant now) {
        if (!item.state().isWaiting() || item.dueAt() == null || now.isBefore(item.dueAt())) {
            return null;
        }
        if (item.onBreach() == ReviewPolicy.Breach.EXPIRE) {
            String answer = item.defaultAnswer();
            ReviewItem expired = item.decided(ReviewState.EXPIRED, Verdict.EXPIRED, answer, ReviewStore.SYSTEM,
                    null, now);
            return new Result(expired, List.of(entry(item, expired, ReviewStore.SYSTEM, now, "SLA due at "
                    + item.dueAt() + " passed; expired with " + (answer == null ? "no answer" : "the default answer"))));
        }
        if (item.escalated()) {
            return null;
        }
        int raised = item.priority() > Integer.MAX_VALUE - ReviewItem.ESCALATION_BOOST ? Integer.MAX_VALUE
                : item.priority() + ReviewItem.ESCALATION_BOOST;
        ReviewItem escalated = item.moved(ReviewState.ESCALATED, null, null, raised, true);
        return new Result(escalated, List.of(entry(item, escalated, ReviewStore.SYSTEM, now, "SLA due at "
                + item.dueAt() + " passed; escalated, priority " + item.priority() + " -> " + raised)));
    }

    private static Result lapse(ReviewItem item, Instant now) {
        ReviewItem back = item.moved(waitingState(item), null, null, item.priority(), item.escalated());
        return new Result(back, List.of(entry(item, back, ReviewStore.SYSTEM, now, "lease of '" + item.claimedBy()
                + "' ended at " + item.leaseUntil())));
    }

    private static ReviewState waitingState(ReviewItem item) {
        return item.escalated() ? ReviewState.ESCALATED : ReviewState.PENDING;
    }

    private static boolean sameDecision(ReviewItem item, ReviewStore.Decide d) {
        return item.verdict() == d.verdict() && d.reviewer().equals(item.decidedBy())
                && Objects.equals(item.answer(), d.answer()) && Objects.equals(item.comment(), d.comment())
                && item.payloadHash().equals(d.payloadHash()) && item.version() == d.expectedVersion() + 1;
    }

    static ReviewConflictException notFound(String id) {
        return new ReviewConflictException(Reason.NOT_FOUND, id, "no review item with id '" + id + "'");
    }

    static ReviewConflictException alreadyDecided(ReviewItem item) {
        return new ReviewConflictException(Reason.ALREADY_DECIDED, item.id(), "review item '" + item.id()
                + "' is already " + item.state() + " (by '" + item.decidedBy() + "' at " + item.decidedAt()
                + "); decisions are final");
    }

    private static ReviewConflictException claimedByOther(ReviewItem item) {
        return new ReviewConflictException(Reason.CLAIMED_BY_OTHER, item.id(), "review item '" + item.id()
                + "' is claimed by '" + item.claimedBy() + "' until " + item.leaseUntil()
                + "; pick another item, or wait for that lease to end");
    }

    private static ReviewConflictException notClaimed(ReviewItem item, String reviewer) {
        return new ReviewConflictException(Reason.NOT_CLAIMED, item.id(), "reviewer '" + reviewer
                + "' does not hold a claim on review item '" + item.id() + "' (it is " + item.state()
                + "); claim it first");
    }

    private static AuditEntry entry(ReviewItem from, ReviewItem to, String actor, Instant at, String detail) {
        return new AuditEntry(0, to.id(), from == null ? null : from.state(), to.state(), actor, at, to.version(),
                detail);
    }
}
