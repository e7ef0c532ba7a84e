package dev.cascade.examples.cache;

import dev.cascade.api.CallContext;
import dev.cascade.api.Money;
import dev.cascade.cache.CacheEntry;
import dev.cascade.cache.CacheKey;
import dev.cascade.cache.CacheScope;
import dev.cascade.cache.EmbeddingModel;
import dev.cascade.cache.InMemoryCacheStore;
import dev.cascade.cache.MatchGuard;
import dev.cascade.cache.ResponseCache;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What a semantic lookup costs with the default model (wall time on this machine, medians after warm-up) and what an
 * entry costs in memory (heap deltas over 10,000 entries).
 */
final class LookupCost {
    private LookupCost() {
    }

    /** Embedding latency alone, over every distinct text of the set, after {@code warmUp} embeddings. */
    static Map<String, Object> embedding(List<EvalPair> pairs, EmbeddingModel model, int warmUp) {
        List<String> texts = distinctTexts(pairs);
        for (int i = 0; i < warmUp; i++) {
            model.embed(texts.get(i % texts.size()) + " warm-up " + i);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] nanos = new long[texts.size()];
        long[] cpu = new long[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            model.embed(texts.get(i));
            nanos[i] = System.nanoTime() - t0;
            cpu[i] = threads.getCurrentThreadCpuTime() - c0;
        }
        Map<String, Object> m = stats(nanos);
        m.put("cpuTime", stats(cpu));
        m.put("texts", texts.size());
        m.put("meanChars", ThresholdSweep.round(texts.stream().mapToInt(String::length).average().orElse(0), 1));
        return m;
    }

    /**
     * Lookups through a real chain's cache holding every distinct text of the set (one scope), split by outcome.
     * Each lookup embeds its input (there is no embedding cache), scans the scope's newest entries (up to the
     * chain's scan limit) and asks the guard about the candidates above the threshold.
     */
    static Map<String, Object> lookups(List<EvalPair> pairs, EmbeddingModel model, double threshold,
                                       MatchGuard guard) {
        List<String> texts = distinctTexts(pairs);
        EvalChains.SimulatedModel sim = new EvalChains.SimulatedModel(q -> q);
        var chain = EvalChains.chain(sim, "latency", InMemoryCacheStore.create(100_000), model, threshold, guard);
        CallContext ctx = CallContext.empty().withTenant("acme");
        List<String> stored = texts.subList(0, texts.size() / 2);
        List<String> probes = new ArrayList<>(texts.subList(texts.size() / 2, texts.size()));
        for (String t : stored) {
            chain.execute(t, ctx);
        }
        ResponseCache<String, String> cache = chain.cache().orElseThrow();
        // paraphrases of stored questions make the hits; the other half of the texts mostly misses
        for (EvalPair p : pairs) {
            if (p.shouldHit() && stored.contains(p.a())) {
                probes.add(p.b());
            }
        }
        for (int i = 0; i < 30; i++) {
            cache.lookup(probes.get(i % probes.size()) + " warm-up " + i, ctx);
        }
        List<Long> hits = new ArrayList<>();
        List<Long> misses = new ArrayList<>();
        List<Long> exact = new ArrayList<>();
        List<Long> hitsCpu = new ArrayList<>();
        List<Long> missesCpu = new ArrayList<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // the set repeats some texts across pairs: those probes are exact hits, timed apart
        for (String p : probes) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            ResponseCache.Lookup<String> l = cache.lookup(p, ctx);
            long dt = System.nanoTime() - t0;
            long cpu = threads.getCurrentThreadCpuTime() - c0;
            boolean exactHit = l.report(null).hitIfAny().map(h -> h.exact()).orElse(false);
            if (exactHit) {
                exact.add(dt);
            } else {
                (l.hit() ? hits : misses).add(dt);
                (l.hit() ? hitsCpu : missesCpu).add(cpu);
            }
        }
        Random rnd = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String t = stored.get(rnd.nextInt(stored.size()));
            long t0 = System.nanoTime();
            ResponseCache.Lookup<String> l = cache.lookup(t, ctx);
            long dt = System.nanoTime() - t0;
            if (l.hit() && l.report(null).hitIfAny().map(h -> h.exact()).orElse(false)) {
                exact.add(dt);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entriesInScope", stored.size());
        m.put("semanticScanLimit", cache.spec().semanticScanLimit());
        m.put("semanticHit", stats(toArray(hits)));
        m.put("semanticHitCpuTime", stats(toArray(hitsCpu)));
        m.put("semanticMiss", stats(toArray(misses)));
        m.put("semanticMissCpuTime", stats(toArray(missesCpu)));
        m.put("exactHitForReference", stats(toArray(exact)));
        return m;
    }

