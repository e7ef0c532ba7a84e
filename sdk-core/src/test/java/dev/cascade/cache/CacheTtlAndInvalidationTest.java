package dev.cascade.cache;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Time to live on the chain's virtual time, explicit invalidation, the entry size cap, and semantic guards. */
class CacheTtlAndInvalidationTest {

    private final VirtualTime time = new VirtualTime();
    private final ScriptedModel model = ScriptedModel.answering("m", "the answer");

    private Cascade<String, String> chain(java.util.function.Consumer<CacheSpec.Builder<String, String>> cache) {
        return Cascade.<String, String>builder("faq").prompt(in -> ModelRequest.of("S", in))
                .parse(ModelResponse::text).timeSource(time).model("m", model).cache(cache).build();
    }

    private boolean hits(Cascade<String, String> c, String input, CallContext ctx) {
        return c.execute(input, ctx).cacheHit().isPresent();
    }

    @Test
    void anAnswerIsServedUntilItsTimeToLiveEnds() {
        Cascade<String, String> c = chain(b -> b.ttl(Duration.ofMinutes(10)));
        c.execute("q");
        time.advance(Duration.ofMinutes(10).minusNanos(1));
        assertThat(hits(c, "q", CallContext.empty())).isTrue();
        time.advance(Duration.ofNanos(1));
        assertThat(hits(c, "q", CallContext.empty())).isFalse();
        assertThat(model.calls()).isEqualTo(2);
        // The miss stored a fresh answer, with a fresh time to live.
        time.advance(Duration.ofMinutes(9));
        assertThat(hits(c, "q", CallContext.empty())).isTrue();
    }

    @Test
    void anExpiredEntryIsNotASemanticCandidateEither() {
        Cascade<String, String> c = chain(b -> b.ttl(Duration.ofMinutes(1))
                .embeddingModel(TestEmbeddings.everythingMatches()).similarityThreshold(0.5));
        c.execute("how do I reset my password");
        assertThat(c.execute("password reset please").cacheHit()).get().satisfies(h -> {
            assertThat(h.exact()).isFalse();
            assertThat(h.similarity()).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        });
        time.advance(Duration.ofMinutes(1));
        assertThat(hits(c, "forgot password", CallContext.empty())).isFalse();
    }

    @Test
    void invalidatingOneInputRemovesOnlyItsEntryInItsScope() {
        Cascade<String, String> c = chain(b -> { });
        CallContext acme = CallContext.empty().withTenant("acme");
        c.execute("q1", acme);
        c.execute("q2", acme);
        c.execute("q1", CallContext.empty().withTenant("globex"));
        ResponseCache<String, String> cache = c.cache().orElseThrow();
        assertThat(cache.invalidate("  Q1 ", acme)).isTrue(); // the normalised input is the key
        assertThat(cache.invalidate("q1", acme)).isFalse();
        assertThat(hits(c, "q2", acme)).isTrue();
        assertThat(hits(c, "q1", CallContext.empty().withTenant("globex"))).isTrue();
        assertThat(hits(c, "q1", acme)).isFalse();
    }

    @Test
    void invalidatingATenantRemovesItsEntriesOnly() {
        Cascade<String, String> c = chain(b -> { });
        CallContext acme = CallContext.empty().withTenant("acme");
        CallContext globex = CallContext.empty().withTenant("globex");
        c.execute("q1", acme);
        c.execute("q2", acme);
        c.execute("q1", globex);
        c.execute("q1", CallContext.empty());
        assertThat(c.cache().orElseThrow().invalidateTenant("acme")).isEqualTo(2);
        assertThat(hits(c, "q1", acme)).isFalse();
        assertThat(hits(c, "q1", globex)).isTrue();
        assertThat(hits(c, "q1", CallContext.empty())).isTrue();
        assertThat(c.cache().orElseThrow().invalidateTenant(null)).isEqualTo(1);
        assertThat(hits(c, "q1", CallContext.empty())).isFalse();
    }

