package dev.cascade.examples.outage;

import dev.cascade.api.Money;
import dev.cascade.api.Usage;
import dev.cascade.fixtures.MiniJson;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a scaled-down outage demo once (short phases, 8 workers per strategy; the budget leaves $0.06 at the start of
 * the recovery phase and keeps $0.05 of it for the cheap model, so the advanced model gets a few calls) and checks what must hold on any machine, however slow or busy: no timing
 * assertions, only counts, money and the shape of the report.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutageDemoTest {
    private static final List<String> STRATEGIES = List.of("cascade", "baseline_retry", "baseline_trycatch");
    private static final List<String> MODELS = List.of("cascade/advanced", "cascade/cheap",
            "baseline_retry/advanced", "baseline_trycatch/advanced", "baseline_trycatch/cheap");

    @TempDir
    static Path dir;
    private static DemoResult result;
    private static Path json;
    private static String printed;

    @BeforeAll
    static void runScaledDownDemo() throws Exception {
        DemoConfig config = DemoConfig.standard()
                .withPhases(500, 1500, 500, 500)
                .withConcurrency(8)
                .withBreakerOpenFor(Duration.ofMillis(300))
                .withBudget(BudgetSettings.standard().leaving("0.06", "0.05"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        result = OutageDemo.run(config, stream);
        ReportPrinter.printResults(result, stream);
        printed = out.toString(StandardCharsets.UTF_8);
        json = dir.resolve("nested/outage.json");
        ReportJson.write(result, json);
    }

    @Test
    void cascadeLosesNothingInAnyPhase() {
        StrategyStats cascade = result.strategies().get("cascade");
        for (Phase p : Phase.values()) {
            assertThat(cascade.phase(p).lost()).as("cascade lost in %s", p).isZero();
        }
    }

    @Test
    void everyRequestIsAnsweredOrLostExactlyOnce() {
        assertThat(result.strategies()).containsOnlyKeys(STRATEGIES);
        result.strategies().forEach((name, stats) -> {
            for (Phase p : Phase.values()) {
                PhaseStats s = stats.phase(p);
                long answered = s.answeredBy().values().stream().mapToLong(Long::longValue).sum();
                assertThat(answered + s.lost()).as("%s / %s", name, p).isEqualTo(s.requests());
                assertThat(s.latency().count()).as("%s / %s latencies", name, p).isEqualTo(s.requests());
            }
        });
    }

    @Test
    void everyStrategyWorkedThroughTheOutage() {
        result.strategies().forEach((name, stats) ->
                assertThat(stats.phase(Phase.OUTAGE).requests()).as("%s outage requests", name).isPositive());
    }

    /**
     * The storm comparison: the chain's model steps alone, without and with the last resort, on the same timeline.
     * Only counts that hold on any machine: how many last resorts happen depends on the random 429s.
     */
    @Test
    void theModelsOnlyVariantsRunSideBySideAndOnlyOneHasALastResort() throws Exception {
        assertThat(result.stormVariants()).extracting(StormComparison::name)
                .containsExactly(StormVariant.OFF, StormVariant.ON);
        StormComparison off = result.stormVariants().get(0);
        StormComparison on = result.stormVariants().get(1);
        assertThat(off.lastResorts()).as("lastResort(off) never tries once more").isZero();
        assertThat(on.answeredByLastResort()).isBetween(0L, on.lastResorts());
        for (StormComparison v : result.stormVariants()) {
            PhaseStats storm = v.stats().phase(Phase.RATE_LIMIT_STORM);
            assertThat(storm.requests()).as("%s storm requests", v.name()).isPositive();
            long answered = storm.answeredBy().values().stream().mapToLong(Long::longValue).sum();
            assertThat(answered + storm.lost()).as("%s storm", v.name()).isEqualTo(storm.requests());
        }
        Map<String, Object> variants = map(map(MiniJson.parse(Files.readString(json))).get("storm_models_only"));
        assertThat(variants).containsOnlyKeys(StormVariant.OFF, StormVariant.ON);
        assertThat(map(variants.get(StormVariant.ON))).containsKeys("storm_429", "all_phases", "last_resorts",
                "answered_by_last_resort");
        assertThat(printed).contains("side by side").contains(StormVariant.ON);
    }

    @Test
    void reviewQueueHoldsExactlyTheRequestsHandedToHumans() {
        long human = result.strategies().get("cascade").total().answeredBy(CascadeStrategy.HUMAN_REVIEW);
        assertThat((long) result.reviewItems()).isEqualTo(human);
    }

    @Test
    void retryBaselineLosesRequestsWhileTheAdvancedModelIsDown() {
        assertThat(result.strategies().get("baseline_retry").phase(Phase.OUTAGE).lost()).isPositive();
        assertThat(result.models().get("baseline_retry/advanced").phase(Phase.OUTAGE).timeouts()).isPositive();
    }

    @Test
    void jsonReportHasEveryRequiredKey() throws Exception {
        assertThat(json).exists();
        Map<String, Object> root = map(MiniJson.parse(Files.readString(json)));
        assertThat(root).containsKeys("config", "strategies", "models", "targets");

        Map<String, Object> strategies = map(root.get("strategies"));
        assertThat(strategies).containsKeys(STRATEGIES.toArray(String[]::new));
        for (String name : STRATEGIES) {
            Map<String, Object> phases = map(strategies.get(name));
            for (Phase p : Phase.values()) {
                Map<String, Object> phase = map(phases.get(p.key()));
                assertThat(phase).as("%s / %s", name, p.key())
                        .containsKeys("requests", "answered_by", "lost", "p50_ms", "p99_ms", "cost_usd");
                if (name.equals("cascade")) {
                    assertThat(phase).as("%s / %s", name, p.key())
                            .containsKeys("over_budget_skips", "over_budget_skips_by_step", "budget_left_usd");
                    assertThat((BigDecimal) phase.get("budget_left_usd")).isNotNegative();
                } else {
                    assertThat(phase).as("%s / %s", name, p.key()).doesNotContainKey("over_budget_skips");
                }
                BigDecimal requests = (BigDecimal) phase.get("requests");
                BigDecimal answered = map(phase.get("answered_by")).values().stream()
                        .map(BigDecimal.class::cast).reduce(BigDecimal.ZERO, BigDecimal::add);
                assertThat(answered.add((BigDecimal) phase.get("lost"))).isEqualByComparingTo(requests);
                assertThat((BigDecimal) phase.get("cost_usd")).isNotNegative();
            }
        }
        assertThat(map(map(strategies.get("cascade")).get("outage")).get("answered_by"))
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsKeys("advanced", "cheap", "rules", "human_review");

        Map<String, Object> models = map(root.get("models"));
        assertThat(models).containsKeys(MODELS.toArray(String[]::new));
        for (String id : MODELS) {
            for (Phase p : Phase.values()) {
                assertThat(map(map(models.get(id)).get(p.key()))).as("%s / %s", id, p.key())
                        .containsKeys("p50_ms", "p99_ms", "calls");
            }
        }
        assertThat(map(root.get("targets"))).isNotEmpty();
    }

    @Test
    void printedReportShowsEveryPhaseAndAVerdictPerTarget() {
        for (Phase p : Phase.values()) {
            assertThat(printed).contains(p.key());
        }
        long verdicts = printed.lines().filter(l -> l.startsWith("  PASS  ") || l.startsWith("  FAIL  ")).count();
        assertThat(verdicts).isEqualTo(result.targets().size());
    }

    @Test
    void costsAreExactSumsOfTokenPricesRoundedUpPerCall() {
        assertThat(ModelPrice.ADVANCED.costNanoUsd(Usage.of(1_000_000, 1_000_000))).isEqualTo(12_500_000_000L);
        assertThat(ModelPrice.CHEAP.costNanoUsd(Usage.of(1_000_000, 1_000_000))).isEqualTo(750_000_000L);
        assertThat(ModelPrice.ADVANCED.billed(Usage.of(1_000_000, 1_000_000))).isEqualTo(Money.usd("12.50"));
        // 3 x $0.15 + 7 x $0.60 per 1M = $0.00000465, billed as the next micro-dollar.
        assertThat(ModelPrice.CHEAP.costNanoUsd(Usage.of(3, 7))).isEqualTo(4_650L);
        assertThat(ModelPrice.CHEAP.billed(Usage.of(3, 7))).isEqualTo(Money.usd("0.000005"));
        assertThat(ModelPrice.CHEAP.billed(Usage.NONE)).isEqualTo(Money.ZERO);
    }

    @Test
    void theDemoPriceListAndTheBudgetPricingBillAlike() {
        for (ModelPrice price : List.of(ModelPrice.ADVANCED, ModelPrice.CHEAP)) {
            dev.cascade.api.Pricing budgetPricing = price.budgetPricing();
            for (long in = 0; in < 400; in += 7) {
                for (long out = 0; out < 300; out += 13) {
                    Usage u = Usage.of(in, out);
                    assertThat(price.billed(u)).as("%s %s", price.model(), u).isEqualTo(budgetPricing.cost(u));
                }
            }
        }
    }

    @Test
    void budgetIsNeverOverspentAndRecoveryDegradesInsteadOfFailing() {
        BudgetReport b = result.budget();
        assertThat(b.spent()).isLessThanOrEqualTo(b.limit());
        assertThat(b.openReservations()).isZero();
        assertThat(b.earlierTraffic().isPositive()).as("earlier traffic simulated").isTrue();
        // Healthy and outage are never limited: the run spends far less than the limit before recovery. (A storm-phase
        // request may still be retrying its 429 when recovery starts and the budget runs low, so the storm is not
        // asserted: a request counts in the phase it started in.)
        StrategyStats cascade = result.strategies().get("cascade");
        for (Phase p : List.of(Phase.HEALTHY, Phase.OUTAGE)) {
            assertThat(cascade.phase(p).overBudgetSkips()).as("skips in %s", p).isZero();
        }
        PhaseStats recovery = cascade.phase(Phase.RECOVERY);
        assertThat(recovery.overBudgetSkips()).isPositive();
        assertThat(recovery.overBudgetSkipsByStep()).containsKey(CascadeStrategy.ADVANCED);
        assertThat(recovery.lost()).isZero();
        // The $0.05 kept for the cheaper steps covers every cheap call a 0.5 s phase can make: cheap answers.
        assertThat(recovery.answeredBy(CascadeStrategy.CHEAP)).isPositive();
        assertThat(recovery.overBudgetSkipsByStep()).containsOnlyKeys(CascadeStrategy.ADVANCED);
        assertThat(b.leftAt(Phase.RECOVERY)).isLessThanOrEqualTo(b.leftForRecovery());
        assertThat(result.targets()).filteredOn(t -> t.key().equals("cascade_budget"))
                .singleElement().satisfies(t -> assertThat(t.passed()).as(t.detail()).isTrue());
    }

    @Test
    void cascadeCostIsTheSumOfOutcomeCostsAndMatchesThePriceListAndTheLedger() {
        BudgetReport b = result.budget();
        Money tableCost = result.strategies().get("cascade").total().cost();
        assertThat(b.requests()).isEqualTo(result.strategies().get("cascade").total().requests());
        assertThat(tableCost).isEqualTo(b.outcomeCost());
        assertThat(b.costMismatches()).isZero();
        assertThat(b.outcomeCost()).isEqualTo(b.priceListCost());
        assertThat(b.outcomeCost()).isEqualTo(b.spent().minus(b.earlierTraffic()));
        assertThat(b.outcomeCost().isPositive()).isTrue();
        assertThat(b.costsAgree()).isTrue();
    }

    @Test
    void jsonReportHasTheBudget() throws Exception {
        Map<String, Object> root = map(MiniJson.parse(Files.readString(json)));
        assertThat(root).containsKeys("budget_limit_usd", "budget_spent_usd", "budget");
        BigDecimal limit = (BigDecimal) root.get("budget_limit_usd");
        BigDecimal spent = (BigDecimal) root.get("budget_spent_usd");
        assertThat(limit).isEqualByComparingTo("100.00");
        assertThat(spent).isLessThanOrEqualTo(limit).isEqualByComparingTo(result.budget().spent().toUsd());
        Map<String, Object> budget = map(root.get("budget"));
        assertThat(budget).containsKeys("account", "simulated_earlier_traffic_usd", "spent_by_run_usd",
                "open_reservations", "cost_check");
        assertThat(map(budget.get("cost_check")).get("agree")).isEqualTo(true);
        Map<String, Object> recovery = map(map(map(root.get("strategies")).get("cascade")).get("recovery"));
        assertThat((BigDecimal) recovery.get("over_budget_skips")).isPositive();
        assertThat((BigDecimal) recovery.get("lost")).isZero();
        assertThat(map(root.get("targets"))).containsKey("cascade_budget");
    }

    @Test
    void printedReportTellsTheBudgetStory() {
        assertThat(printed).contains("at the start of the recovery phase, the day's earlier traffic is simulated as"
                + " having spent $X of the $100.00 daily budget");
        assertThat(printed).contains("at the start of the recovery phase, the day's earlier traffic is simulated as"
                + " having spent " + Usd.text(result.budget().earlierTraffic()) + " of the $100.00 daily budget");
        assertThat(printed).contains("over-budget", "OVER_BUDGET skips", "daily limit left at phase end",
                "cost check: sum of Outcome.cost()",
                "budget: Cascade never spends past the daily limit and degrades instead of failing");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
