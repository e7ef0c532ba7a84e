package dev.cascade.examples.cache;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.Outcome;
import dev.cascade.cache.EmbeddingModel;
import dev.cascade.cache.InMemoryCacheStore;
import dev.cascade.cache.MatchGuard;
import dev.cascade.cache.ResponseCache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A support workload replayed through the chain with and without the cache: about 30% exact repeats of an earlier
 * question (case and spacing varied), 20% paraphrases of an earlier question (the b of a paraphrase pair whose a was
 * asked), the rest first-time questions — among them every near-miss of the evaluation set, so a wrong hit has its
 * chance. Same seed, same sequence, both runs.
 *
 * <p>A hit is <em>correct</em> when the answer served was given for a question labelled equivalent to the one asked
 * (the paraphrase pairs, closed transitively), <em>wrong</em> when a near-miss pair labels the two apart (closed over
 * the paraphrase groups), and <em>unlabelled</em> otherwise: those are listed with their texts, to be judged and
 * added to the set.
 */
final class ReplayedWorkload {
    private final List<String> requests = new ArrayList<>();
    private final Map<String, String> group = new HashMap<>();
    private final Map<String, String> kindOf = new HashMap<>();
    private final java.util.Set<String> mustNot = new java.util.HashSet<>();
    private int repeats;
    private int paraphrases;
    private int firsts;

    ReplayedWorkload(List<EvalPair> pairs, int size, long seed) {
        Map<String, String> parent = new HashMap<>();
        Map<String, List<String>> paraphrasesOf = new LinkedHashMap<>();
        List<String> fresh = new ArrayList<>();
        for (EvalPair p : pairs) {
            if (p.crossScope()) {
                continue;
            }
            String a = ResponseCache.normalise(p.a());
            String b = ResponseCache.normalise(p.b());
            kindOf.putIfAbsent(b, p.kind());
            if (p.shouldHit()) {
                union(parent, a, b);
                paraphrasesOf.computeIfAbsent(a, k -> new ArrayList<>()).add(p.b());
                addOnce(fresh, p.a());
            } else {
                find(parent, a);
                find(parent, b);
                addOnce(fresh, p.a());
                addOnce(fresh, p.b());
            }
        }
        for (String t : new ArrayList<>(parent.keySet())) {
            group.put(t, find(parent, t));
        }
        for (EvalPair p : pairs) {
            if (!p.crossScope() && !p.shouldHit()) {
                String ga = group.get(ResponseCache.normalise(p.a()));
                String gb = group.get(ResponseCache.normalise(p.b()));
                mustNot.add(ga + "\n" + gb);
                mustNot.add(gb + "\n" + ga);
            }
        }
        Random rnd = new Random(seed);
        java.util.Collections.shuffle(fresh, rnd);
        List<String> asked = new ArrayList<>();
        // paraphrases whose original was asked already, not used yet: the pool a paraphrase request draws from
        List<String> ready = new ArrayList<>();
        java.util.Set<String> released = new java.util.HashSet<>();
        int next = 0;
        for (int i = 0; i < size; i++) {
            double r = rnd.nextDouble();
            String q = null;
            if (r < 0.30 && !asked.isEmpty()) {
                q = vary(asked.get(rnd.nextInt(asked.size())), rnd);
                repeats++;
            } else if (r < 0.50 && !ready.isEmpty()) {
                q = ready.remove(rnd.nextInt(ready.size()));
                paraphrases++;
            }
            if (q == null) {
                q = fresh.get(next++ % fresh.size());
                firsts++;
            }
            asked.add(q);
            requests.add(q);
            String n = ResponseCache.normalise(q);
            if (released.add(n)) {
                ready.addAll(paraphrasesOf.getOrDefault(n, List.of()));
            }
        }
    }

    private static void addOnce(List<String> list, String s) {
        if (!list.contains(s)) {
            list.add(s);
        }
    }