    /** The guard's cost per call, over every same-scope pair of the set (texts as the cache gives them), warmed up. */
    static Map<String, Object> guard(List<EvalPair> pairs, MatchGuard guard) {
        List<String[]> inputs = new ArrayList<>();
        for (EvalPair p : pairs) {
            if (!p.crossScope()) {
                inputs.add(new String[] {ResponseCache.normaliseKeepingCase(p.b()),
                        ResponseCache.normaliseKeepingCase(p.a())});
            }
        }
        int refused = 0;
        for (int round = 0; round < 200; round++) {
            for (String[] in : inputs) {
                refused += guard.refuse(in[0], in[1]).isPresent() ? 1 : 0;
            }
        }
        int rounds = 200;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            for (String[] in : inputs) {
                refused += guard.refuse(in[0], in[1]).isPresent() ? 1 : 0;
            }
        }
        long dt = System.nanoTime() - t0;
        long cpu = threads.getCurrentThreadCpuTime() - c0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", (long) rounds * inputs.size());
        m.put("meanMicrosPerCall", ThresholdSweep.round(dt / 1000.0 / rounds / inputs.size(), 2));
        m.put("meanCpuMicrosPerCall", ThresholdSweep.round(cpu / 1000.0 / rounds / inputs.size(), 2));
        m.put("refusedSoFar", refused);
        return m;
    }

    /**
     * Heap per entry of the in-memory store: 10,000 entries of a 384-float vector, a ~60-character input and a
     * ~300-character answer, measured as the used-heap delta after full GCs, divided by the count.
     */
    static Map<String, Object> memory(int dims) {
        int n = 10_000;
        CacheScope scope = new CacheScope(EvalChains.CHAIN, "acme", "memory", "cfg");
        Random rnd = new Random(1);
        String answer = "x".repeat(300);
        long before = usedHeap();
        InMemoryCacheStore<String> store = InMemoryCacheStore.create(n + 1);
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            float[] v = new float[dims];
            for (int d = 0; d < dims; d++) {
                v[d] = rnd.nextFloat();
            }
            String input = "how do i get a refund for the order i placed last week number " + i;
            store.put(new CacheEntry<>(new CacheKey(scope, input), input, answer + i, v, "all-minilm-l6-v2",
                    Money.ofMicros(1000), "advanced", now, now.plusSeconds(3600)));
        }
        long after = usedHeap();
        if (store.candidates(scope, "all-minilm-l6-v2", 1, now).isEmpty()) {
            throw new IllegalStateException("store lost its entries");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entries", n);
        m.put("bytesPerEntryMeasured", (after - before) / n);
        m.put("vectorBytes", 16 + 4L * dims);
        m.put("method", "used-heap delta (Runtime, after System.gc() x3) over " + n
                + " entries with a 384-float vector, ~65-char input, ~305-char answer");
        return m;
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return r.totalMemory() - r.freeMemory();
    }

    static List<String> distinctTexts(List<EvalPair> pairs) {
        Set<String> s = new LinkedHashSet<>();
        for (EvalPair p : pairs) {
            s.add(p.a());
            s.add(p.b());
        }
        return new ArrayList<>(s);
    }

    private static long[] toArray(List<Long> l) {
        return l.stream().mapToLong(Long::longValue).toArray();
    }

    static Map<String, Object> stats(long[] nanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", nanos.length);
        if (nanos.length == 0) {
            return m;
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        m.put("medianMicros", ThresholdSweep.round(s[s.length / 2] / 1000.0, 1));
        int p90 = (int) Math.min(s.length - 1, Math.floor(s.length * 0.9));
        m.put("p90Micros", ThresholdSweep.round(s[p90] / 1000.0, 1));
        m.put("maxMicros", ThresholdSweep.round(s[s.length - 1] / 1000.0, 1));
        return m;
    }
}
