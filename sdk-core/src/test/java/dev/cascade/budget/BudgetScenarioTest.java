package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.event.BudgetAlert;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Budgets inside a chain: the stories a team adopts Cascade for. Each runs through execute and executeAsync. */
class BudgetScenarioTest {

    enum Entry {
        SYNC, ASYNC;

        <O> Outcome<O> run(Cascade<String, O> chain, String input, CallContext ctx) {
            return this == SYNC ? chain.execute(input, ctx) : chain.executeAsync(input, ctx).join();
        }
    }

    /** A model that answers with fixed usage and counts its calls. */
    static class PricedModel implements ModelClient {
        final String model;
        final Usage usage;
        final AtomicInteger calls = new AtomicInteger();

        PricedModel(String model, Usage usage) {
            this.model = model;
            this.usage = usage;
        }

        @Override
        public ModelResponse call(ModelRequest request) throws Exception {
            calls.incrementAndGet();
            return new ModelResponse(model + " answer", usage, "stop", model);
        }

        @Override
        public String provider() {
            return "openai";
        }

        @Override
        public String model() {
            return model;
        }
    }

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
    // gpt-4o: $2.50 / $10.00 per 1M; worst case with 1000 output tokens and a short prompt ~ $0.0101
    private final PricedModel advanced = new PricedModel("gpt-4o", Usage.of(400, 200));
    private final PricedModel cheap = new PricedModel("gpt-4o-mini", Usage.of(400, 200));

