package dev.cascade.eval;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Each lever gets the savings of the cases it answered: cache, rules, routing, cheap model, the expensive model. */
class LeversTest {
    private final VirtualTime time = new VirtualTime();

    @Test
    void everyLeverIsCreditedWithItsCases() {
        // cache: a step named "cache" answers "cached"; rules: "password"; the router sends "simple ..." straight to
        // the cheap model; everything else goes advanced first, which fails "hard ..." over to the cheap model.
        Cascade<String, String> chain = Cascade.<String, String>builder("levers")
                .timeSource(time)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .step("cache", t -> t.equals("cached") ? Optional.of("billing") : Optional.empty())
                .rules("faq", dev.cascade.rules.RuleSet.<String, String>firstMatch()
                        .rule("password", t -> t.contains("password"), t -> "account").build())
                .model("advanced", new dev.cascade.testing.ScriptedModel("gpt-4o").then(r -> {
                    if (r.user().startsWith("hard")) {
                        throw new java.io.IOException("connection reset");
                    }
                    return new ModelResponse("billing", Fixtures.CALL, "stop", "gpt-4o");
                }), s -> s.pricing(Fixtures.GPT_4O).retry(rt -> rt.maxAttempts(1)))
                .model("cheap", Fixtures.model("gpt-4o-mini", time, Duration.ZERO, Map.of(), Fixtures.CALL),
                        s -> s.pricing(Fixtures.GPT_4O_MINI))
                .router(t -> t.startsWith("simple") ? "cheap" : "cache")
                .budget(Fixtures.budget(time))
                .build();
        Dataset data = Dataset.of("d", List.of(EvalCase.of("cache", "cached", null),
                EvalCase.of("rules", "password reset", null), EvalCase.of("routed", "simple question", null),
                EvalCase.of("fallback", "hard question", null), EvalCase.of("advanced", "normal question", null)));

        VariantResult v = Evaluation.<String, String>builder().input(EvalCase::input).scorer(Scorers.exactLabel())
                .variant("v", chain).timeSource(time).counterfactual("gpt-4o", Fixtures.GPT_4O).build().run(data)
                .variant("v");

        assertThat(v.cases()).extracting(CaseResult::lever).containsExactly(Levers.CACHE, Levers.RULES,
                Levers.ROUTING, Levers.CHEAP_MODEL, Levers.MOST_EXPENSIVE);
        // Counterfactual: $0.0035 a case. Cheap calls cost $0.00021; the failed advanced call reported no usage.
        assertThat(v.savingsByLever()).isEqualTo(Map.of(
                Levers.CACHE, Money.usd("0.0035"),
                Levers.RULES, Money.usd("0.0035"),
                Levers.ROUTING, Money.usd("0.00329"),
                Levers.CHEAP_MODEL, Money.usd("0.00329"),
                Levers.MOST_EXPENSIVE, Money.ZERO));
        assertThat(v.byStep()).containsOnlyKeys("cache", "faq", "cheap", "advanced");
        assertThat(v.overall().failuresByKind()).isEqualTo(Map.of("UNAVAILABLE", 1));
    }

    @Test
    void casesAreGroupedByTemplate() {
        Dataset data = Dataset.of("d", List.of(
                new EvalCase("a", "refund please", "billing", java.util.Set.of(), "triage-v1", Map.of()),
                new EvalCase("b", "password reset", "account", java.util.Set.of(), "triage-v2", Map.of()),
                new EvalCase("c", "where is my order", "shipping", java.util.Set.of(), null, Map.of())));

        VariantResult v = Evaluation.<String, String>builder().input(EvalCase::input).scorer(Scorers.exactLabel())
                .variant("v", Fixtures.advancedOnly(time)).timeSource(time).build().run(data).variant("v");

        assertThat(v.byTemplate()).containsOnlyKeys("triage-v1", "triage-v2", "(none)");
        assertThat(v.byTemplate().get("triage-v1").cost()).isEqualTo(Money.usd("0.0035"));
        assertThat(v.cases().get(1).template()).isEqualTo("triage-v2");
    }
}
