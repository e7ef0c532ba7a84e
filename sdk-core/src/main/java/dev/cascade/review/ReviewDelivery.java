package dev.cascade.review;

import dev.cascade.api.ReviewDecision;
import java.util.Objects;

/**
 * One delivery of a decision to a {@link DurableReviewQueue} listener. Deliveries are at least once: a decision may be
 * delivered again (after a restart, or by two processes' pollers); {@link #deliveryId()} is the same every time, so a
 * listener that must act once can drop repeats. Immutable.
 *
 * @param deliveryId {@code itemId@version} of the final transition: stable across processes and restarts
 * @param item       the decided item as stored
 * @param decision   the decision, with the answer decoded to the chain's type
 * @param <O>        the chain's output type
 */
public record ReviewDelivery<O>(String deliveryId, ReviewItem item, ReviewDecision<O> decision) {

    public ReviewDelivery {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(decision, "decision");
    }
}
