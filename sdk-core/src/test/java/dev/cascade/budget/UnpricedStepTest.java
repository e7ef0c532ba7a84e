package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.CascadeBuilder;
import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.event.AttemptStarted;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelClient;
import dev.cascade.spi.StepAdmission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A budgeted model step that can never be priced used to build and then skip every call as
 * {@code OVER_BUDGET no price for model 'null'}, with advice ({@code price("null", ...)}) that changed nothing. Now
 * {@code build()} refuses it, naming the chain, the step and the fix; a step can name its model or carry its price.
 */
class UnpricedStepTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);

    /** A lambda client, as in the quick start: answers, reports usage, but no model name. */
    private final ModelClient lambda = request -> ModelResponse.of("category: billing", Usage.of(1_000, 100));

    private CascadeBuilder<String, String> chain(ModelClient client, java.util.function.Consumer<
            dev.cascade.config.ModelStepSpec<String, String>> step) {
        return Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", client, step)
                .budget(Budget.builder().perDay("10.00").clock(clock).build());
    }

    @Test
    void aBudgetedStepWhoseClientReportsNoModelFailsAtBuildNamingTheStepAndTheFix() {
        assertThatThrownBy(() -> chain(lambda, s -> { }).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chain 'triage', model step 'advanced'")
                .hasMessageContaining("the chain has a budget, but this step cannot be priced")
                .hasMessageContaining("ModelClient.model() is null")
                .hasMessageContaining("skipped as OVER_BUDGET")
                .hasMessageContaining(".model(\"advanced\", client, s -> s.modelName(\"gpt-4o\"))")
                .hasMessageContaining(".model(\"advanced\", client, s -> s.pricing(Pricing.perMillionTokens(")
                .hasMessageNotContaining("'null'");
    }

    @Test
    void aModelTheBudgetCannotPriceFailsAtBuildNamingTheModelAndTheFix() {
        ModelClient unknown = new ModelClient() {
            @Override
            public ModelResponse call(ModelRequest request) {
                return ModelResponse.of("x", Usage.of(1, 1));
            }

            @Override
            public String provider() {
                return "acme";
            }

            @Override
            public String model() {
                return "mystery-model-9";
            }
        };
        assertThatThrownBy(() -> chain(unknown, s -> { }).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chain 'triage', model step 'advanced'")
                .hasMessageContaining("no price for model 'mystery-model-9' (provider acme)")
                .hasMessageContaining("Budget.builder().price(\"mystery-model-9\", Pricing.perMillionTokens(")
                .hasMessageContaining("s.pricing(");
        // The same name on the step (a lambda client) is checked the same way.
        assertThatThrownBy(() -> chain(lambda, s -> s.modelName("mystery-model-9")).build())
                .hasMessageContaining("no price for model 'mystery-model-9'");
        // Priced in the budget, it builds.
        Cascade<String, String> priced = Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", unknown)
                .budget(Budget.builder().perDay("10.00").clock(clock)
                        .price("mystery-model-9", Pricing.perMillionTokens("1.00", "2.00")).build())
                .build();
        assertThat(priced.describe().steps()).hasSize(1);
    }

    @Test
    void withoutABudgetNothingNeedsAPrice() {
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", lambda)
                .build();
        assertThat(chain.execute("hello").answer()).contains("category: billing");
    }

    enum Entry {
        SYNC, ASYNC;

        Outcome<String> run(Cascade<String, String> chain) {
            return this == SYNC ? chain.execute("I was charged twice", CallContext.empty())
                    : chain.executeAsync("I was charged twice", CallContext.empty()).join();
        }
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void aModelNamedOnTheStepIsPricedFromTheCatalogueAndReported(Entry entry) {
        List<AttemptStarted> started = new CopyOnWriteArrayList<>();
        Cascade<String, String> chain = chain(lambda, s -> s.modelName("gpt-4o-mini"))
                .listener(new CascadeListener() {
                    @Override
                    public void onAttemptStarted(AttemptStarted e) {
                        started.add(e);
                    }
                })
                .build();

        Outcome<String> out = entry.run(chain);

        assertThat(out.answeredBy()).contains("advanced");
        // gpt-4o-mini: $0.15 / $0.60 per 1M -> 1000 in + 100 out = $0.00015 + $0.00006
        assertThat(out.cost()).isEqualTo(Money.usd("0.00021"));
        assertThat(started).extracting(AttemptStarted::model).containsExactly("gpt-4o-mini");
        assertThat(chain.describe().steps().get(0).policies()).containsEntry("model", "gpt-4o-mini");
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void aStepWithItsOwnPriceIsBudgetedAtThatPrice(Entry entry) {
        Cascade<String, String> chain = chain(lambda, s -> s.pricing(Pricing.perMillionTokens("3.00", "10.00")))
                .build();

        Outcome<String> out = entry.run(chain);

        assertThat(out.answeredBy()).contains("advanced");
        // 1000 in at $3 per 1M + 100 out at $10 per 1M = $0.003 + $0.001
        assertThat(out.cost()).isEqualTo(Money.usd("0.004"));
        assertThat(out.attempts()).extracting(Attempt::failure).containsOnlyNulls();
    }

    @Test
    void theStepsPriceWinsOverTheCatalogue() {
        Cascade<String, String> chain = chain(lambda, s -> s.modelName("gpt-4o")
                .pricing(Pricing.perMillionTokens("1.00", "1.00"))).build();
        assertThat(chain.execute("hi").cost()).isEqualTo(Money.usd("0.0011"));
    }

    @Test
    void aHandMadeRequestWithNoModelIsRefusedWithAdviceThatWorks() {
        Budget budget = Budget.builder().perDay("10.00").clock(clock).build();
        StepAdmission.Ticket t = budget.admit(new StepAdmission.Request("triage", "advanced", "x", 1, lambda,
                ModelRequest.of("hi"), CallContext.empty(), Money.ZERO));
        assertThat(t.admitted()).isFalse();
        assertThat(t.refusal()).isEqualTo(FailureKind.OVER_BUDGET);
        assertThat(t.reason()).contains("step 'advanced' has no model name to price")
                .contains("s.modelName(").contains("s.pricing(").doesNotContain("'null'");
    }
}
