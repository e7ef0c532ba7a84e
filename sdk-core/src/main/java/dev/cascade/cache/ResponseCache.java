package dev.cascade.cache;

import dev.cascade.api.CacheHit;
import dev.cascade.api.CacheLookup;
import dev.cascade.api.CallContext;
import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.Money;
import dev.cascade.spi.TimeSource;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A built chain's response cache: looks an input up before the chain's steps run, stores what they answered, and
 * lets the application invalidate. The chain builder makes one from a {@link CacheSpec}; reach it through
 * {@code Cascade.cache()}.
 *
 * <p><b>Keys.</b> Every lookup is confined to a {@link CacheScope}: the chain, the caller's tenant (no tenant is a
 * scope of its own), the namespace, and a hash of the answering configuration &mdash; the chain's steps (names,
 * kinds, models, providers, output caps) and what the prompt builds for this input besides the user's text (system
 * prompt, request options such as temperature, tools or response format, output cap). The exact key adds the
 * normalised input text ({@link #normalise}: NFKC, lower case, whitespace collapsed), so case never splits an exact
 * hit. A semantic lookup compares the input's embedding (of that same normalised text) with the newest entries of the
 * same scope and embedding model only; the best candidate at or above the threshold that the {@link MatchGuard}
 * allows is the hit. The guard is given both inputs with their case ({@link #normaliseKeepingCase}), kept beside the
 * key and in every {@link CacheEntry#inputText()}, because case is what tells a name ("Dropbox") from a word.
 *
 * <p><b>What is stored.</b> Only an execution's complete answer from a model step (it passed the parser and the
 * accept gate); never a failure, a {@code REJECTED} answer, an unanswered or cancelled execution, a pending review,
 * an answer cut short by the output cap ({@code finishReason} {@code length}), an answer of the chain's last resort,
 * of a rules or custom step, or one served by the cache itself. A reviewer's approved or edited answer is stored when
 * opted in ({@link CacheSpec#cacheReviewedAnswers()}). An entry larger than {@link CacheSpec#maxEntryBytes()} is not
 * stored, and counted.
 *
 * <p>A failing store or embedding model never fails an execution: the lookup is a miss, the store is skipped, and
 * {@link CacheStats#errors()} counts it. Thread-safe.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public final class ResponseCache<I, O> {

    /** The {@code answeredBy} of an execution the cache answered. */
    public static final String ANSWERED_BY = "cache";

    private final CacheSpec<I, O> spec;
    private final String chain;
    private final String steps;
    private final List<Function<? super I, ModelRequest>> prompts;
    private final CacheStore<O> store;
    private final TimeSource time;
    private final EmbeddingModel embeddings;
    /** The last configuration hashed, compared by reference: most prompts build the same system text every time. */
    private volatile ConfigMemo memo;

    private final LongAdder lookups = new LongAdder();
    private final LongAdder exactHits = new LongAdder();
    private final LongAdder semanticHits = new LongAdder();
    private final LongAdder refusals = new LongAdder();
    private final LongAdder stored = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder savedMicros = new LongAdder();

    private record ConfigMemo(String system, Map<String, String> options, int maxTokens, String hash) {
    }

    private ResponseCache(CacheSpec<I, O> spec, String chain, String steps,
                          List<Function<? super I, ModelRequest>> prompts, TimeSource time) {
        this.spec = spec;
        this.chain = chain;
        this.steps = steps;
        this.prompts = List.copyOf(prompts);
        this.time = time;
        this.embeddings = spec.embeddingModel();
        this.store = spec.store() != null ? spec.store() : InMemoryCacheStore.create(spec.maxEntries(), time);
    }

    /**
     * The cache of one chain; the chain builder's, not for direct use.
     *
     * @param steps   a stable text of the chain's steps that change answers (names, kinds, models, output caps)
     * @param prompts the distinct prompt mappers of the chain's model steps, in step order (may be empty)
     * @throws CascadeConfigurationException {@code cache.inputText} when there is no prompt to take the input text
     *                                       from; {@code cache.store} when the default store cannot be made
     */
    public static <I, O> ResponseCache<I, O> create(CacheSpec<I, O> spec, String chain, String steps,
                                                    List<Function<? super I, ModelRequest>> prompts,
                                                    TimeSource time) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(time, "time");
        if (prompts.isEmpty() && spec.inputText() == null) {
            throw new CascadeConfigurationException("cache.inputText", null, "the chain has no model step, so there"
                    + " is no prompt to take the input's text from", "set cache(c -> c.inputText(input -> ...))");
        }
        try {
            return new ResponseCache<>(spec, chain, steps, prompts, time);
        } catch (IllegalStateException e) {
            throw new CascadeConfigurationException("cache.store", null, e.getMessage(), "add Caffeine to the"
                    + " classpath, or give a store: cache(c -> c.store(...))", e);
        }
    }

    /** The spec this cache was built from. */
    public CacheSpec<I, O> spec() {
        return spec;
    }

    /** The store it uses (the spec's, or the in-memory one made for it). */
    public CacheStore<O> store() {
        return store;
    }

    /** The counters so far. */
    public CacheStats stats() {
        return new CacheStats(lookups.sum(), exactHits.sum(), semanticHits.sum(), refusals.sum(), stored.sum(),
                tooLarge.sum(), errors.sum(), Money.ofMicros(savedMicros.sum()));
    }

    /** The key {@code input} has for a caller in {@code context}, or empty when the chain cannot key it. */
    public Optional<CacheKey> keyOf(I input, CallContext context) {
        try {
            return Optional.of(key(input, context));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Removes the answer stored for {@code input} in {@code context}'s scope; whether there was one. */
    public boolean invalidate(I input, CallContext context) {
        return store.invalidate(key(input, context));
    }

    /** Removes every answer of this chain in its namespace, for all tenants; how many. */
    public long invalidateNamespace() {
        return invalidateNamespace(spec.namespace());
    }

    /** Removes every answer of this chain in {@code namespace}, for all tenants; how many. */
    public long invalidateNamespace(String namespace) {
        return store.invalidateNamespace(chain, Objects.requireNonNull(namespace, "namespace"));
    }

    /** Removes every answer of this chain for {@code tenant} ({@code null}: calls without one); how many. */
    public long invalidateTenant(String tenant) {
        return store.invalidateTenant(chain, tenant);
    }

    /**
     * Looks {@code input} up: exact, then semantic. Never throws for a failing store, model or prompt: that is a
     * miss, and the returned lookup then stores nothing.
     */
    public Lookup<O> lookup(I input, CallContext context) {
        lookups.increment();
        CacheKey key;
        String text;
        try {
            Keyed keyed = keyed(input, context);
            key = keyed.key;
            text = keyed.text;
        } catch (RuntimeException e) {
            errors.increment();
            return new Lookup<>(null, null, null, null, Double.NaN, null,
                    "not keyed: " + e.getClass().getSimpleName());
        }
        Instant now = time.now();
        try {
            Optional<CacheEntry<O>> exact = store.get(key, now);
            if (exact.isPresent() && exact.get().key().equals(key)) {
                exactHits.increment();
                return hit(key, text, exact.get(), true, 1.0, null);
            }
        } catch (RuntimeException e) {
            errors.increment();
            return new Lookup<>(key, text, null, null, Double.NaN, null,
                    "store failed: " + e.getClass().getSimpleName());
        }
        if (embeddings == null) {
            return new Lookup<>(key, text, null, null, Double.NaN, null, null);
        }
        float[] vector;
        List<CacheEntry<O>> candidates;
        try {
            vector = embeddings.embed(key.input());
            candidates = store.candidates(key.scope(), embeddings.id(), spec.semanticScanLimit(), now);
        } catch (RuntimeException e) {
            errors.increment();
            return new Lookup<>(key, text, null, null, Double.NaN, null, null);
        }
        List<Scored<O>> above = new ArrayList<>();
        double best = candidates.isEmpty() ? Double.NaN : -1;
        for (CacheEntry<O> c : candidates) {
            if (!c.key().scope().equals(key.scope()) || !embeddings.id().equals(c.embeddingModel())
                    || c.vector() == null || c.vector().length != vector.length) {
                continue; // a store that returned another scope's entry, or another model's vector, is not trusted
            }
            double s = cosine(vector, c.vector());
            best = Math.max(best, s);
            if (s >= spec.similarityThreshold()) {
                above.add(new Scored<>(c, s));
            }
        }
        above.sort(Comparator.comparingDouble((Scored<O> s) -> s.similarity).reversed());
        String refused = null;
        for (Scored<O> s : above) {
            Optional<String> no;
            try {
                no = spec.guard().refuse(text, s.entry.inputText());
            } catch (RuntimeException e) {
                no = Optional.of("guard failed: " + e.getClass().getSimpleName());
            }
            if (no.isEmpty()) {
                semanticHits.increment();
                return hit(key, text, s.entry, false, s.similarity, vector);
            }
            refusals.increment();
            if (refused == null) {
                refused = no.get();
            }
        }
        return new Lookup<>(key, text, vector, null, best, refused, null);
    }

    private record Scored<O>(CacheEntry<O> entry, double similarity) {
    }

    private Lookup<O> hit(CacheKey key, String text, CacheEntry<O> entry, boolean exact, double similarity,
                          float[] vector) {
        savedMicros.add(entry.cost().micros());
        Lookup<O> l = new Lookup<>(key, text, vector, entry, similarity, null, null);
        l.exact = exact;
        return l;
    }

    /**
     * Stores {@code answer} for the looked-up input (the engine calls this only for answers that may be stored).
     *
     * @param cost what the execution spent to get it: what a later hit saves
     * @param step the step that answered
     * @return {@code "stored"}, or why not
     */
    public String store(Lookup<O> lookup, O answer, Money cost, String step) {
        if (lookup.key == null) {
            return lookup.notKeyed != null ? lookup.notKeyed : "not keyed";
        }
        if (lookup.entry != null) {
            return "served from the cache";
        }
        if (answer == null) {
            return "no answer";
        }
        float[] vector = lookup.vector;
        if (vector == null && embeddings != null) {
            try {
                vector = embeddings.embed(lookup.key.input());
            } catch (RuntimeException e) {
                errors.increment(); // stored for exact lookups only
            }
        }
        // The input counts once: the case-kept text is what a persistent store keeps, and the key's lower-cased
        // text is derived from it (the in-memory entry shares the one string when the input has no capitals).
        long size = (long) lookup.text.getBytes(StandardCharsets.UTF_8).length
                + String.valueOf(answer).getBytes(StandardCharsets.UTF_8).length
                + (vector == null ? 0 : 4L * vector.length);
        if (size > spec.maxEntryBytes()) {
            tooLarge.increment();
            return "too large: " + size + " bytes > maxEntryBytes " + spec.maxEntryBytes();
        }
        Instant now = time.now();
        Instant expires;
        try {
            expires = now.plus(spec.ttl());
        } catch (RuntimeException e) {
            expires = Instant.MAX;
        }
        try {
            store.put(new CacheEntry<>(lookup.key, lookup.text, answer, vector,
                    vector == null ? null : embeddings.id(), cost, step, now, expires));
        } catch (RuntimeException e) {
            errors.increment();
            return "store failed: " + e.getClass().getSimpleName();
        }
        stored.increment();
        return "stored";
    }

    /** An input's exact key, and its normalised text with case kept (what the guard compares). */
    private record Keyed(CacheKey key, String text) {
    }

    private CacheKey key(I input, CallContext context) {
        return keyed(input, context).key;
    }

    private Keyed keyed(I input, CallContext context) {
        String text;
        String config;
        if (prompts.isEmpty()) {
            text = spec.inputText().apply(input);
            config = CacheScope.sha256(steps);
        } else if (prompts.size() == 1) {
            ModelRequest r = prompts.get(0).apply(input);
            text = spec.inputText() != null ? spec.inputText().apply(input) : r.user();
            config = configOf(r);
        } else {
            List<String> parts = new ArrayList<>();
            parts.add(steps);
            String user = null;
            for (Function<? super I, ModelRequest> p : prompts) {
                ModelRequest r = p.apply(input);
                user = user == null ? r.user() : user;
                parts.add(r.system());
                parts.add(new TreeMap<>(r.options()).toString());
                parts.add(String.valueOf(r.maxOutputTokens().orElse(0)));
            }
            text = spec.inputText() != null ? spec.inputText().apply(input) : user;
            config = CacheScope.sha256(parts.toArray(new String[0]));
        }
        Objects.requireNonNull(text, "the cache's input text is null");
        String kept = normaliseKeepingCase(text);
        return new Keyed(new CacheKey(new CacheScope(chain, context.tenant().orElse(null), spec.namespace(), config),
                lowerCase(kept)), kept);
    }

    private String configOf(ModelRequest r) {
        int max = r.maxOutputTokens().orElse(0);
        ConfigMemo m = memo;
        if (m != null && m.system == r.system() && m.options == r.options() && m.maxTokens == max) {
            return m.hash;
        }
        String hash = CacheScope.sha256(steps, r.system(), new TreeMap<>(r.options()).toString(),
                String.valueOf(max));
        memo = new ConfigMemo(r.system(), r.options(), max, hash);
        return hash;
    }

    /**
     * NFKC, lower case (root locale), runs of whitespace as one space, trimmed: the text exact keys are made of, and
     * what the embedding model is given. Equal to {@code normaliseKeepingCase(text).toLowerCase(Locale.ROOT)}.
     */
    public static String normalise(String text) {
        return lowerCase(normaliseKeepingCase(text));
    }

    /**
     * NFKC, runs of whitespace as one space, trimmed, case kept: the text a {@link MatchGuard} compares and a
     * {@link CacheEntry} keeps as its {@link CacheEntry#inputText()}. {@link #normalise} is this, lower-cased.
     */
    public static String normaliseKeepingCase(String text) {
        String n = Normalizer.isNormalized(text, Normalizer.Form.NFKC) ? text
                : Normalizer.normalize(text, Normalizer.Form.NFKC);
        int len = n.length();
        boolean clean = len == 0 || (n.charAt(0) != ' ' && n.charAt(len - 1) != ' ');
        for (int i = 0; clean && i < len; i++) {
            char c = n.charAt(i);
            if (c == ' ') {
                clean = n.charAt(i - 1) != ' ';
            } else if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                clean = false;
            }
        }
        if (clean) {
            return n; // the common case: no copy
        }
        StringBuilder b = new StringBuilder(len);
        boolean space = false;
        for (int i = 0; i < len; i++) {
            char c = n.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = b.length() > 0;
            } else {
                if (space) {
                    b.append(' ');
                    space = false;
                }
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The key text of a case-kept normalised text. Lower-casing after collapsing whitespace gives what lower-casing
     * before it gave: case mapping neither makes nor removes whitespace. Returns {@code kept} itself when it has no
     * capitals, so the common input is held once.
     */
    static String lowerCase(String kept) {
        return kept.toLowerCase(Locale.ROOT);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /**
     * One lookup: its key, whether it hit, and what the engine needs to store the execution's answer afterwards.
     * Confined to the execution's thread.
     *
     * @param <O> the chain's output type
     */
    public static final class Lookup<O> {
        private final CacheKey key;
        /** The input normalised with its case kept: what the guard sees and the stored entry keeps. */
        private final String text;
        private final float[] vector;
        private final CacheEntry<O> entry;
        private final double similarity;
        private final String refusedBy;
        private final String notKeyed;
        private boolean exact;

        private Lookup(CacheKey key, String text, float[] vector, CacheEntry<O> entry, double similarity,
                       String refusedBy, String notKeyed) {
            this.key = key;
            this.text = text;
            this.vector = vector;
            this.entry = entry;
            this.similarity = similarity;
            this.refusedBy = refusedBy;
            this.notKeyed = notKeyed;
        }

        /** Whether the cache answers. */
        public boolean hit() {
            return entry != null;
        }

        /** The cached answer; only on a hit. */
        public O answer() {
            return entry == null ? null : entry.answer();
        }

        /** The key, or {@code null} when the input could not be keyed. */
        public CacheKey key() {
            return key;
        }

        /** What the outcome reports; {@code stored} as given ({@code null} on a hit). */
        public CacheLookup report(String stored) {
            CacheHit hit = entry == null ? null : new CacheHit(exact, similarity,
                    entry.cost(), entry.step(), entry.storedAt());
            return new CacheLookup(hit, similarity, refusedBy, stored);
        }
    }
}
