package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.budget.Budget;
import dev.cascade.spi.ModelClient;

/**
 * Documentation snippets: pricing a budgeted model step whose client does not report its model name (a lambda, a
 * test double, a home-grown client). Compiled with the examples so the docs never show code that does not build.
 */
public final class BudgetPricingSnippets {
    private BudgetPricingSnippets() {
    }

    /** A step names the model its client calls: the budget prices it from the built-in catalogue. */
    public static Cascade<String, String> modelName() {
        // tag::budget-step-model-name[]
        ModelClient cheap = request -> ModelResponse.of("category: billing", Usage.of(120, 8)); // model() is null
        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
                .parse(ModelResponse::text)
                .model("cheap", cheap, s -> s.modelName("gpt-4o-mini"))   // priced as gpt-4o-mini
                .budget(Budget.builder().perDay("20.00").build())
                .build();
        // end::budget-step-model-name[]
        return triage;
    }

    /** A step carries its own price: for a model the catalogue does not know. */
    public static Cascade<String, String> stepPricing() {
        // tag::budget-step-pricing[]
        ModelClient inHouse = request -> ModelResponse.of("category: billing", Usage.of(120, 8));
        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
                .parse(ModelResponse::text)
                .model("in-house", inHouse, s -> s
                        .modelName("acme-large-2")                              // reported in telemetry
                        .pricing(Pricing.perMillionTokens("0.80", "2.40")))    // USD per 1M input / output tokens
                .budget(Budget.builder().perDay("20.00").build())
                .build();
        // end::budget-step-pricing[]
        return triage;
    }
}
