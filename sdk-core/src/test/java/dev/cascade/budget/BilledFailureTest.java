package dev.cascade.budget;

import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;

/**
 * A failed call the provider still billed (a content-filtered completion) is settled on the billed tokens, so the
 * budget counts money that was spent; a failure without usage costs nothing.
 */
class BilledFailureTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);

    private static ModelClient failing(ModelCallException e) {
        return new ModelClient() {
            @Override
            public ModelResponse call(ModelRequest request) throws ModelCallException {
                throw e;
            }

            @Override
            public String provider() {
                return "openai";
            }

            @Override
            public String model() {
                return "gpt-4o";
            }
        };
    }

    private Outcome<String> run(ModelClient model, Budget budget) {
        return Cascade.<String, String>builder("filtered")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(100))
                .parse(ModelResponse::text)
                .model("advanced", model)
                .rules("faq", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .budget(budget)
                .build()
                .execute("hello");
    }

    private Budget budget() {
        return Budget.builder().perDay("10").price("gpt-4o", Pricing.perMillionTokens("2.50", "10.00"))
                .clock(clock).build();
    }

    @Test
    void aBilledContentFilterIsCountedOnTheAttemptAndTheLedger() {
        Budget budget = budget();
        Usage billed = Usage.of(1_000, 50);
        Outcome<String> out = run(failing(new ModelCallException(FailureKind.CONTENT_FILTERED, "refused", null, null,
                billed)), budget);

        Attempt advanced = out.attempts().get(0);
        assertThat(advanced.failure()).isEqualTo(FailureKind.CONTENT_FILTERED);
        assertThat(advanced.usage()).isEqualTo(billed);
        // 1,000 x $2.50/M + 50 x $10.00/M = $0.0025 + $0.0005
        assertThat(advanced.cost()).isEqualTo(Money.usd("0.003"));
        assertThat(out.cost()).isEqualTo(Money.usd("0.003"));
        Budget.Spend spend = budget.spend(Scope.CHAIN, "filtered", Window.DAY);
        assertThat(spend.spent()).isEqualTo(Money.usd("0.003"));
        assertThat(spend.reserved()).isEqualTo(Money.ZERO);
        assertThat(out.answer()).contains("canned");
    }

    @Test
    void aFailureWithoutUsageCostsNothing() {
        Budget budget = budget();
        Outcome<String> out = run(failing(new ModelCallException(FailureKind.UNAVAILABLE, "503")), budget);

        assertThat(out.attempts().get(0).usage()).isEqualTo(Usage.NONE);
        assertThat(out.cost()).isEqualTo(Money.ZERO);
        assertThat(budget.spend(Scope.CHAIN, "filtered", Window.DAY).spent()).isEqualTo(Money.ZERO);
        assertThat(new ModelCallException(FailureKind.UNAVAILABLE, "x").usage()).isEqualTo(Usage.NONE);
    }
}
