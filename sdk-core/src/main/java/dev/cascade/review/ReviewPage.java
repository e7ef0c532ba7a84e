package dev.cascade.review;

import java.util.List;

/**
 * One page of a {@link ReviewSearch}: the items, and the cursor of the next page. Immutable.
 *
 * @param items      at most the search's limit, in its order
 * @param nextCursor pass it as {@link ReviewSearch#withCursor} for the next page; {@code null} when this is the last
 */
public record ReviewPage(List<ReviewItem> items, String nextCursor) {
    public ReviewPage {
        items = List.copyOf(items);
    }
}
