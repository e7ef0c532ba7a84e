package dev.cascade.examples.snippets;

import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget-pricing doc snippets build, answer and spend what the docs say. */
class BudgetPricingSnippetsTest {

    @Test
    void aStepNamedAfterACatalogueModelIsPricedByIt() {
        Outcome<String> out = BudgetPricingSnippets.modelName().execute("I was charged twice");
        assertThat(out.answeredBy()).contains("cheap");
        // gpt-4o-mini: 120 in at $0.15 + 8 out at $0.60 per 1M tokens, rounded up to the micro-dollar
        assertThat(out.cost()).isEqualTo(Money.usd("0.000023"));
    }

    @Test
    void aStepWithItsOwnPriceIsPricedByIt() {
        Outcome<String> out = BudgetPricingSnippets.stepPricing().execute("I was charged twice");
        assertThat(out.answeredBy()).contains("in-house");
        // 120 in at $0.80 + 8 out at $2.40 per 1M tokens = $0.000096 + $0.0000192, rounded up
        assertThat(out.cost()).isEqualTo(Money.usd("0.000116"));
    }
}