    private static String find(Map<String, String> parent, String x) {
        parent.putIfAbsent(x, x);
        String p = parent.get(x);
        if (!p.equals(x)) {
            p = find(parent, p);
            parent.put(x, p);
        }
        return p;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            parent.put(rb, ra);
        }
    }

    /** The same question typed again: case and spacing differ, the normalised text does not. */
    private static String vary(String q, Random rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> q;
            case 1 -> q.toLowerCase(Locale.ROOT);
            default -> "  " + q.replace(" ", "  ");
        };
    }

    Map<String, Object> run(EmbeddingModel model, double threshold, MatchGuard guard) {
        EvalChains.SimulatedModel plain = new EvalChains.SimulatedModel(ResponseCache::normalise);
        Cascade<String, String> noCache = EvalChains.chain(plain, "n/a", null, null, threshold, guard);
        long baselineMicros = 0;
        for (String q : requests) {
            baselineMicros += noCache.execute(q).cost().micros();
        }
        EvalChains.SimulatedModel cached = new EvalChains.SimulatedModel(ResponseCache::normalise);
        Cascade<String, String> withCache = EvalChains.chain(cached, "replay", InMemoryCacheStore.create(10_000),
                model, threshold, guard);
        long spentMicros = 0;
        long savedMicros = 0;
        int exactHits = 0;
        int semanticHits = 0;
        int wrongHits = 0;
        int unlabelledHits = 0;
        List<Map<String, Object>> wrong = new ArrayList<>();
        List<Map<String, Object>> unlabelled = new ArrayList<>();
        CallContext ctx = CallContext.empty().withTenant("acme");
        for (String q : requests) {
            Outcome<String> o = withCache.execute(q, ctx);
            spentMicros += o.cost().micros();
            savedMicros += o.savedCost().micros();
            if (o.cacheHit().isEmpty()) {
                continue;
            }
            if (o.cacheHit().get().exact()) {
                exactHits++;
            } else {
                semanticHits++;
            }
            String asked = ResponseCache.normalise(q);
            String answeredFor = o.answer().orElseThrow().substring("answer:".length());
            String ga = group.getOrDefault(asked, asked);
            String gs = group.getOrDefault(answeredFor, answeredFor);
            if (ga.equals(gs)) {
                continue;
            }
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("asked", asked);
            w.put("servedAnswerOf", answeredFor);
            w.put("similarity", ThresholdSweep.round(o.cacheHit().get().similarity(), 4));
            if (mustNot.contains(ga + "\n" + gs)) {
                wrongHits++;
                wrong.add(w);
            } else {
                unlabelledHits++;
                unlabelled.add(w);
            }
        }
        int n = requests.size();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", n);
        m.put("exactRepeats", repeats);
        m.put("paraphrases", paraphrases);
        m.put("firstTimeQuestions", firsts);
        m.put("threshold", threshold);
        m.put("modelCallsWithoutCache", plain.calls.sum());
        m.put("modelCallsWithCache", cached.calls.sum());
        m.put("modelCallsSavedShare", ThresholdSweep.round(1 - (double) cached.calls.sum() / plain.calls.sum(), 4));
        m.put("exactHits", exactHits);
        m.put("semanticHits", semanticHits);
        m.put("wrongHits", wrongHits);
        m.put("wrongHitRate", ThresholdSweep.round(exactHits + semanticHits == 0 ? 0
                : (double) wrongHits / (exactHits + semanticHits), 4));
        m.put("costWithoutCacheUsd", java.math.BigDecimal.valueOf(baselineMicros, 6));
        m.put("costWithCacheUsd", java.math.BigDecimal.valueOf(spentMicros, 6));
        m.put("savedRecordedUsd", java.math.BigDecimal.valueOf(savedMicros, 6));
        m.put("moneySavedShare", ThresholdSweep.round(1 - (double) spentMicros / baselineMicros, 4));
        m.put("unlabelledHits", unlabelledHits);
        m.put("wrongHitList", wrong);
        m.put("unlabelledHitList", unlabelled);
        return m;
    }
}
