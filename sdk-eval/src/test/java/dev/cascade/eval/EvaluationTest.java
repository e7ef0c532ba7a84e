package dev.cascade.eval;

import dev.cascade.api.Money;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Variant runs on virtual time, with every figure known in advance (see {@link Fixtures}). */
class EvaluationTest {
    private final VirtualTime time = new VirtualTime();

    private EvaluationResult runBoth() {
        return Evaluation.<String, String>builder()
                .input(EvalCase::input)
                .scorer(Scorers.exactLabel())
                .variant("always-advanced", Fixtures.advancedOnly(time))
                .variant("cascade", Fixtures.cascade(time))
                .timeSource(time)
                .counterfactual("gpt-4o-mini", Fixtures.GPT_4O_MINI)
                .counterfactual("gpt-4o", Fixtures.GPT_4O)
                .build()
                .run(Fixtures.tickets(), "run-1");
    }

    @Test
    void theAlwaysAdvancedVariantIsRightEverywhereAtItsPrice() {
        EvaluationResult r = runBoth();
        Metrics m = r.variant("always-advanced").overall();

        assertThat(m.cases()).isEqualTo(4);
        assertThat(m.casesRun()).isEqualTo(4);
        assertThat(m.scored()).isEqualTo(4);
        assertThat(m.passed()).isEqualTo(4);
        assertThat(m.accuracy()).isEqualTo(1.0);
        assertThat(m.cost()).isEqualTo(Money.usd("0.014"));           // 4 x $0.0035
        assertThat(m.costPerTransaction()).isEqualTo(Money.usd("0.0035"));
        assertThat(m.latencyP50Ms()).isEqualTo(200.0);
        assertThat(m.latencyP99Ms()).isEqualTo(200.0);
        assertThat(m.answeredShare()).isEqualTo(1.0);
        assertThat(m.reviewShare()).isEqualTo(0.0);
        assertThat(m.failuresByKind()).isEmpty();
        assertThat(r.variant("always-advanced").byStep()).containsOnlyKeys("advanced");
    }

    @Test
    void theCascadeVariantsFiguresArePerStepAndPerTag() {
        EvaluationResult r = runBoth();
        VariantResult v = r.variant("cascade");
        Metrics m = v.overall();

        assertThat(v.chain()).isEqualTo("support-triage");
        assertThat(m.passed()).isEqualTo(2);                            // c1 (cheap), c2 (rules)
        assertThat(m.accuracy()).isEqualTo(0.5);
        assertThat(m.answeredAccuracy()).isEqualTo(2 / 3.0);
        assertThat(m.cost()).isEqualTo(Money.usd("0.00063"));           // 3 cheap calls, c4's was rejected but paid
        assertThat(m.costPerTransaction()).isEqualTo(Money.usd("0.000158"));  // 157.5 micro-dollars, half up
        // Latencies 0 (rules), 50, 50, 50 ms: nearest rank.
        assertThat(m.latencyP50Ms()).isEqualTo(50.0);
        assertThat(m.latencyP90Ms()).isEqualTo(50.0);
        assertThat(m.answered()).isEqualTo(3);
        assertThat(m.answeredShare()).isEqualTo(0.75);
        assertThat(m.review()).isEqualTo(1);
        assertThat(m.reviewShare()).isEqualTo(0.25);
        assertThat(m.failuresByKind()).isEqualTo(Map.of("REJECTED", 1));

        assertThat(v.byStep()).containsOnlyKeys("faq", "cheap", "(review)");
        assertThat(v.byStep().get("cheap").casesRun()).isEqualTo(2);
        assertThat(v.byStep().get("cheap").accuracy()).isEqualTo(0.5);
        assertThat(v.byStep().get("faq").cost()).isEqualTo(Money.ZERO);
        assertThat(v.byStep().get("(review)").reviewShare()).isEqualTo(1.0);

        assertThat(v.byTag()).containsOnlyKeys("edge", "adversarial", "(untagged)");
        assertThat(v.byTag().get("edge").accuracy()).isEqualTo(1.0);
        assertThat(v.byTag().get("adversarial").accuracy()).isEqualTo(0.0);
        assertThat(v.byTag().get("(untagged)").casesRun()).isEqualTo(2);

        CaseResult c3 = v.cases().get(2);
        assertThat(c3.id()).isEqualTo("c3");
        assertThat(c3.status()).isEqualTo("ANSWERED");
        assertThat(c3.answeredBy()).isEqualTo("cheap");
        assertThat(c3.pass()).isFalse();
        assertThat(c3.detail()).isEqualTo("label differs");
        assertThat(c3.tags()).isEqualTo(Set.of("adversarial"));
        assertThat(c3.inputTokens()).isEqualTo(1000);
        assertThat(v.cases().get(3).status()).isEqualTo("PENDING_REVIEW");
        assertThat(v.cases().get(3).failures()).containsExactly("REJECTED");
    }