    @Test
    void invalidatingANamespaceRemovesItsEntriesForEveryTenantAndLeavesOtherNamespaces() {
        InMemoryCacheStore<String> store = InMemoryCacheStore.create(100, time);
        Cascade<String, String> v1 = chain(b -> b.store(store).namespace("v1"));
        Cascade<String, String> v2 = chain(b -> b.store(store).namespace("v2"));
        v1.execute("q", CallContext.empty().withTenant("acme"));
        v1.execute("q", CallContext.empty());
        v2.execute("q", CallContext.empty());
        assertThat(v1.cache().orElseThrow().invalidateNamespace()).isEqualTo(2);
        assertThat(hits(v1, "q", CallContext.empty())).isFalse();
        assertThat(hits(v2, "q", CallContext.empty())).isTrue();
    }

    @Test
    void anEntryOverTheSizeCapIsNotStoredAndIsCounted() {
        Cascade<String, String> c = chain(b -> b.maxEntryBytes(20));
        Outcome<String> first = c.execute("a question long enough to pass the cap");
        assertThat(first.cacheLookup().orElseThrow().stored()).startsWith("too large");
        assertThat(hits(c, "a question long enough to pass the cap", CallContext.empty())).isFalse();
        assertThat(c.cache().orElseThrow().stats().tooLarge()).isEqualTo(2);
        assertThat(c.cache().orElseThrow().stats().stored()).isZero();
        c.execute("short"); // 5 + 10 bytes: fits
        assertThat(hits(c, "short", CallContext.empty())).isTrue();
    }

    @Test
    void theInMemoryStoreKeepsAtMostMaxEntries() {
        Cascade<String, String> c = chain(b -> b.maxEntries(5));
        for (int i = 0; i < 50; i++) {
            c.execute("question " + i);
        }
        InMemoryCacheStore<?> store = (InMemoryCacheStore<?>) c.cache().orElseThrow().store();
        assertThat(store.size()).isLessThanOrEqualTo(5);
    }

    @Test
    void theGuardRefusesASemanticHitAndTheReasonIsRecorded() {
        MatchGuard negation = (input, cached) -> input.contains("disable") != cached.contains("disable")
                ? Optional.of("negation differs") : Optional.empty();
        Cascade<String, String> c = chain(b -> b.embeddingModel(TestEmbeddings.bagOfWords())
                .similarityThreshold(0.6).guard(negation));
        c.execute("how do I enable two-factor authentication");
        Outcome<String> refused = c.execute("how do I disable two-factor authentication");
        assertThat(refused.cacheHit()).isEmpty();
        assertThat(refused.cacheLookup().orElseThrow().refusedBy()).isEqualTo("negation differs");
        assertThat(refused.cacheLookup().orElseThrow().bestSimilarity()).isGreaterThanOrEqualTo(0.6);
        Outcome<String> paraphrase = c.execute("how can I enable two-factor authentication");
        assertThat(paraphrase.cacheHit()).get().satisfies(h -> {
            assertThat(h.exact()).isFalse();
            assertThat(h.similarity()).isBetween(0.6, 0.9999);
        });
        assertThat(c.cache().orElseThrow().stats().guardRefusals()).isEqualTo(1);
        assertThat(c.cache().orElseThrow().stats().semanticHits()).isEqualTo(1);
    }

    @Test
    void anUnrelatedInputBelowTheThresholdMisses() {
        Cascade<String, String> c = chain(b -> b.embeddingModel(TestEmbeddings.bagOfWords())
                .similarityThreshold(0.8));
        c.execute("how do I enable two-factor authentication");
        Outcome<String> o = c.execute("where is my parcel");
        assertThat(o.cacheHit()).isEmpty();
        assertThat(o.cacheLookup().orElseThrow().bestSimilarity()).isLessThan(0.8);
    }

    @Test
    void badOptionsNameTheFieldAndTheValue() {
        assertThatThrownBy(() -> Cascade.<String, String>builder("faq").cache(b -> b.similarityThreshold(1.5)))
                .isInstanceOf(CascadeConfigurationException.class)
                .hasMessageContaining("cache.similarityThreshold").hasMessageContaining("1.5");
        assertThatThrownBy(() -> Cascade.<String, String>builder("faq").cache(b -> b.ttl(Duration.ZERO)))
                .isInstanceOf(CascadeConfigurationException.class).hasMessageContaining("cache.ttl");
        assertThatThrownBy(() -> Cascade.<String, String>builder("faq").rules("r",
                        dev.cascade.rules.RuleSet.<String, String>firstMatch().rule("any", in -> true, in -> "x").build())
                        .cache(b -> { }).build())
                .isInstanceOf(CascadeConfigurationException.class).hasMessageContaining("cache.inputText");
    }
}
