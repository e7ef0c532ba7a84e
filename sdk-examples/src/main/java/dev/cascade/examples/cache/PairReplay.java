package dev.cascade.examples.cache;

import dev.cascade.Cascade;
import dev.cascade.api.CacheHit;
import dev.cascade.api.CallContext;
import dev.cascade.api.Outcome;
import dev.cascade.cache.CacheStore;
import dev.cascade.cache.EmbeddingModel;
import dev.cascade.cache.InMemoryCacheStore;
import dev.cascade.cache.MatchGuard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every pair through the real response cache: a is answered by the (simulated) model in scope A and stored; b is then
 * asked in scope B. Scopes are real: the tenant goes in the caller's {@code CallContext}, the namespace is the chain's
 * cache namespace, and all chains share one store, so a cross-scope hit could only come from the cache's keys. Each
 * pair gets its own tenant prefix so pairs do not see each other's entries.
 */
final class PairReplay {
    /** The result of one pair. */
    record Result(EvalPair pair, boolean hit, boolean exact, double similarity, String refusedBy) {
    }

    private PairReplay() {
    }

    static List<Result> run(List<EvalPair> pairs, EmbeddingModel model, double threshold, MatchGuard guard) {
        CacheStore<String> store = InMemoryCacheStore.create(100_000);
        EvalChains.SimulatedModel sim = new EvalChains.SimulatedModel(q -> q);
        Map<String, Cascade<String, String>> chains = new HashMap<>();
        List<Result> out = new ArrayList<>();
        for (EvalPair p : pairs) {
            Cascade<String, String> ca = chains.computeIfAbsent(p.scopeA().namespace(),
                    ns -> EvalChains.chain(sim, ns, store, model, threshold, guard));
            Cascade<String, String> cb = chains.computeIfAbsent(p.scopeB().namespace(),
                    ns -> EvalChains.chain(sim, ns, store, model, threshold, guard));
            Outcome<String> first = ca.execute(p.a(), CallContext.empty()
                    .withTenant(p.id() + "/" + p.scopeA().tenant()));
            if (first.cacheHit().isPresent() || !first.isAnswered()) {
                throw new IllegalStateException("pair " + p.id() + ": a was not answered by the model");
            }
            Outcome<String> second = cb.execute(p.b(), CallContext.empty()
                    .withTenant(p.id() + "/" + p.scopeB().tenant()));
            CacheHit hit = second.cacheHit().orElse(null);
            String refused = second.cacheLookup().map(l -> l.refusedBy()).orElse(null);
            double best = second.cacheLookup().map(l -> l.bestSimilarity()).orElse(Double.NaN);
            out.add(new Result(p, hit != null, hit != null && hit.exact(), hit != null ? hit.similarity() : best,
                    refused));
        }
        return out;
    }

    static Map<String, Object> summary(List<Result> results, double threshold, boolean guarded) {
        int hits = 0;
        int wrong = 0;
        int correct = 0;
        int shouldHit = 0;
        int crossScopePairs = 0;
        int crossScopeHits = 0;
        Map<String, Integer> wrongByKind = new TreeMap<>();
        Map<String, Integer> refusals = new TreeMap<>();
        for (Result r : results) {
            if (r.pair.crossScope()) {
                crossScopePairs++;
                if (r.hit) {
                    crossScopeHits++;
                }
                continue;
            }
            if (r.pair.shouldHit()) {
                shouldHit++;
            }
            if (r.refusedBy != null) {
                refusals.merge(r.refusedBy, 1, Integer::sum);
            }
            if (!r.hit) {
                continue;
            }
            hits++;
            if (r.pair.shouldHit()) {
                correct++;
            } else {
                wrong++;
                wrongByKind.merge(r.pair.kind(), 1, Integer::sum);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threshold", threshold);
        m.put("guards", guarded);
        m.put("pairs", results.size());
        m.put("semanticHits", hits);
        m.put("correctHits", correct);
        m.put("wrongHits", wrong);
        m.put("wrongHitRate", ThresholdSweep.round(hits == 0 ? 0 : (double) wrong / hits, 4));
        m.put("recall", ThresholdSweep.round(shouldHit == 0 ? 0 : (double) correct / shouldHit, 4));
        m.put("wrongHitsByKind", wrongByKind);
        m.put("guardRefusalsByReason", refusals);
        m.put("crossScopePairs", crossScopePairs);
        m.put("crossScopeHits", crossScopeHits);
        return m;
    }
}
