package dev.cascade.cache;

import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.config.Specs;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * A chain's response cache, as configured: given to {@code CascadeBuilder.cache(...)}. The cache sits in front of the
 * chain's steps: an exact hit (same scope, same normalised input), then a semantic hit (same scope and embedding
 * model, cosine at or above {@link #similarityThreshold()}, allowed by the {@link #guard()}) answers the execution
 * with {@code answeredBy = "cache"} and no model call; a miss runs the steps, and a complete answer of a model step
 * that passed the parser and accept gate is stored. See {@link ResponseCache} for what is never stored.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}. The builder is not thread-safe and checks each option
 * when it is set, naming the option ({@code cache.ttl}) and the rejected value.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public final class CacheSpec<I, O> {

    /** The default {@link #namespace()}: {@code default}. */
    public static final String DEFAULT_NAMESPACE = "default";
    /** The default {@link #ttl()}: 1 hour. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** The default {@link #maxEntries()} of the default in-memory store: 10,000. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** The default {@link #maxEntryBytes()}: 64 KiB. */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 64 * 1024;
    /**
     * The default {@link #similarityThreshold()}: 0.94, for the default model (all-MiniLM-L6-v2) with the default
     * guard ({@link LexicalGuards#defaults()}). Chosen by the cache evaluation ({@code sdk-examples},
     * {@code mvn -pl sdk-examples -am -DskipTests package -Pcache-eval}): the lowest threshold from which up the
     * guarded wrong-hit rate on its labelled support pairs stays at or below 1%. Lower thresholds serve more
     * paraphrases and more wrong answers; see the evaluation's {@code sweep} before lowering it.
     */
    public static final double DEFAULT_SIMILARITY_THRESHOLD = 0.94;
    /** The default {@link #semanticScanLimit()}: 1,000 entries per lookup. */
    public static final int DEFAULT_SEMANTIC_SCAN_LIMIT = 1_000;

    private final String namespace;
    private final Duration ttl;
    private final int maxEntries;
    private final int maxEntryBytes;
    private final double similarityThreshold;
    private final int semanticScanLimit;
    private final EmbeddingModel embeddingModel;
    private final MatchGuard guard;
    private final CacheStore<O> store;
    private final Function<? super I, String> inputText;
    private final boolean cacheReviewedAnswers;

    private CacheSpec(Builder<I, O> b) {
        this.namespace = b.namespace;
        this.ttl = b.ttl;
        this.maxEntries = b.maxEntries;
        this.maxEntryBytes = b.maxEntryBytes;
        this.similarityThreshold = b.similarityThreshold;
        this.semanticScanLimit = b.semanticScanLimit;
        this.embeddingModel = b.embeddingModel;
        this.guard = b.guard;
        this.store = b.store;
        this.inputText = b.inputText;
        this.cacheReviewedAnswers = b.cacheReviewedAnswers;
    }

    /** A new builder with every default. */
    public static <I, O> Builder<I, O> builder() {
        return new Builder<>();
    }

    /** The user's namespace and version, part of every key: change it to start a fresh cache. */
    public String namespace() {
        return namespace;
    }

    /** How long an answer is served after it was stored (on the chain's {@code TimeSource}). */
    public Duration ttl() {
        return ttl;
    }

    /** The size of the default in-memory store (ignored when {@link #store()} is given). */
    public int maxEntries() {
        return maxEntries;
    }

    /** Entries larger than this (input + answer text + vector, in bytes) are not stored, and counted. */
    public int maxEntryBytes() {
        return maxEntryBytes;
    }

    /** The cosine similarity a semantic candidate needs, in (0, 1]. */
    public double similarityThreshold() {
        return similarityThreshold;
    }

    /** At most this many newest entries of the scope are compared in one semantic lookup. */
    public int semanticScanLimit() {
        return semanticScanLimit;
    }

    /** The embedding model of semantic lookups; {@code null}: exact lookups only. */
    public EmbeddingModel embeddingModel() {
        return embeddingModel;
    }

    /** The last word on a semantic hit. */
    public MatchGuard guard() {
        return guard;
    }

    /** The store given; {@code null}: an {@link InMemoryCacheStore} of {@link #maxEntries()} made per chain. */
    public CacheStore<O> store() {
        return store;
    }

    /** The input's text for keys and embeddings; {@code null}: the user text of the request the prompt builds. */
    public Function<? super I, String> inputText() {
        return inputText;
    }

    /** Whether answers a reviewer approved or edited are stored when the decision arrives. */
    public boolean cacheReviewedAnswers() {
        return cacheReviewedAnswers;
    }

    @Override
    public String toString() {
        return "cache(namespace=" + namespace + ", ttl=" + ttl + ", " + (store == null ? "memory store of "
                + maxEntries + " entries" : "store " + store.getClass().getSimpleName()) + ", maxEntryBytes="
                + maxEntryBytes + (embeddingModel == null ? ", exact only" : ", semantic " + embeddingModel.id()
                + " >= " + similarityThreshold + " guard " + (guard == MatchGuard.NONE ? "none"
                : guard.getClass().getSimpleName())) + (cacheReviewedAnswers ? ", reviewed answers" : "") + ")";
    }

    /**
     * Builds a {@link CacheSpec}. Not thread-safe; {@link #build()} copies, so a builder can be reused.
     *
     * @param <I> the chain's input type
     * @param <O> the chain's output type
     */
    public static final class Builder<I, O> {
        private String namespace = DEFAULT_NAMESPACE;
        private Duration ttl = DEFAULT_TTL;
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private int maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
        private double similarityThreshold = DEFAULT_SIMILARITY_THRESHOLD;
        private int semanticScanLimit = DEFAULT_SEMANTIC_SCAN_LIMIT;
        private EmbeddingModel embeddingModel;
        private MatchGuard guard = LexicalGuards.defaults();
        private CacheStore<O> store;
        private Function<? super I, String> inputText;
        private boolean cacheReviewedAnswers;

        private Builder() {
        }

        /** The namespace and version, e.g. {@code faq-v3}. Default {@value CacheSpec#DEFAULT_NAMESPACE}. */
        public Builder<I, O> namespace(String namespace) {
            this.namespace = Specs.name("namespace", namespace);
            return this;
        }

        /** Time to live of a stored answer; > 0. Default 1 hour. */
        public Builder<I, O> ttl(Duration ttl) {
            this.ttl = Specs.positive("ttl", ttl);
            return this;
        }

        /** Size of the default in-memory store; >= 1. Default 10,000. */
        public Builder<I, O> maxEntries(int maxEntries) {
            this.maxEntries = Specs.atLeastOne("maxEntries", maxEntries);
            return this;
        }

        /** The largest entry stored, in bytes; >= 1. Default 64 KiB. */
        public Builder<I, O> maxEntryBytes(int bytes) {
            this.maxEntryBytes = Specs.atLeastOne("maxEntryBytes", bytes);
            return this;
        }

        /** Cosine similarity a semantic hit needs, in (0, 1]. Default {@value #DEFAULT_SIMILARITY_THRESHOLD}. */
        public Builder<I, O> similarityThreshold(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new CascadeConfigurationException("similarityThreshold", threshold, "must be in (0, 1], was "
                        + threshold, "use a cosine similarity such as 0.94 (1 serves near-identical inputs only)");
            }
            this.similarityThreshold = threshold;
            return this;
        }

        /** Newest entries of a scope compared per semantic lookup; >= 1. Default 1,000. */
        public Builder<I, O> semanticScanLimit(int limit) {
            this.semanticScanLimit = Specs.atLeastOne("semanticScanLimit", limit);
            return this;
        }

        /** Turns on semantic lookup with this model. Default none (exact lookups only). */
        public Builder<I, O> embeddingModel(EmbeddingModel model) {
            this.embeddingModel = Objects.requireNonNull(model, "embeddingModel");
            return this;
        }

        /**
         * The guard asked before a semantic hit is served. Default {@link LexicalGuards#defaults()}: without it,
         * near-misses ("enable" vs "disable", order 1234 vs 5678) score as high as paraphrases;
         * {@link MatchGuard#NONE} lets similarity alone decide.
         */
        public Builder<I, O> guard(MatchGuard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
            return this;
        }

        /** Where answers are kept, e.g. a {@link JdbcCacheStore} shared by instances. Default: in memory. */
        public Builder<I, O> store(CacheStore<O> store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * The text of an input that keys and embeddings are made of. Default: the user text of the request the
         * chain's prompt builds (required for a chain without a model step).
         */
        public Builder<I, O> inputText(Function<? super I, String> extractor) {
            this.inputText = Objects.requireNonNull(extractor, "inputText");
            return this;
        }

        /**
         * Whether an answer a reviewer approved or edited is stored when the decision arrives in this process (the
         * review handle's future completes). Default {@code false}.
         */
        public Builder<I, O> cacheReviewedAnswers(boolean enabled) {
            this.cacheReviewedAnswers = enabled;
            return this;
        }

        public CacheSpec<I, O> build() {
            return new CacheSpec<>(this);
        }
    }
}
