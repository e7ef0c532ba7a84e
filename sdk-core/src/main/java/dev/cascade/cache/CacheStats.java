package dev.cascade.cache;

import dev.cascade.api.Money;

/**
 * A response cache's counters since its chain was built (one instance; a shared store's other users count their
 * own). Immutable snapshot.
 *
 * @param lookups       lookups made (one per execution that reached the cache)
 * @param exactHits     lookups answered by an exact match
 * @param semanticHits  lookups answered by a semantic match
 * @param guardRefusals semantic candidates above the threshold that the match guard refused
 * @param stored        answers stored
 * @param tooLarge      answers not stored because the entry exceeded {@code maxEntryBytes}
 * @param errors        lookups or stores that failed (store or embedding model threw): treated as misses / not stored
 * @param saved         the cost of the answers served from the cache, summed
 */
public record CacheStats(long lookups, long exactHits, long semanticHits, long guardRefusals, long stored,
                         long tooLarge, long errors, Money saved) {

    /** Hits of either kind. */
    public long hits() {
        return exactHits + semanticHits;
    }
}
