package dev.cascade.telemetry;

import dev.cascade.api.Money;
import dev.cascade.budget.Budget;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;
import dev.cascade.event.Anomaly;
import dev.cascade.event.BudgetAlert;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Collection;

import static dev.cascade.telemetry.CascadeAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Budget remaining as a gauge; anomalies and budget alerts as counters. */
class TelemetryBudgetMetricsTest {
    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    private final CascadeTelemetry telemetry = CascadeTelemetry.create(sdk);

    @AfterEach
    void close() {
        sdk.close();
    }

    private MetricData metric(String name) {
        Collection<MetricData> all = reader.collectAllMetrics();
        return all.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void budgetRemainingIsReadAtCollection() {
        Budget budget = Budget.builder().perDay("10.00").build();
        telemetry.observeBudget(budget, Scope.CHAIN, "triage", Window.DAY);
        budget.recordSpend(Scope.CHAIN, "triage", Window.DAY, Money.usd("2.50"));

        MetricData remaining = metric(METRIC_BUDGET_REMAINING);

        assertThat(remaining.getDoubleGaugeData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(7.5);
            assertThat(p.getAttributes().get(BUDGET_ACCOUNT)).isEqualTo("chain:triage|DAY");
        });
    }

    @Test
    void anomaliesAndBudgetAlertsAreCounted() {
        telemetry.onAnomaly(new Anomaly("error-rate", "triage/advanced", 0.2, 0.05, "error rate 20% > 5%"));
        telemetry.onAnomaly(new Anomaly("error-rate", "triage/advanced", 0.3, 0.05, "error rate 30% > 5%"));
        telemetry.onBudgetAlert(new BudgetAlert(BudgetAlert.Type.SOFT_LIMIT_CROSSED, "global|DAY|2026-11-28",
                Money.usd("5"), Money.usd("4"), "soft limit crossed"));

        assertThat(metric(METRIC_ANOMALIES).getLongSumData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(2);
            assertThat(p.getAttributes().get(WATCHER)).isEqualTo("error-rate");
            assertThat(p.getAttributes().get(SUBJECT)).isEqualTo("triage/advanced");
        });
        assertThat(metric(METRIC_BUDGET_ALERTS).getLongSumData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getAttributes().get(BUDGET_ALERT)).isEqualTo("SOFT_LIMIT_CROSSED"));
    }
}
