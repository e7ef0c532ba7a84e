package dev.cascade.review;

/**
 * The orders a {@link ReviewSearch} can page in. Each ends with the item's submission order as a tiebreak, so the
 * order is total and a cursor always resumes exactly after the last item shown.
 */
public enum ReviewSort {
    /** Queue order, the order claims take: priority (highest first), then due time (soonest first, none last). */
    QUEUE,
    /** Due time (soonest first, so overdue items lead; none last), then priority (highest first). */
    DUE,
    /** Oldest submission first. */
    OLDEST,
    /** Newest submission first. */
    NEWEST
}
