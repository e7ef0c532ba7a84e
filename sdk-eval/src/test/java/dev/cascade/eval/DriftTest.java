package dev.cascade.eval;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Usage;
import dev.cascade.event.Anomaly;
import dev.cascade.spi.CascadeListener;
import dev.cascade.testing.VirtualTime;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drift checks and continuous validation: a degraded run raises anomalies and a metric, a stable one does not. */
class DriftTest {
    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime();
    /** What the simulated model answers (mutable: tests degrade it between runs). */
    private final Map<String, String> labels = new HashMap<>(Fixtures.RIGHT);
    private final AtomicReference<Usage> usage = new AtomicReference<>(Fixtures.CALL);
    private final List<Anomaly> anomalies = new CopyOnWriteArrayList<>();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();

    private Cascade<String, String> chain() {
        return Cascade.<String, String>builder("triage")
                .timeSource(time)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", new dev.cascade.testing.ScriptedModel("gpt-4o").then(r -> new ModelResponse(
                        labels.get(r.user()), usage.get(), "stop", "gpt-4o")), s -> s.pricing(Fixtures.GPT_4O))
                .budget(Fixtures.budget(time))
                .build();
    }

    private ContinuousValidation validation(ValidationHistory history) {
        Evaluation<String, String> eval = Evaluation.<String, String>builder().input(EvalCase::input)
                .scorer(Scorers.exactLabel()).variant("advanced", chain()).timeSource(time).build();
        return ContinuousValidation.builder(() -> {
                    time.advance(Duration.ofDays(1));
                    return eval.run(Fixtures.tickets());
                })
                .history(history)
                .listener(new CascadeListener() {
                    @Override
                    public void onAnomaly(Anomaly event) {
                        anomalies.add(event);
                    }
                })
                .openTelemetry(OpenTelemetrySdk.builder()
                        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build())
                .build();
    }

    @Test
    void aStableRunRaisesNothing() {
        try (ContinuousValidation cv = validation(ValidationHistory.inMemory(10))) {
            cv.runOnce();
            ValidationRun second = cv.runOnce();

            assertThat(second.anomalies()).isEmpty();
            assertThat(anomalies).isEmpty();
            assertThat(cv.history().all()).hasSize(2);
            assertThat(anomalyCount()).isZero();
            assertThat(gauge(ContinuousValidation.ACCURACY)).isEqualTo(1.0);
            assertThat(gauge(ContinuousValidation.COST_PER_TRANSACTION)).isEqualTo(0.0035);
        }
    }

    @Test
    void aDegradedRunRaisesErrorRateAccuracyAndCostAnomalies() {
        try (ContinuousValidation cv = validation(ValidationHistory.inMemory(10))) {
            cv.runOnce();
            labels.put("where is my order", "billing");          // one case in four now wrong
            usage.set(Usage.of(1500, 100));                       // $0.00475 a call instead of $0.0035: +35.7%

            ValidationRun degraded = cv.runOnce();

            assertThat(degraded.anomalies()).extracting(Anomaly::watcher).containsExactly(DriftCheck.ERROR_RATE,
                    DriftCheck.ACCURACY, DriftCheck.COST);
            assertThat(anomalies).isEqualTo(degraded.anomalies());
            Anomaly error = degraded.anomalies().get(0);
            assertThat(error.subject()).isEqualTo("tickets/advanced");
            assertThat(error.value()).isEqualTo(0.25);
            assertThat(error.baseline()).isEqualTo(0.05);
            assertThat(error.message()).startsWith("error rate 25.0% is above the 5.0% threshold");
            Anomaly accuracy = degraded.anomalies().get(1);
            assertThat(accuracy.value()).isEqualTo(0.75);
            assertThat(accuracy.baseline()).isEqualTo(1.0);
            Anomaly cost = degraded.anomalies().get(2);
            assertThat(cost.value()).isEqualTo(0.00475);
            assertThat(cost.baseline()).isEqualTo(0.0035);
            assertThat(cost.message()).contains("$0.00475 is 35.7% above the reference $0.0035");
            assertThat(anomalyCount()).isEqualTo(3);
            assertThat(anomalyCount(DriftCheck.COST)).isEqualTo(1);
        }
    }

    @Test
    void theCostRuleComparesWithTheReferencePeriodsMean() {
        DriftCheck check = DriftCheck.builder().referencePeriod(Duration.ofDays(30)).build();
        Instant now = Instant.parse("2026-03-01T00:00:00Z");
        List<RunSummary> history = List.of(
                summary("old", now.minus(Duration.ofDays(45)), 1.0, "0.000100"),   // outside the period
                summary("a", now.minus(Duration.ofDays(20)), 1.0, "0.000200"),
                summary("b", now.minus(Duration.ofDays(10)), 1.0, "0.000300"));
        // Reference: mean of a and b = $0.00025; +15% is $0.0002875.
        assertThat(check.reference(summary("now", now, 1.0, "0.000287"), history)).extracting(RunSummary::runId)
                .containsExactly("a", "b");
        assertThat(check.check(summary("now", now, 1.0, "0.000287"), history)).isEmpty();
        assertThat(check.check(summary("now", now, 1.0, "0.000288"), history)).extracting(Anomaly::watcher)
                .containsExactly(DriftCheck.COST);
        // Nothing in the period: the latest earlier run is the reference.
        assertThat(check.reference(summary("later", now.plus(Duration.ofDays(60)), 1.0, "0.0003"), history))
                .extracting(RunSummary::runId).containsExactly("b");
        // No earlier run: only the absolute error rate is judged.
        assertThat(check.check(summary("first", now, 0.9, "9.0"), List.of())).extracting(Anomaly::watcher)
                .containsExactly(DriftCheck.ERROR_RATE);
    }

    @Test
    void thresholdsAreValidatedWithTheirNames() {
        assertThatThrownBy(() -> DriftCheck.builder().maxErrorRate(5)).hasMessage("maxErrorRate must be in [0, 1],"
                + " was 5.0");
        assertThatThrownBy(() -> DriftCheck.builder().maxCostIncrease(-0.1)).hasMessageContaining("maxCostIncrease");
        assertThatThrownBy(() -> DriftCheck.builder().referencePeriod(Duration.ZERO))
                .hasMessage("referencePeriod must be positive, was PT0S");
        assertThatThrownBy(() -> ContinuousValidation.builder(() -> null).interval(Duration.ofSeconds(-1)))
                .hasMessage("interval must be positive, was PT-1S");
    }

    @Test
    void aDirectoryHistoryKeepsRunsAcrossInstances() throws Exception {
        Path hist = dir.resolve("history");
        try (ContinuousValidation cv = validation(ValidationHistory.directory(hist))) {
            cv.runOnce();
        }
        labels.put("where is my order", "billing");
        try (ContinuousValidation cv = validation(ValidationHistory.directory(hist))) {
            ValidationRun run = cv.runOnce();
            assertThat(run.anomalies()).extracting(Anomaly::watcher).contains(DriftCheck.ACCURACY);
        }
        List<RunSummary> all = ValidationHistory.directory(hist).all();
        assertThat(all).hasSize(2);
        assertThat(all.get(0).accuracy()).isEqualTo(1.0);
        assertThat(all.get(1).accuracy()).isEqualTo(0.75);
        assertThat(all.get(0).costPerTransaction()).isEqualTo(Money.usd("0.0035"));
        try (var files = Files.list(hist)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).hasSize(2)
                    .allMatch(n -> n.startsWith("run-20260102T000000.") || n.startsWith("run-20260103T000000."));
        }
        Files.writeString(hist.resolve("run-zzz.json"), "{not json");
        assertThatThrownBy(() -> ValidationHistory.directory(hist).all())
                .hasMessageContaining("run-zzz.json: not a run summary file").hasMessageContaining("remove or fix it");
    }

    @Test
    void anEvaluationThatThrowsIsReportedAndTheScheduleGoesOn() throws Exception {
        CountDownLatch twoCalls = new CountDownLatch(2);
        try (ContinuousValidation cv = ContinuousValidation.builder(() -> {
                    twoCalls.countDown();
                    throw new IllegalStateException("data set missing");
                })
                .listener(new CascadeListener() {
                    @Override
                    public void onAnomaly(Anomaly event) {
                        anomalies.add(event);
                    }
                })
                .interval(Duration.ofMillis(5)).initialDelay(Duration.ZERO).build()) {
            cv.start();
            assertThat(cv.isRunning()).isTrue();
            assertThat(twoCalls.await(10, TimeUnit.SECONDS)).as("the schedule ran twice").isTrue();
        }
        assertThat(anomalies).isNotEmpty();
        assertThat(anomalies.get(0).watcher()).isEqualTo(ContinuousValidation.FAILED);
        assertThat(anomalies.get(0).message()).contains("IllegalStateException: data set missing");
    }

    @Test
    void aScheduledRunRecordsAndCallsBack() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Evaluation<String, String> eval = Evaluation.<String, String>builder().input(EvalCase::input)
                .scorer(Scorers.exactLabel()).variant("advanced", chain()).timeSource(time).build();
        try (ContinuousValidation cv = ContinuousValidation.builder(() -> eval.run(Fixtures.tickets()))
                .onRun(r -> ran.countDown()).interval(Duration.ofHours(1)).initialDelay(Duration.ZERO).build()) {
            cv.start();
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(cv.lastRun()).isPresent();
            assertThat(cv.lastRun().get().summaries()).extracting(RunSummary::variant).containsExactly("advanced");
        }
    }

    private static RunSummary summary(String id, Instant at, double accuracy, String cpt) {
        return new RunSummary(id, at, "d", "v", 100, accuracy, 1 - accuracy, Money.usd(cpt), 1, 0, 100);
    }

    private long anomalyCount() {
        return anomalyCount(null);
    }

    private long anomalyCount(String check) {
        return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(ContinuousValidation.ANOMALIES))
                .flatMap(m -> m.getLongSumData().getPoints().stream())
                .filter(p -> check == null || check.equals(p.getAttributes().get(ContinuousValidation.CHECK)))
                .mapToLong(LongPointData::getValue).sum();
    }

    private double gauge(String name) {
        MetricData m = metrics.collectAllMetrics().stream().filter(d -> d.getName().equals(name)).findFirst()
                .orElseThrow();
        return m.getDoubleGaugeData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(Attributes.of(ContinuousValidation.DATASET, "tickets",
                        ContinuousValidation.VARIANT, "advanced"))).findFirst().orElseThrow().getValue();
    }
}
