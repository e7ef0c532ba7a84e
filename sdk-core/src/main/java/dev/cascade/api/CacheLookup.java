package dev.cascade.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What a chain's response cache did for one execution, hit or miss: {@link Outcome#cacheLookup()}, present only on
 * chains with a cache. Immutable.
 *
 * @param hit            the hit, or {@code null} on a miss
 * @param bestSimilarity the highest similarity a semantic candidate reached (1.0 on an exact hit; {@code NaN} when no
 *                       semantic candidate was compared)
 * @param refusedBy      on a miss, why the best candidate above the threshold was refused by the match guard (e.g.
 *                       {@code "negation differs"}), or {@code null}
 * @param stored         what became of the execution's own answer: {@code "stored"}, or why it was not stored (e.g.
 *                       {@code "not answered by a model step"}, {@code "too large"}, {@code "on review decision"} when a reviewer's answer may be stored later); {@code null}
 *                       on a hit
 */
public record CacheLookup(CacheHit hit, double bestSimilarity, String refusedBy, String stored) {

    /** The hit, if the cache answered. */
    public Optional<CacheHit> hitIfAny() {
        return Optional.ofNullable(hit);
    }

    /** A copy with {@code stored} set. */
    public CacheLookup withStored(String stored) {
        return new CacheLookup(hit, bestSimilarity, refusedBy, Objects.requireNonNull(stored, "stored"));
    }
}
