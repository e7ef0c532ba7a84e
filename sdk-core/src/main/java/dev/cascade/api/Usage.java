package dev.cascade.api;

/**
 * Token usage a provider reported for one call. Counts are never negative.
 *
 * @param inputTokens       prompt tokens, including cached ones
 * @param outputTokens      completion tokens
 * @param cachedInputTokens the part of {@code inputTokens} served from the provider's prompt cache
 */
public record Usage(long inputTokens, long outputTokens, long cachedInputTokens) {

    /** No tokens. */
    public static final Usage NONE = new Usage(0, 0, 0);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, were input=" + inputTokens
                    + " output=" + outputTokens + " cachedInput=" + cachedInputTokens);
        }
        if (cachedInputTokens > inputTokens) {
            throw new IllegalArgumentException("cachedInputTokens (" + cachedInputTokens
                    + ") must not exceed inputTokens (" + inputTokens + ")");
        }
    }

    public static Usage of(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
