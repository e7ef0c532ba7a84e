package dev.cascade.examples.spring;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.cascade.review.ReviewItem;

/**
 * The answer of {@code GET /triage/reviews/{id}}: where a ticket that went to a person stands, and once it is decided,
 * the decision the caller should use. Times are ISO-8601 text.
 *
 * @param id        the review item's id (the {@code reviewId} of the {@code 202} from {@code POST /triage})
 * @param state     {@code PENDING}, {@code CLAIMED}, {@code ESCALATED}, or final: {@code APPROVED}, {@code EDITED},
 *                  {@code REJECTED}, {@code EXPIRED}
 * @param verdict   the decision; absent until final
 * @param answer    the answer the caller gets: present for {@code APPROVED}, {@code EDITED}, and an {@code EXPIRED}
 *                  item with a default answer; absent otherwise
 * @param decidedBy the reviewer who decided ({@code cascade} for an SLA expiry); absent until final
 * @param decidedAt when it was decided; absent until final
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriageReview(String id, String state, String verdict, String answer, String decidedBy,
                           String decidedAt) {

    static TriageReview of(ReviewItem item) {
        return new TriageReview(item.id(), item.state().name(), item.verdict() == null ? null : item.verdict().name(),
                item.answer(), item.decidedBy(), text(item.decidedAt()));
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
