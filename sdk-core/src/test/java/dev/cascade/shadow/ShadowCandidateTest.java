package dev.cascade.shadow;

import dev.cascade.Cascade;
import dev.cascade.CascadeBuilder;
import dev.cascade.api.Attempt;
import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.budget.Budget;
import dev.cascade.event.ShadowCompared;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shadow candidates: never touch the caller's outcome, run after it, respect their own limits, count honestly. */
class ShadowCandidateTest {
    private final VirtualTime time = new VirtualTime();

    /** The live chain: "primary" fails on inputs starting with "x", answers upper case otherwise; no answer for "zz". */
    private CascadeBuilder<String, String> chain(String name) {
        ModelClient primary = r -> {
            if (r.user().startsWith("x")) {
                throw new ModelCallException(dev.cascade.api.FailureKind.UNAVAILABLE, "down");
            }
            return ModelResponse.of(r.user().toUpperCase(), Usage.of(10, 5));
        };
        ModelClient backup = r -> {
            if (r.user().equals("xzz")) {
                throw new ModelCallException(dev.cascade.api.FailureKind.UNAVAILABLE, "down too");
            }
            return ModelResponse.of("backup:" + r.user(), Usage.of(10, 5));
        };
        return Cascade.<String, String>builder(name)
                .timeSource(time)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("primary", primary, s -> s.modelName("p").pricing(Pricing.perMillionTokens("1", "1")))
                .model("backup", backup, s -> s.modelName("b").pricing(Pricing.perMillionTokens("1", "1")));
    }

    private static void await(BooleanSupplier condition) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met within 20 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static ShadowReport only(Cascade<?, ?> c) {
        assertThat(c.shadows()).hasSize(1);
        return c.shadows().get(0);
    }

    /** What an outcome says, without its id and timings. */
    private static List<Object> facts(Outcome<String> o) {
        List<Object> f = new ArrayList<>(List.of(o.status(), o.answer(), o.answeredBy(), o.cost(), o.usage()));
        for (Attempt a : o.attempts()) {
            f.add(a.step() + "/" + a.status() + "/" + a.failure() + "/" + a.number() + "/" + a.reason());
        }
        return f;
    }

    @Test
    void shadowTrafficNeverChangesTheCallersOutcome_syncAndAsync() {
        AtomicInteger candidateCalls = new AtomicInteger();
        ModelClient hostile = r -> {
            candidateCalls.incrementAndGet();
            if (r.user().length() % 2 == 0) {
                throw new IllegalStateException("candidate blew up");
            }
            return ModelResponse.of("something else", Usage.of(1, 1));
        };
        Cascade<String, String> plain = chain("plain").build();
        Cascade<String, String> shadowed = chain("shadowed")
                .shadow("hostile", hostile, s -> s.share(1.0).sampler(() -> 0.0).queueCapacity(1000)
                        .comparator((a, b) -> {
                            throw new IllegalArgumentException("comparator blew up too");
                        }))
                .build();
        List<String> inputs = List.of("a", "bb", "xc", "xzz", "dddd", "xe", "f");
        for (String in : inputs) {
            assertThat(facts(shadowed.execute(in))).as("sync " + in).isEqualTo(facts(plain.execute(in)));
            assertThat(facts(shadowed.executeAsync(in).join())).as("async " + in)
                    .isEqualTo(facts(plain.executeAsync(in).join()));
        }
        await(() -> only(shadowed).pending() == 0);
        ShadowReport r = only(shadowed);
        assertThat(r.executions()).isEqualTo(14);
        assertThat(r.sampled()).isEqualTo(14);
        assertThat(r.notComparable()).as("'xzz' is not answered, twice").isEqualTo(2);
        assertThat(r.errors()).as("every other sample failed in the candidate or the comparator").isEqualTo(12);
        assertThat(candidateCalls.get()).isEqualTo(12);
        assertThat(r.compared()).isZero();
    }

    @Test
    void theCallersFutureCompletesWhileTheCandidateIsStillBlocked() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ModelClient slow = r -> {
            entered.countDown();
            if (!release.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return ModelResponse.of(r.user().toUpperCase(), Usage.of(1, 1));
        };
        Cascade<String, String> c = chain("latency").shadow("slow", slow, s -> s.share(1).sampler(() -> 0.0)).build();

        CompletableFuture<Outcome<String>> future = c.executeAsync("hello");
        assertThat(future.get(20, TimeUnit.SECONDS).answer()).contains("HELLO");
        // The outcome is in the caller's hands; the candidate runs (or is about to) and is still blocked.
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(release.getCount()).isEqualTo(1);
        assertThat(only(c).pending()).isEqualTo(1);
        // The synchronous entry point returns too while the candidate holds its worker.
        assertThat(c.execute("again").answer()).contains("AGAIN");

        release.countDown();
        await(() -> only(c).pending() == 0);
        ShadowReport r = only(c);
        assertThat(r.compared()).isEqualTo(2);
        assertThat(r.agreements()).isEqualTo(2);
    }

