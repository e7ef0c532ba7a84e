package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.budget.Budget;
import dev.cascade.config.CircuitBreakerSpec;
import dev.cascade.config.ModelStepSpec;
import dev.cascade.config.RetrySpec;
import dev.cascade.spi.ModelClient;

import java.time.Duration;

/** Compiled examples for the docs (engine page): shared configuration values and configuration errors. Not run. */
final class ConfigSnippets {
    private ConfigSnippets() {
    }

    static Cascade<String, String> sharedSpecs(ModelClient gpt4o, ModelClient claude, ModelClient mini) {
        // tag::shared-specs[]
        // Immutable values: build once, give to many steps (and chains).
        RetrySpec twoTries = RetrySpec.custom().maxAttempts(2).initialBackoff(Duration.ofMillis(100)).build();
        CircuitBreakerSpec breaker = CircuitBreakerSpec.custom()
                .failureRateThreshold(50)
                .openFor(Duration.ofSeconds(30))
                .build();
        ModelStepSpec<String, String> premium = ModelStepSpec.<String, String>builder()
                .timeout(Duration.ofSeconds(8))
                .retry(twoTries)
                .circuitBreaker(breaker)
                .build();

        Cascade<String, String> chain = Cascade.<String, String>builder("support-triage")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("gpt-4o", gpt4o, premium)
                .model("claude", claude, premium)
                // from(base): a copy with one option changed; the lambda form is shorthand for a spec built in place
                .model("mini", mini, ModelStepSpec.from(premium).timeout(Duration.ofSeconds(4)).build())
                .budget(Budget.builder().perRequest(Money.usd("0.05")).perDay(Money.usd("200")).build())
                .build();
        // end::shared-specs[]
        return chain;
    }

    static String configurationError(ModelClient gpt4o) {
        // tag::configuration-error[]
        try {
            Cascade.<String, String>builder("support-triage")
                    .prompt(ModelRequest::of)
                    .parse(ModelResponse::text)
                    .model("advanced", gpt4o, s -> s.retry(r -> r.maxAttempts(0)));
        } catch (CascadeConfigurationException e) {
            e.path();    // "steps[0].retry.maxAttempts"
            e.value();   // 0
            e.fix();     // "use 1 to 100 attempts (1 = no retries)"
            return e.getMessage();
            // chain 'support-triage', model step 'advanced': steps[0].retry.maxAttempts: must be in [1, 100],
            // was 0. Fix: use 1 to 100 attempts (1 = no retries)
        }
        // end::configuration-error[]
        return null;
    }
}
