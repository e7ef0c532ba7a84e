package dev.cascade.cache;

import java.util.Locale;

/** Embedding models for tests: deterministic, no download. */
final class TestEmbeddings {

    private TestEmbeddings() {
    }

    /**
     * Every text gets the same vector: any two inputs are a perfect semantic match, so only the scope (and the guard)
     * can keep a hit out. The harshest model for isolation tests.
     */
    static EmbeddingModel everythingMatches() {
        return new EmbeddingModel() {
            @Override
            public String id() {
                return "test-constant";
            }

            @Override
            public int dimensions() {
                return 4;
            }

            @Override
            public float[] embed(String text) {
                return new float[] {1, 1, 1, 1};
            }
        };
    }

    /** Words hashed into 64 buckets: texts sharing most words are similar, unrelated texts are not. */
    static EmbeddingModel bagOfWords() {
        return new EmbeddingModel() {
            @Override
            public String id() {
                return "test-bag-of-words";
            }

            @Override
            public int dimensions() {
                return 64;
            }

            @Override
            public float[] embed(String text) {
                float[] v = new float[64];
                for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                    if (!w.isEmpty()) {
                        v[Math.floorMod(w.hashCode(), 64)] += 1;
                    }
                }
                return v;
            }
        };
    }
}
