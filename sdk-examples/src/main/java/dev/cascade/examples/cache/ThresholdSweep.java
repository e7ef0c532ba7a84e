package dev.cascade.examples.cache;

import dev.cascade.cache.EmbeddingModel;
import dev.cascade.cache.MatchGuard;
import dev.cascade.cache.ResponseCache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores every same-scope pair once (cosine of the two normalised inputs' embeddings, and the guard's verdict with b
 * as the new input and a as the cached one, on the texts with their case kept as the cache gives them), then counts,
 * per threshold, what a semantic lookup would serve.
 */
final class ThresholdSweep {
    /** One scored pair. */
    record Scored(EvalPair pair, double similarity, String refusal) {
    }

    /** What a threshold gives, with or without the guard. */
    record Point(double threshold, boolean guarded, int hits, int correctHits, int wrongHits, int shouldHit,
                 Map<String, Integer> wrongByKind, Map<String, Integer> refusedCorrect) {
        double wrongHitRate() {
            return hits == 0 ? 0 : (double) wrongHits / hits;
        }

        double recall() {
            return shouldHit == 0 ? 0 : (double) correctHits / shouldHit;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("threshold", round(threshold, 2));
            m.put("guards", guarded);
            m.put("semanticHits", hits);
            m.put("correctHits", correctHits);
            m.put("wrongHits", wrongHits);
            m.put("wrongHitRate", round(wrongHitRate(), 4));
            m.put("recall", round(recall(), 4));
            m.put("wrongHitsByKind", wrongByKind);
            if (guarded) {
                m.put("paraphrasesRefusedByGuard", refusedCorrect);
            }
            return m;
        }
    }

    private final List<Scored> scored;

    private ThresholdSweep(List<Scored> scored) {
        this.scored = scored;
    }

    static ThresholdSweep score(List<EvalPair> pairs, EmbeddingModel model, MatchGuard guard) {
        Map<String, float[]> vectors = new HashMap<>();
        List<Scored> out = new ArrayList<>();
        for (EvalPair p : pairs) {
            if (p.crossScope()) {
                continue;
            }
            String a = ResponseCache.normalise(p.a());
            String b = ResponseCache.normalise(p.b());
            float[] va = vectors.computeIfAbsent(a, model::embed);
            float[] vb = vectors.computeIfAbsent(b, model::embed);
            String verdict = guard.refuse(ResponseCache.normaliseKeepingCase(p.b()),
                    ResponseCache.normaliseKeepingCase(p.a())).orElse(null);
            out.add(new Scored(p, cosine(va, vb), verdict));
        }
        return new ThresholdSweep(out);
    }

    List<Scored> scored() {
        return scored;
    }

    Point at(double threshold, boolean guarded) {
        int hits = 0;
        int correct = 0;
        int wrong = 0;
        int shouldHit = 0;
        Map<String, Integer> wrongByKind = new TreeMap<>();
        Map<String, Integer> refusedCorrect = new TreeMap<>();
        for (Scored s : scored) {
            if (s.pair.shouldHit()) {
                shouldHit++;
            }
            if (s.similarity < threshold) {
                continue;
            }
            if (guarded && s.refusal != null) {
                if (s.pair.shouldHit()) {
                    refusedCorrect.merge(s.refusal, 1, Integer::sum);
                }
                continue;
            }
            hits++;
            if (s.pair.shouldHit()) {
                correct++;
            } else {
                wrong++;
                wrongByKind.merge(s.pair.kind(), 1, Integer::sum);
            }
        }
        return new Point(threshold, guarded, hits, correct, wrong, shouldHit, wrongByKind, refusedCorrect);
    }

    /**
     * The lowest threshold (on a 0.01 grid) from which up every threshold keeps the guarded wrong-hit rate at or
     * below {@code maxWrongHitRate}: the most recall that target allows.
     */
    double lowestSafeThreshold(double maxWrongHitRate) {
        double best = 1.0;
        for (int t = 99; t >= 50; t--) {
            if (at(t / 100.0, true).wrongHitRate() > maxWrongHitRate) {
                break;
            }
            best = t / 100.0;
        }
        return best;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}
