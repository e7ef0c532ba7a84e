package dev.cascade.cache;

import java.util.Optional;

/**
 * The last word on a semantic cache hit: given the new input and the input a cached answer was stored for (both
 * already within the same scope and above the similarity threshold), refuses the hit when the two differ in a way
 * that changes the answer — "enable" vs "disable", order 1234 vs 5678 — which embeddings alone do not separate.
 *
 * <p>Implementations must be thread-safe, side-effect free and cheap (a lexical check, microseconds).
 */
@FunctionalInterface
public interface MatchGuard {

    /** A guard that refuses nothing (similarity alone decides). */
    MatchGuard NONE = (input, cachedInput) -> Optional.empty();

    /**
     * @param input       the new input's normalised text
     * @param cachedInput the normalised text the candidate entry was stored for
     * @return empty to allow the hit; otherwise a short reason for refusing it (recorded on the span, for example
     *         {@code "negation differs"}), never containing the inputs themselves
     */
    Optional<String> refuse(String input, String cachedInput);
}
