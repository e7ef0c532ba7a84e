package dev.cascade.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.budget.Budget;
import dev.cascade.spring.CascadeChains;

/** {@code /actuator/cascade/<chain>} reports the response cache, with the money it saved beside the money spent. */
class CacheEndpointTest {

    @Test
    void theChainShowsItsCacheAndTheMoneySavedBesideItsBudget() {
        Budget budget = Budget.builder().perDay("10.00").build();
        Cascade<String, String> chain = Cascade.<String, String>builder("faq")
                .prompt(q -> ModelRequest.of("S", q)).parse(ModelResponse::text).budget(budget)
                .model("cheap", r -> new ModelResponse("answer", Usage.of(1000, 1000), "stop", "m"),
                        s -> s.pricing(Pricing.perMillionTokens("1.00", "2.00")))
                .cache(c -> c.namespace("faq-v3"))
                .build();
        chain.execute("q");
        chain.execute("q");
        chain.execute("other");

        Map<String, Object> described = CascadeEndpoint.describe(
                new CascadeChains.Entry("faq", chain, Optional.of(budget), Optional.empty()));
        assertThat(described).containsKeys("budget", "cache");
        @SuppressWarnings("unchecked")
        Map<String, Object> cache = (Map<String, Object>) described.get("cache");
        assertThat(cache).containsEntry("namespace", "faq-v3").containsEntry("lookups", 3L)
                .containsEntry("hits", 1L).containsEntry("exactHits", 1L).containsEntry("stored", 2L)
                .containsEntry("savedUsd", "0.003000"); // 1,000 in at $1/M + 1,000 out at $2/M, once
        assertThat((Double) cache.get("hitRate")).isEqualTo(1.0 / 3);
    }
}
