package dev.cascade.api;

import dev.cascade.review.ReviewStore;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A reviewer's final word on an item (or the SLA's, for an expired one). Immutable.
 *
 * @param itemId   the review item
 * @param verdict  approved, edited, rejected, or expired by the SLA
 * @param answer   the answer the caller should use (present for APPROVED and EDITED; for EXPIRED, present when the
 *                 review policy gives a default answer)
 * @param reviewer who decided ({@link ReviewStore#SYSTEM} for an expiry)
 * @param comment  free text; may be {@code null}
 * @param at       when
 * @param <O>      the chain's output type
 */
public record ReviewDecision<O>(String itemId, Verdict verdict, Optional<O> answer, String reviewer, String comment,
                                Instant at) {

    /** The final states of a review item. */
    public enum Verdict {
        /** The reviewer approved the proposed answer. */
        APPROVED,
        /** The reviewer replaced the answer with their own. */
        EDITED,
        /** The reviewer rejected the item: no answer. */
        REJECTED,
        /** Nobody decided before the SLA: the review policy's default outcome (an answer, or none). */
        EXPIRED
    }

    public ReviewDecision {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(reviewer, "reviewer");
        Objects.requireNonNull(at, "at");
        if ((verdict == Verdict.APPROVED || verdict == Verdict.EDITED) && answer.isEmpty()) {
            throw new IllegalArgumentException(verdict + " needs an answer");
        }
    }
}