    @Test
    void aFullQueueDropsTheSampleAndCountsIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ModelClient blocked = r -> {
            entered.countDown();
            release.await(20, TimeUnit.SECONDS);
            return ModelResponse.of(r.user().toUpperCase(), Usage.of(1, 1));
        };
        List<ShadowCompared> events = new CopyOnWriteArrayList<>();
        Cascade<String, String> c = chain("queue")
                .listener(new CascadeListener() {
                    @Override
                    public void onShadowCompared(ShadowCompared e) {
                        events.add(e);
                    }
                })
                .shadow("blocked", blocked, s -> s.share(1).sampler(() -> 0.0).concurrency(1).queueCapacity(1))
                .build();
        c.execute("one");
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue(); // the worker holds "one"
        c.execute("two");   // waits in the queue
        Outcome<String> third = c.execute("three"); // queue full: dropped, the caller unaffected
        assertThat(third.answer()).contains("THREE");
        assertThat(only(c).dropped()).isEqualTo(1);
        assertThat(events).extracting(ShadowCompared::result).containsExactly(ShadowCompared.Result.DROPPED);
        assertThat(events.get(0).executionId()).isEqualTo(third.executionId());

        release.countDown();
        await(() -> only(c).pending() == 0);
        ShadowReport r = only(c);
        assertThat(r.sampled()).isEqualTo(3);
        assertThat(r.compared()).isEqualTo(2);
        assertThat(r.dropped()).isEqualTo(1);
    }

    @Test
    void theCandidatesRateLimitRunsOnTheChainsTimeSource() {
        ModelClient candidate = r -> ModelResponse.of(r.user().toUpperCase(), Usage.of(1, 1));
        Cascade<String, String> c = chain("rate")
                .shadow("limited", candidate, s -> s.share(1).sampler(() -> 0.0).rateLimit(2, Duration.ofSeconds(1)))
                .build();
        for (int i = 0; i < 5; i++) {
            c.execute("in" + i);
        }
        assertThat(only(c).rateLimited()).isEqualTo(3);
        time.advance(Duration.ofMillis(999));
        c.execute("still the same window");
        assertThat(only(c).rateLimited()).isEqualTo(4);
        time.advance(Duration.ofMillis(1));
        c.execute("next window");
        c.execute("next window, second");
        c.execute("next window, third");
        await(() -> only(c).pending() == 0);
        ShadowReport r = only(c);
        assertThat(r.rateLimited()).isEqualTo(5);
        assertThat(r.compared()).isEqualTo(4);
    }

    @Test
    void theCandidatesOwnBudgetCapsItsSpendAndLeavesTheChainsAlone() {
        Budget chainBudget = Budget.builder().clock(time.asClock()).perDay("1.00").build();
        Budget shadowBudget = Budget.builder().clock(time.asClock()).perDay("0.02").build();
        ModelClient candidate = r -> ModelResponse.of(r.user().toUpperCase(), Usage.of(10, 5));
        Cascade<String, String> c = chain("budget")
                .budget(chainBudget)
                .prompt(in -> ModelRequest.of(in).withMaxOutputTokens(100))
                .shadow("priced", candidate, s -> s.share(1).sampler(() -> 0.0).budget(shadowBudget)
                        .pricing(Pricing.perMillionTokens("100", "100")))
                .build();
        for (int i = 0; i < 12; i++) {
            assertThat(c.execute("in" + i).isAnswered()).isTrue();
            await(() -> only(c).pending() == 0); // one at a time: each reservation sees the spend before it
        }
        ShadowReport r = only(c);
        Money perCall = Pricing.perMillionTokens("100", "100").cost(Usage.of(10, 5));
        assertThat(r.overBudget()).as("the candidate's budget refused the calls it could not cover").isPositive();
        assertThat(r.compared() + r.overBudget()).isEqualTo(12);
        assertThat(r.cost()).isEqualTo(Money.ofMicros(perCall.micros() * r.compared()));
        assertThat(r.cost().micros()).isLessThanOrEqualTo(Money.usd("0.02").micros());
        // The chain's own budget carries only the chain's calls (12 × 15 tokens at $1 per 1M).
        assertThat(chainBudget.hardLimits()).isNotEmpty();
        Money chainSpend = chainBudget.spend(dev.cascade.budget.Scope.CHAIN, "budget", dev.cascade.budget.Window.DAY)
                .spent();
        assertThat(chainSpend).isEqualTo(Money.ofMicros(
                Pricing.perMillionTokens("1", "1").cost(Usage.of(10, 5)).micros() * 12));
    }

    @Test
    void aCandidateCallPastItsTimeoutIsAnErrorAndFreesTheWorker() {
        ModelClient slow = r -> {
            if (r.user().startsWith("slow")) {
                time.sleep(Duration.ofSeconds(5).toNanos()); // virtual: past the 1 s timeout
            }
            return ModelResponse.of(r.user().toUpperCase(), Usage.of(1, 1));
        };
        List<ShadowCompared> events = new CopyOnWriteArrayList<>();
        Cascade<String, String> c = chain("timeout")
                .listener(new CascadeListener() {
                    @Override
                    public void onShadowCompared(ShadowCompared e) {
                        events.add(e);
                    }
                })
                .shadow("slow", slow, s -> s.share(1).sampler(() -> 0.0).timeout(Duration.ofSeconds(1)))
                .build();
        c.execute("slow one");
        await(() -> only(c).pending() == 0);
        c.execute("quick one");
        await(() -> only(c).pending() == 0);
        ShadowReport r = only(c);
        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.compared()).isEqualTo(1);
        assertThat(events.get(0).result()).isEqualTo(ShadowCompared.Result.FAILED);
        assertThat(events.get(0).reason()).contains("TimeoutException");
        assertThatThrownBy(() -> chain("bad").shadow("c", slow, s -> s.timeout(Duration.ZERO)))
                .hasMessageContaining("shadows[0].timeout");
    }

    @Test
    void agreementIsCountedAndOnlyAnsweredExecutionsAreCompared() {
        // Agrees on inputs starting with "a", half-agrees (0.5) on "h", disagrees otherwise.
        ModelClient candidate = r -> ModelResponse.of(r.user().startsWith("a") ? r.user().toUpperCase()
                : r.user().startsWith("h") ? "half" : "nope", Usage.of(2, 3));
        ShadowComparator<String> comparator = (chainAnswer, cand) -> cand.equals("half") ? 0.5
                : cand.equals(chainAnswer) ? 1.0 : 0.0;
        Cascade<String, String> c = chain("agree")
                .shadow("cand", candidate, s -> s.share(1).sampler(() -> 0.0).comparator(comparator)
                        .agreementThreshold(0.6).pricing(Pricing.perMillionTokens("1000", "1000")))
                .build();
        for (String in : List.of("a1", "a2", "a3", "h1", "b1", "xzz")) {
            c.execute(in);
        }
        await(() -> only(c).pending() == 0);
        ShadowReport r = only(c);
        assertThat(r.compared()).isEqualTo(5);
        assertThat(r.agreements()).isEqualTo(3);
        assertThat(r.disagreements()).as("0.5 is below the 0.6 threshold").isEqualTo(2);
        assertThat(r.agreementRate()).isEqualTo(0.6);
        assertThat(r.meanScore()).isEqualTo(3.5 / 5);
        assertThat(r.notComparable()).isEqualTo(1);
        assertThat(r.inputTokens()).isEqualTo(10);
        assertThat(r.outputTokens()).isEqualTo(15);
        assertThat(r.cost()).isEqualTo(Money.usd("0.025"));
    }

    @Test
    void theSamplerPicksTheShare() {
        double[] draws = {0.01, 0.5, 0.04, 0.05, 0.9};
        AtomicInteger i = new AtomicInteger();
        ModelClient candidate = r -> ModelResponse.of(r.user().toUpperCase(), Usage.of(1, 1));
        Cascade<String, String> c = chain("share")
                .shadow("cand", candidate, s -> s.sampler(() -> draws[i.getAndIncrement()])) // default share 0.05
                .build();
        for (int k = 0; k < draws.length; k++) {
            c.execute("a" + k);
        }
        await(() -> only(c).pending() == 0);
        assertThat(only(c).executions()).isEqualTo(5);
        assertThat(only(c).sampled()).isEqualTo(2);
        assertThat(only(c).share()).isEqualTo(ShadowSpec.DEFAULT_SHARE);
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        ModelClient m = r -> ModelResponse.of("x", Usage.NONE);
        assertThatThrownBy(() -> chain("bad").shadow("c", m, s -> s.share(1.5)))
                .isInstanceOf(CascadeConfigurationException.class)
                .hasMessageContaining("shadows[0].share").hasMessageContaining("1.5");
        assertThatThrownBy(() -> chain("bad").shadow("c", m, s -> s.rateLimit(0, Duration.ofSeconds(1))))
                .hasMessageContaining("rateLimit.permits");
        assertThatThrownBy(() -> chain("bad").shadow("c", m, s -> { }).shadow("c", m, s -> { }))
                .hasMessageContaining("duplicate shadow candidate name 'c'");
        Budget budget = Budget.builder().perDay("1.00").build();
        assertThatThrownBy(() -> chain("bad").shadow("c", m, s -> s.budget(budget)).build())
                .isInstanceOf(CascadeConfigurationException.class)
                .hasMessageContaining("shadows[0].pricing");
        assertThatThrownBy(() -> Cascade.<String, String>builder("noprompt")
                .step("s", in -> java.util.Optional.of(in))
                .shadow("c", m, s -> { }).build())
                .hasMessageContaining("shadows[0].prompt");
    }
}
