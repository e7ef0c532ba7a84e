package dev.cascade.cache;

import java.util.Optional;

/**
 * The last word on a semantic cache hit: given the new input and the input a cached answer was stored for (both
 * already within the same scope and above the similarity threshold), refuses the hit when the two differ in a way
 * that changes the answer — "enable" vs "disable", order 1234 vs 5678, "Dropbox" vs "Google Drive" — which
 * embeddings alone do not separate.
 *
 * <p>The response cache gives both texts normalised by {@link ResponseCache#normaliseKeepingCase}: NFKC, runs of
 * whitespace as one space, trimmed, and <em>case kept</em> as typed (the cached one as it was typed when stored,
 * {@link CacheEntry#inputText()}). Texts that differ only in case share an exact key and are served by the exact
 * lookup, which asks no guard; texts that differ in more reach the guard with case, so one that wants case-insensitive
 * comparison folds case itself.
 *
 * <p>Implementations must be thread-safe, side-effect free and cheap (a lexical check, microseconds).
 */
@FunctionalInterface
public interface MatchGuard {

    /** A guard that refuses nothing (similarity alone decides). */
    MatchGuard NONE = (input, cachedInput) -> Optional.empty();

    /**
     * @param input       the new input's text: NFKC, whitespace collapsed, case kept
     * @param cachedInput the text the candidate entry was stored for, normalised the same way
     * @return empty to allow the hit; otherwise a short reason for refusing it (recorded on the span, for example
     *         {@code "negation differs"}), never containing the inputs themselves
     */
    Optional<String> refuse(String input, String cachedInput);
}
