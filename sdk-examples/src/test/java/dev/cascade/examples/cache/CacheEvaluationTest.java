package dev.cascade.examples.cache;

import dev.cascade.cache.CacheSpec;
import dev.cascade.cache.LexicalGuards;
import dev.cascade.cache.MatchGuard;
import dev.cascade.langchain4j.MiniLmEmbeddingModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The labelled set through the real cache with the default model, threshold and guards: the targets hold
 * (no cross-scope hit, wrong-hit rate at most 1%), and the guards are what gets it there.
 */
class CacheEvaluationTest {
    private static List<EvalPair> pairs;
    private static MiniLmEmbeddingModel model;

    @BeforeAll
    static void load() {
        pairs = EvalPair.load();
        model = MiniLmEmbeddingModel.get().warmUp();
    }

    @Test
    void theSetHasSeveralHundredPairsOfEveryKind() {
        assertThat(pairs).hasSizeGreaterThanOrEqualTo(400);
        Map<String, Long> kinds = pairs.stream().collect(Collectors.groupingBy(EvalPair::kind, Collectors.counting()));
        assertThat(kinds.keySet()).containsExactlyInAnyOrder("paraphrase", "negation", "action", "number",
                "identifier", "product", "topic", "cross-tenant", "cross-namespace");
        assertThat(kinds.get("paraphrase")).isGreaterThanOrEqualTo(150);
        Set<String> ids = new HashSet<>();
        for (EvalPair p : pairs) {
            assertThat(ids.add(p.id())).as("unique id %s", p.id()).isTrue();
            assertThat(p.shouldHit()).as(p.id()).isEqualTo(p.kind().equals("paraphrase"));
            assertThat(p.crossScope()).as(p.id()).isEqualTo(p.kind().startsWith("cross-"));
        }
        assertThat(pairs.stream().map(EvalPair::domain).distinct().count()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void atTheDefaultsNoCrossScopeHitAndAtMostOnePercentWrongHits() {
        double threshold = CacheSpec.DEFAULT_SIMILARITY_THRESHOLD;
        Map<String, Object> guarded = PairReplay.summary(
                PairReplay.run(pairs, model, threshold, LexicalGuards.defaults()), threshold, true);
        assertThat(guarded.get("crossScopePairs")).isEqualTo(50);
        assertThat(guarded.get("crossScopeHits")).isEqualTo(0);
        assertThat((double) guarded.get("wrongHitRate")).isLessThanOrEqualTo(CacheEvaluation.TARGET_WRONG_HIT_RATE);
        assertThat((int) guarded.get("correctHits")).isGreaterThan(0);

        Map<String, Object> unguarded = PairReplay.summary(
                PairReplay.run(pairs, model, threshold, MatchGuard.NONE), threshold, false);
        assertThat(unguarded.get("crossScopeHits")).as("scopes isolate without guards too").isEqualTo(0);
        assertThat((double) unguarded.get("wrongHitRate")).as("the threshold alone does not separate near-misses")
                .isGreaterThan(0.10);
    }

    /** The pairwise sweep and the real cache agree on every same-scope pair at the default threshold. */
    @Test
    void theSweepPredictsTheRealCache() {
        double threshold = CacheSpec.DEFAULT_SIMILARITY_THRESHOLD;
        ThresholdSweep sweep = ThresholdSweep.score(pairs, model, LexicalGuards.defaults());
        ThresholdSweep.Point point = sweep.at(threshold, true);
        Map<String, Object> real = PairReplay.summary(
                PairReplay.run(pairs, model, threshold, LexicalGuards.defaults()), threshold, true);
        assertThat(real.get("semanticHits")).isEqualTo(point.hits());
        assertThat(real.get("wrongHits")).isEqualTo(point.wrongHits());
    }
}
