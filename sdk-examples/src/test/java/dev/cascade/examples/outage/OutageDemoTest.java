package dev.cascade.examples.outage;

import dev.cascade.Usage;
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
 * Runs a scaled-down outage demo once (short phases, 8 workers per strategy) and checks what must hold on any
 * machine, however slow or busy: no timing assertions, only counts and the shape of the report.
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
                .withBreakerOpenFor(Duration.ofMillis(300));
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
    void costsAreExactSumsOfTokenPrices() {
        assertThat(Pricing.ADVANCED.costNanoUsd(Usage.of(1_000_000, 1_000_000)))
                .isEqualTo(12_500_000_000L);
        assertThat(Pricing.CHEAP.costNanoUsd(Usage.of(1_000_000, 1_000_000)))
                .isEqualTo(750_000_000L);
        assertThat(Pricing.usd(Pricing.CHEAP.costNanoUsd(Usage.of(3, 7))))
                .isEqualByComparingTo("0.00000465");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
