package dev.cascade.cache;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.budget.Budget;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.ModelCallException;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only a complete model answer that passed the parser and the accept gate is stored. Each test runs the same input
 * twice: if the first execution's result had been stored, the second would be a cache hit.
 */
class CacheStoresOnlyCompleteAnswersTest {

    private final VirtualTime time = new VirtualTime();

    private static ModelRequest prompt(String in) {
        return ModelRequest.of("S", in);
    }

    private void assertNotCached(Cascade<String, String> chain, String reason) {
        Outcome<String> first = chain.execute("my order 1234 never arrived");
        assertThat(first.cacheLookup()).get().extracting(l -> l.stored()).asString().startsWith(reason);
        Outcome<String> second = chain.execute("my order 1234 never arrived");
        assertThat(second.cacheHit()).isEmpty();
        assertThat(second.answeredBy()).isNotEqualTo(Optional.of("cache"));
        assertThat(chain.cache().orElseThrow().stats().stored()).isZero();
    }

    @Test
    void aFailedExecutionIsNotCached() {
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).lastResort(l -> l.off())
                .model("m", ScriptedModel.failing("m", new IOException("connection reset")))
                .cache(c -> { }).build();
        assertNotCached(chain, "not answered (UNANSWERED)");
    }

    @Test
    void aRejectedAnswerIsNotCachedAndTheRulesAnswerAfterItIsNotEither() {
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time)
                .model("m", ScriptedModel.answering("m", "I am not sure"))
                .accept(a -> !a.contains("not sure"))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("order", in -> in.contains("order"),
                        in -> "see the order page").build())
                .cache(c -> { }).build();
        Outcome<String> first = chain.execute("my order 1234 never arrived");
        assertThat(first.answeredBy()).contains("faq");
        assertNotCached(chain, "not answered by a model step");
    }

    @Test
    void anAnswerCutShortByTheOutputCapIsNotCached() {
        ScriptedModel cut = new ScriptedModel("m").then(r -> new ModelResponse("Your order was shipped on",
                Usage.of(10, 5), "length", "m"));
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).model("m", cut).cache(c -> { }).build();
        assertNotCached(chain, "cut short by the output cap");
        assertThat(cut.calls()).isEqualTo(2);
    }

    @Test
    void aPendingReviewIsNotCached() {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>(time.asClock());
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).lastResort(l -> l.off())
                .model("m", ScriptedModel.failing("m", new IOException("down")))
                .humanReview("desk", queue)
                .cache(c -> { }).build();
        Outcome<String> first = chain.execute("my order 1234 never arrived");
        assertThat(first.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertNotCached(chain, "pending review");
        assertThat(queue.depth()).isEqualTo(3); // every execution reached the reviewers
    }

    @Test
    void aReviewerApprovedAnswerIsCachedWhenOptedIn() {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>(time.asClock());
        ScriptedModel model = ScriptedModel.failing("m", new IOException("down"));
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).lastResort(l -> l.off())
                .model("m", model)
                .humanReview("desk", queue)
                .cache(c -> c.cacheReviewedAnswers(true)).build();
        Outcome<String> first = chain.execute("my order 1234 never arrived");
        assertThat(first.cacheLookup().orElseThrow().stored()).isEqualTo("on review decision");
        String id = first.pendingReview().orElseThrow().id();
        queue.claimNext("alice", Duration.ofMinutes(5)).orElseThrow();
        queue.edit(id, "alice", "We re-sent order 1234.", "checked the carrier");

        Outcome<String> second = chain.execute("my order 1234 never arrived");
        assertThat(second.answer()).contains("We re-sent order 1234.");
        assertThat(second.answeredBy()).contains("cache");
        assertThat(second.cacheHit().orElseThrow().originalStep()).isEqualTo("desk");
        assertThat(model.calls()).isEqualTo(1);
    }

    @Test
    void aReviewerRejectionIsNotCached() {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>(time.asClock());
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).lastResort(l -> l.off())
                .model("m", ScriptedModel.failing("m", new IOException("down")))
                .humanReview("desk", queue)
                .cache(c -> c.cacheReviewedAnswers(true)).build();
        Outcome<String> first = chain.execute("my order 1234 never arrived");
        queue.claimNext("alice", Duration.ofMinutes(5)).orElseThrow();
        queue.reject(first.pendingReview().orElseThrow().id(), "alice", "spam");
        assertThat(chain.execute("my order 1234 never arrived").status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(chain.cache().orElseThrow().stats().stored()).isZero();
    }

    @Test
    void aReviewedAnswerIsNotCachedUnlessOptedIn() {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>(time.asClock());
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).lastResort(l -> l.off())
                .model("m", ScriptedModel.failing("m", new IOException("down")))
                .humanReview("desk", queue)
                .cache(c -> { }).build();
        Outcome<String> first = chain.execute("my order 1234 never arrived");
        queue.claimNext("alice", Duration.ofMinutes(5)).orElseThrow();
        queue.approve(first.pendingReview().orElseThrow().id(), "alice", "approved answer");
        assertThat(chain.execute("my order 1234 never arrived").cacheHit()).isEmpty();
    }

    @Test
    void anAnswerOfTheLastResortIsNotCached() {
        // The only step is rate limited (no retry of its own); the last resort waits out Retry-After and gets an
        // answer: a storm-time answer, not one to serve again.
        ScriptedModel model = new ScriptedModel("m")
                .thenThrow(ModelCallException.rateLimited("429 Too Many Requests", Duration.ofSeconds(1)))
                .thenAnswer("late answer");
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).deadline(Duration.ofSeconds(5))
                .model("m", model).cache(c -> { }).build();
        Outcome<String> first = chain.execute("my order 1234 never arrived");
        assertThat(first.answer()).contains("late answer");
        assertThat(first.cacheLookup().orElseThrow().stored()).isEqualTo("answered by the last resort");
        assertThat(chain.execute("my order 1234 never arrived").cacheHit()).isEmpty();
        assertThat(model.calls()).isEqualTo(3);
    }

    @Test
    void aCancelledExecutionIsNotCached() throws Exception {
        ScriptedModel model = new ScriptedModel("m").then(r -> {
            Thread.currentThread().interrupt();
            throw new InterruptedException("cancelled");
        });
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).model("m", model).cache(c -> { }).build();
        Outcome<String> first = chain.execute("my order 1234 never arrived");
        Thread.interrupted(); // clear what the engine left for the caller
        assertThat(first.status()).isEqualTo(Outcome.Status.CANCELLED);
        assertThat(first.cacheLookup().orElseThrow().stored()).startsWith("not answered (CANCELLED)");
        assertThat(chain.cache().orElseThrow().stats().stored()).isZero();
    }

    @Test
    void aHitCostsNothingAndReportsTheCostItSaved() {
        Budget budget = Budget.builder().perDay("100.00").clock(time.asClock()).build();
        ScriptedModel model = ScriptedModel.answering("m", "reset it here");
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).budget(budget)
                .model("m", model, s -> s.pricing(Pricing.perMillionTokens("2.50", "10.00")))
                .cache(c -> { }).build();
        Outcome<String> first = chain.execute("reset my password");
        Money paid = first.cost();
        assertThat(paid.isPositive()).isTrue();
        assertThat(first.savedCost()).isEqualTo(Money.ZERO);

        Outcome<String> hit = chain.execute("reset my password");
        assertThat(hit.cost()).isEqualTo(Money.ZERO);
        assertThat(hit.savedCost()).isEqualTo(paid);
        assertThat(hit.cacheHit().orElseThrow().savedCost()).isEqualTo(paid);
        assertThat(model.calls()).isEqualTo(1);
        assertThat(budget.spend(dev.cascade.budget.Scope.CHAIN, "c", dev.cascade.budget.Window.DAY).spent())
                .isEqualTo(paid);
        assertThat(chain.cache().orElseThrow().stats().saved()).isEqualTo(paid);
    }

    @Test
    void aFailingStoreCostsTheCachingNeverTheAnswer() {
        CacheStore<String> broken = new CacheStore<>() {
            @Override
            public Optional<CacheEntry<String>> get(CacheKey key, java.time.Instant now) {
                throw new IllegalStateException("database down");
            }

            @Override
            public java.util.List<CacheEntry<String>> candidates(CacheScope scope, String model, int limit,
                                                                 java.time.Instant now) {
                throw new IllegalStateException("database down");
            }

            @Override
            public void put(CacheEntry<String> entry) {
                throw new IllegalStateException("database down");
            }

            @Override
            public boolean invalidate(CacheKey key) {
                return false;
            }

            @Override
            public long invalidateNamespace(String chain, String namespace) {
                return 0;
            }

            @Override
            public long invalidateTenant(String chain, String tenant) {
                return 0;
            }
        };
        Cascade<String, String> chain = Cascade.<String, String>builder("c").prompt(CacheStoresOnlyCompleteAnswersTest::prompt)
                .parse(ModelResponse::text).timeSource(time).model("m", ScriptedModel.answering("m", "ok"))
                .cache(c -> c.store(broken)).build();
        Outcome<String> o = chain.execute("hello", CallContext.empty());
        assertThat(o.answer()).contains("ok");
        assertThat(chain.cache().orElseThrow().stats().errors()).isEqualTo(2); // the lookup, then the store
        assertThat(o.cacheLookup().orElseThrow().stored()).startsWith("store failed");
    }
}
