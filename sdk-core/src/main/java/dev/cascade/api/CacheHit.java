package dev.cascade.api;

import java.time.Instant;
import java.util.Objects;

/**
 * How the response cache answered an execution: {@link Outcome#cacheHit()} is present when it did. No model was
 * called and nothing was reserved on the budget. Immutable.
 *
 * @param exact        whether the normalised input matched exactly ({@code similarity} is then 1.0); otherwise a
 *                     semantic match above the chain's threshold that the match guard allowed
 * @param similarity   cosine similarity between the input and the cached entry's input, in [-1, 1]
 * @param savedCost    what the cached answer cost when it was first obtained (the settled cost of the execution that
 *                     stored it; {@link Money#ZERO} when that chain had no budget)
 * @param originalStep the step that gave the cached answer ({@code human review} steps included, for reviewed answers)
 * @param storedAt     when the answer was stored
 */
public record CacheHit(boolean exact, double similarity, Money savedCost, String originalStep, Instant storedAt) {
    public CacheHit {
        Objects.requireNonNull(savedCost, "savedCost");
        Objects.requireNonNull(originalStep, "originalStep");
        Objects.requireNonNull(storedAt, "storedAt");
    }
}