    private Cascade<String, String> chain(Budget budget) {
        return Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(1000))
                .parse(ModelResponse::text)
                .model("advanced", advanced)
                .model("cheap", cheap)
                .rules("faq", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .budget(budget)
                .build();
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void whenTheDailyBudgetCannotCoverTheAdvancedModelTheCheapOneAnswers(Entry entry) {
        Budget budget = Budget.builder().limit(Scope.CHAIN, Window.DAY, "0.015").clock(clock).build();
        Cascade<String, String> chain = chain(budget);

        Outcome<String> first = entry.run(chain, "hello", CallContext.empty());
        assertThat(first.answeredBy()).contains("advanced");
        // $2.50 * 400/1M + $10 * 200/1M = $0.003
        assertThat(first.cost()).isEqualTo(Money.usd("0.003"));

        // Worst case of an advanced call: 18 estimated input tokens and 1000 output tokens = $0.010045.
        // Spent $0.003: it still fits once more ($0.013045 <= $0.015), then no longer ($0.016045).
        entry.run(chain, "hello", CallContext.empty());
        Outcome<String> third = entry.run(chain, "hello", CallContext.empty());
        assertThat(third.answeredBy()).contains("cheap");
        Attempt skip = third.attempts().get(0);
        assertThat(skip.status()).isEqualTo(Attempt.Status.SKIPPED);
        assertThat(skip.failure()).isEqualTo(FailureKind.OVER_BUDGET);
        assertThat(skip.reason()).contains("chain:triage|DAY|2026-11-28").contains("cannot cover");
        assertThat(advanced.calls).hasValue(2);

        Budget.Spend spend = budget.spend(Scope.CHAIN, "triage", Window.DAY);
        assertThat(spend.spent()).isEqualTo(Money.usd("0.006").plus(Money.usd("0.00018")));
        assertThat(spend.reserved()).isEqualTo(Money.ZERO);
        assertThat(spend.remaining()).contains(Money.usd("0.015").minus(spend.spent()));
        assertThat(budget.ledger().openReservations()).isZero();
    }

    /**
     * A model the budget cannot price is refused at build (see {@link UnpricedStepTest}); one that becomes unknown
     * after the build (here a client that switches models) still fails closed at call time.
     */
    @ParameterizedTest
    @EnumSource(Entry.class)
    void aModelWithNoKnownPriceFailsClosed(Entry entry) {
        java.util.concurrent.atomic.AtomicReference<String> name = new java.util.concurrent.atomic.AtomicReference<>(
                "gpt-4o");
        PricedModel switching = new PricedModel("gpt-4o", Usage.of(10, 10)) {
            @Override
            public String model() {
                return name.get();
            }
        };
        Budget budget = Budget.builder().perDay("100.00").clock(clock).build();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("mystery", switching)
                .model("cheap", cheap)
                .budget(budget)
                .build();
        name.set("mystery-model-9");

        Outcome<String> out = entry.run(chain, "hello", CallContext.empty());

        assertThat(switching.calls).hasValue(0);
        assertThat(out.answeredBy()).contains("cheap");
        assertThat(out.attempts().get(0).reason()).contains("no price for model 'mystery-model-9'")
                .contains("fails closed");
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void thePerRequestCeilingCountsWhatTheExecutionAlreadySpent(Entry entry) {
        ModelClient rejectedAdvanced = new PricedModel("gpt-4o", Usage.of(400, 200));
        Budget budget = Budget.builder().perRequest("0.012").clock(clock).build();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(1000)).parse(ModelResponse::text)
                .model("advanced", rejectedAdvanced, s -> s.accept(a -> false)) // answers, spends, is rejected
                .model("advanced-again", new PricedModel("gpt-4o", Usage.of(400, 200)))
                .model("cheap", cheap)
                .budget(budget)
                .build();

        Outcome<String> out = entry.run(chain, "hello", CallContext.empty());

        // The first call cost $0.003; the second's worst case (~$0.0101) would take the request past $0.012.
        assertThat(out.attempts()).extracting(Attempt::step, Attempt::failure).containsExactly(
                org.assertj.core.groups.Tuple.tuple("advanced", FailureKind.REJECTED),
                org.assertj.core.groups.Tuple.tuple("advanced-again", FailureKind.OVER_BUDGET),
                org.assertj.core.groups.Tuple.tuple("cheap", null));
        assertThat(out.attempts().get(1).reason()).contains("per-request ceiling $0.012");
        assertThat(out.cost()).isEqualTo(Money.usd("0.003").plus(Money.usd("0.00018")));
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void tenantLimitsApplyPerTenantAndFailedCallsReleaseTheirHold(Entry entry) {
        ModelClient failing = new PricedModel("gpt-4o", Usage.NONE) {
            @Override
            public ModelResponse call(ModelRequest request) throws ModelCallException {
                calls.incrementAndGet();
                throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
            }
        };
        Budget budget = Budget.builder().limit(Scope.TENANT, Window.MONTH, "0.011").clock(clock).build();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(1000)).parse(ModelResponse::text)
                .model("advanced", failing)
                .model("cheap", cheap)
                .budget(budget)
                .build();

        Outcome<String> acme = entry.run(chain, "hello", CallContext.empty().withTenant("acme"));

        assertThat(acme.answeredBy()).contains("cheap");
        assertThat(acme.attempts().get(0).cost()).isEqualTo(Money.ZERO); // released: nothing billed
        assertThat(budget.spend(Scope.TENANT, "acme", Window.MONTH).spent()).isEqualTo(Money.usd("0.00018"));
        assertThat(budget.spend(Scope.TENANT, "globex", Window.MONTH).spent()).isEqualTo(Money.ZERO);
        assertThat(budget.spend(Scope.TENANT, "acme", Window.MONTH).account()).isEqualTo("tenant:acme|MONTH|2026-11");
        assertThat(budget.ledger().openReservations()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void aSoftLimitRaisesOneEventAndRefusesNothing(Entry entry) {
        List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
        Budget budget = Budget.builder().softLimit(Scope.GLOBAL, Window.DAY, "0.005").clock(clock)
                .listener(new CascadeListener() {
                    @Override
                    public void onBudgetAlert(BudgetAlert event) {
                        alerts.add(event);
                    }
                })
                .build();
        Cascade<String, String> chain = chain(budget);

        for (int i = 0; i < 4; i++) {
            assertThat(entry.run(chain, "hello", CallContext.empty()).answeredBy()).contains("advanced");
        }

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(BudgetAlert.Type.SOFT_LIMIT_CROSSED);
            assertThat(a.account()).isEqualTo("global|DAY|2026-11-28");
            assertThat(a.spent()).isEqualTo(Money.usd("0.006"));
        });
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void windowsFollowTheBudgetsTimeZone(Entry entry) {
        // 23:30 UTC on the 28th is already the 29th in Berlin.
        Clock late = Clock.fixed(Instant.parse("2026-11-28T23:30:00Z"), ZoneOffset.UTC);
        Budget budget = Budget.builder().perDay("1.00").zone(ZoneId.of("Europe/Berlin")).clock(late).build();

        entry.run(chain(budget), "hello", CallContext.empty());

        assertThat(budget.spend(Scope.CHAIN, "triage", Window.DAY).account()).isEqualTo("chain:triage|DAY|2026-11-29");
        assertThat(budget.spend(Scope.CHAIN, "triage", Window.DAY).spent()).isEqualTo(Money.usd("0.003"));
    }
}