    @Test
    void theCounterfactualPricesEveryCaseOnceAtTheMostExpensiveCandidate() {
        EvaluationResult r = runBoth();
        Counterfactual cf = r.counterfactual();

        assertThat(cf.model()).isEqualTo("gpt-4o");
        assertThat(cf.cases()).isEqualTo(4);
        assertThat(cf.fromOwnTokens()).isEqualTo(4);
        assertThat(cf.inputTokens()).isEqualTo(4000);
        assertThat(cf.outputTokens()).isEqualTo(400);
        assertThat(cf.cost()).isEqualTo(Money.usd("0.014"));
        assertThat(cf.costPerTransaction()).isEqualTo(Money.usd("0.0035"));

        VariantResult v = r.variant("cascade");
        assertThat(v.cases()).extracting(CaseResult::lever)
                .containsExactly("cheap-model", "rules", "cheap-model", "review");
        // cheap: 2 x (0.0035 - 0.00021); rules: 0.0035; review: 0.0035 - 0.00021 (the rejected call)
        assertThat(v.savingsByLever()).isEqualTo(Map.of("cheap-model", Money.usd("0.00658"),
                "rules", Money.usd("0.0035"), "review", Money.usd("0.00329")));
        assertThat(r.variant("always-advanced").savingsByLever())
                .isEqualTo(Map.of("most-expensive-model", Money.ZERO));
    }

    @Test
    void casesWithoutAModelCallArePricedAtTheMeanTokens() {
        Dataset data = Dataset.of("d", List.of(EvalCase.of("a", "password reset", "account"),
                EvalCase.of("b", "refund please", "billing"), EvalCase.of("c", "where is my order", "shipping")));
        Map<String, dev.cascade.api.Usage> usage = Map.of("refund please", dev.cascade.api.Usage.of(1000, 100),
                "where is my order", dev.cascade.api.Usage.of(3000, 300));
        dev.cascade.Cascade<String, String> chain = dev.cascade.Cascade.<String, String>builder("c")
                .timeSource(time)
                .prompt(dev.cascade.api.ModelRequest::of)
                .parse(dev.cascade.api.ModelResponse::text)
                .rules("faq", dev.cascade.rules.RuleSet.<String, String>firstMatch()
                        .rule("password", t -> t.contains("password"), t -> "account").build())
                .model("m", new dev.cascade.testing.ScriptedModel("gpt-4o").then(q -> new dev.cascade.api
                        .ModelResponse(Fixtures.RIGHT.get(q.user()), usage.get(q.user()), "stop", "gpt-4o")))
                .build();

        Counterfactual cf = Evaluation.<String, String>builder().input(EvalCase::input)
                .scorer(Scorers.exactLabel()).variant("v", chain).timeSource(time)
                .counterfactual("gpt-4o", Fixtures.GPT_4O).build().run(data).counterfactual();

        assertThat(cf.fromOwnTokens()).isEqualTo(2);
        assertThat(cf.fromMeanTokens()).isEqualTo(1);
        // own: $0.0035 + $0.0105; mean (2000 in, 200 out): $0.007
        assertThat(cf.cost()).isEqualTo(Money.usd("0.021"));
        assertThat(cf.method()).contains("gpt-4o").contains("(2 cases)").contains("(1 cases)");
    }

