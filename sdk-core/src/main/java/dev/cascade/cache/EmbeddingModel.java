package dev.cascade.cache;

/**
 * Turns a text into a vector for the response cache's semantic lookup. Two texts whose vectors have a cosine
 * similarity at or above a chain's threshold are candidates for the same cached answer; a {@link MatchGuard} then has
 * the last word.
 *
 * <p>Implementations must be thread-safe and deterministic (the same text gives the same vector), and must return
 * vectors of {@link #dimensions()} entries. They run on the caller's thread during a lookup and after an answer is
 * stored, so they should be fast (an in-process model: milliseconds).
 */
public interface EmbeddingModel {

    /**
     * A stable name of the model and its version (for example {@code all-minilm-l6-v2}). It is part of a cache
     * entry's scope: vectors of two different models are never compared.
     */
    String id();

    /** The length of every vector {@link #embed} returns. */
    int dimensions();

    /**
     * The text's vector.
     *
     * @throws RuntimeException when the model fails; the cache then treats the lookup as a miss (and stores nothing
     *                          semantic for this text)
     */
    float[] embed(String text);
}
