package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import dev.cascade.telemetry.CascadeAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;

/**
 * {@code cascade.chains.<name>.last-resort.*} configures the chain's last resort (issue 16 item 3), and the starter's
 * chains emit {@code cascade.review.queue.depth} for their human-review step's store (item 10).
 */
class LastResortAndReviewDepthPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withUserConfiguration(Models.class);

    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        TestModel gpt() {
            return TestModel.failing("gpt-4o", FailureKind.UNAVAILABLE);
        }
    }

    @Test
    void lastResortPropertiesReachTheChain() {
        runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.last-resort.max-wait=3s",
                "cascade.chains.triage.last-resort.probe-open-breakers=2").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Cascade<?, ?> chain = ctx.getBean(CascadeChains.class).get("triage");
                    assertThat(chain.describe().steps().get(0).policies()).containsEntry("lastResort",
                            "lastResort(waitForRetryAfter<=PT3S, probeOpenBreakers=2.0/s)");
                });
        runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.last-resort.wait-for-retry-after=false").run(ctx ->
                assertThat(ctx.getBean(CascadeChains.class).get("triage").describe().steps().get(0).policies())
                        .containsEntry("lastResort", "lastResort(off)"));
    }

    @Test
    void aBadProbeRateNamesTheProperty() {
        runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.last-resort.probe-open-breakers=-1").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    FailureAnalysis a = new CascadeFailureAnalyzer().analyze(ctx.getStartupFailure());
                    assertThat(a).isNotNull();
                    assertThat(a.getDescription()).contains("cascade.chains.triage.last-resort.probe-open-breakers")
                            .contains("was -1.0");
                });
    }

    @Test
    void theReviewQueueDepthIsEmittedForYamlChains() {
        InMemoryMetricReader metrics = InMemoryMetricReader.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
        try (sdk) {
            runner.withBean(OpenTelemetry.class, () -> sdk).withPropertyValues(
                    "cascade.chains.triage.steps[0].model=gpt",
                    "cascade.chains.triage.steps[1].human-review=true").run(ctx -> {
                        assertThat(ctx).hasNotFailed();
                        Cascade<String, String> chain = ctx.getBean(CascadeChains.class).get("triage");
                        assertThat(chain.execute("help").status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
                        MetricData depth = metrics.collectAllMetrics().stream()
                                .filter(m -> m.getName().equals(CascadeAttributes.METRIC_REVIEW_DEPTH)).findFirst()
                                .orElseThrow(() -> new AssertionError("cascade.review.queue.depth not emitted"));
                        assertThat(depth.getLongGaugeData().getPoints()).singleElement().satisfies(p -> {
                            assertThat(p.getValue()).isEqualTo(1);
                            assertThat(p.getAttributes().get(CascadeAttributes.REVIEW_QUEUE))
                                    .isEqualTo("human-review");
                        });
                    });
        }
    }
}
