package dev.cascade.review;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A reviewer's final word on an item. Immutable.
 *
 * @param itemId   the review item
 * @param verdict  approved, edited or rejected
 * @param answer   the answer the caller should use (present for APPROVED and EDITED)
 * @param reviewer who decided
 * @param comment  free text; may be {@code null}
 * @param at       when
 * @param <O>      the chain's output type
 */
public record ReviewDecision<O>(String itemId, Verdict verdict, Optional<O> answer, String reviewer, String comment,
                                Instant at) {

    /** The final states of a review item. */
    public enum Verdict { APPROVED, EDITED, REJECTED }

    public ReviewDecision {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(reviewer, "reviewer");
        Objects.requireNonNull(at, "at");
        if (verdict != Verdict.REJECTED && answer.isEmpty()) {
            throw new IllegalArgumentException(verdict + " needs an answer");
        }
    }
}
