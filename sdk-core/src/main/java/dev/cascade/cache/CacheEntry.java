package dev.cascade.cache;

import dev.cascade.api.Money;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored answer. Immutable (the vector is not copied: do not change it).
 *
 * @param key            the scope and normalised input it was stored for
 * @param inputText      the input it was stored for, normalised with its case kept
 *                       ({@link ResponseCache#normaliseKeepingCase}): what a {@link MatchGuard} compares a new input
 *                       with. Lower-cased, it must equal {@code key.input()}
 * @param answer         the answer
 * @param vector         the input's embedding, or {@code null} when the chain has no embedding model (exact only)
 * @param embeddingModel the {@link EmbeddingModel#id()} that made {@code vector}, or {@code null}
 * @param cost           what the answer cost when it was obtained: what a hit on it saves
 * @param step           the step that gave it
 * @param storedAt       when it was stored
 * @param expiresAt      when it stops being served
 * @param <O>            the chain's output type
 */
public record CacheEntry<O>(CacheKey key, String inputText, O answer, float[] vector, String embeddingModel,
                            Money cost, String step, Instant storedAt, Instant expiresAt) {

    public CacheEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(inputText, "inputText");
        if (!ResponseCache.lowerCase(inputText).equals(key.input())) {
            // A guard must judge the very text the key stands for; never say which texts (entries end up in logs).
            throw new IllegalArgumentException("inputText must be the key's input with its case kept (lower-cased,"
                    + " it must equal key.input())");
        }
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(storedAt, "storedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if ((vector == null) != (embeddingModel == null)) {
            throw new IllegalArgumentException("vector and embeddingModel must be both set or both null");
        }
    }

    /** Whether the entry is past its time to live at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Deliberately omits the input and answer: entries end up in logs. */
    @Override
    public String toString() {
        return "CacheEntry[" + key + ", step=" + step + ", storedAt=" + storedAt + ", expiresAt=" + expiresAt + "]";
    }
}