    @Test
    void theRunIsStampedByTheEvaluationsTimeSource() {
        EvaluationResult r = runBoth();
        assertThat(r.runId()).isEqualTo("run-1");
        assertThat(r.dataset()).isEqualTo("tickets");
        assertThat(r.scorer()).isEqualTo("exact-label");
        assertThat(r.startedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        // 4 x 200 ms (advanced) + 3 x 50 ms (cheap)
        assertThat(r.finishedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.950Z"));
        assertThat(r.spent()).isEqualTo(Money.usd("0.01463"));
    }

    @Test
    void theMoneyCapStopsStartingCases() {
        EvaluationResult r = Evaluation.<String, String>builder()
                .input(EvalCase::input).scorer(Scorers.exactLabel())
                .variant("always-advanced", Fixtures.advancedOnly(time))
                .variant("cascade", Fixtures.cascade(time))
                .moneyCap(Money.usd("0.007")).timeSource(time)
                .build().run(Fixtures.tickets());

        Metrics adv = r.variant("always-advanced").overall();
        assertThat(adv.casesRun()).isEqualTo(2);                 // $0.0035 each: the cap is reached after two
        assertThat(adv.notRun()).isEqualTo(2);
        assertThat(adv.accuracy()).isEqualTo(1.0);               // over the cases run
        assertThat(r.variant("cascade").overall().casesRun()).isZero();
        assertThat(r.variant("cascade").cases()).extracting(CaseResult::status).containsOnly("NOT_RUN");
        assertThat(r.spent()).isEqualTo(Money.usd("0.007"));
    }

    @Test
    void concurrentCasesGiveTheSameCountsAndCosts() {
        EvaluationResult r = Evaluation.<String, String>builder()
                .input(EvalCase::input).scorer(Scorers.exactLabel())
                .variant("cascade", Fixtures.cascade(new VirtualTime()))
                .concurrency(4)
                .build().run(Fixtures.tickets());

        Metrics m = r.variant("cascade").overall();
        assertThat(m.passed()).isEqualTo(2);
        assertThat(m.cost()).isEqualTo(Money.usd("0.00063"));
        assertThat(m.review()).isEqualTo(1);
        assertThat(r.variant("cascade").cases()).extracting(CaseResult::id).containsExactly("c1", "c2", "c3", "c4");
    }

    @Test
    void anInputMapperThatThrowsIsAnErrorOfThatCaseOnly() {
        EvaluationResult r = Evaluation.<String, String>builder()
                .input(c -> {
                    if (c.id().equals("c2")) {
                        throw new IllegalArgumentException("no");
                    }
                    return c.input();
                })
                .scorer(Scorers.exactLabel())
                .variant("always-advanced", Fixtures.advancedOnly(time))
                .build().run(Fixtures.tickets());

        Metrics m = r.variant("always-advanced").overall();
        assertThat(m.passed()).isEqualTo(3);
        assertThat(m.unanswered()).isEqualTo(1);
        assertThat(m.failuresByKind()).isEqualTo(Map.of("INPUT", 1));
        assertThat(r.variant("always-advanced").byStep()).containsKey("(error)");
    }

    @Test
    void aScorerThatThrowsFailsTheCaseWithItsType() {
        EvaluationResult r = Evaluation.<String, String>builder()
                .input(EvalCase::input)
                .scorer((c, o) -> {
                    throw new IllegalStateException("boom");
                })
                .variant("always-advanced", Fixtures.advancedOnly(time))
                .build().run(Fixtures.tickets());
        assertThat(r.variant("always-advanced").overall().passed()).isZero();
        assertThat(r.variant("always-advanced").cases().get(0).detail()).isEqualTo("scorer threw IllegalStateException");
    }

    @Test
    void theBuilderNamesWhatIsMissing() {
        assertThatThrownBy(() -> Evaluation.<String, String>builder().scorer(Scorers.exactLabel())
                .variant("v", Fixtures.advancedOnly(time)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("input(EvalCase::input)");
        assertThatThrownBy(() -> Evaluation.<String, String>builder().input(EvalCase::input)
                .variant("v", Fixtures.advancedOnly(time)).build())
                .hasMessageContaining("scorer(Scorers.exactLabel())");
        assertThatThrownBy(() -> Evaluation.<String, String>builder().input(EvalCase::input)
                .scorer(Scorers.exactLabel()).build()).hasMessageContaining("variant(\"name\", chain)");
        assertThatThrownBy(() -> Evaluation.<String, String>builder().variant("v", Fixtures.advancedOnly(time))
                .variant("v", Fixtures.cascade(time))).hasMessageContaining("variant 'v' was already added");
        assertThatThrownBy(() -> Evaluation.builder().concurrency(0)).hasMessageContaining("concurrency must be in"
                + " [1, 1024], was 0");
        assertThatThrownBy(() -> Evaluation.builder().moneyCap(Money.ZERO)).hasMessageContaining("moneyCap must be"
                + " > $0, was $0.00");
    }
}
