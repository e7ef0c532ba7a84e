package dev.cascade.spring.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.ObservableLongGauge;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenTelemetry-to-Micrometer bridge on its own: each instrument kind, tags, units, buckets, late gauges. */
class MicrometerMeterProviderTest {
    private static final AttributeKey<String> STEP = AttributeKey.stringKey("cascade.step");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerMeterProvider provider = new MicrometerMeterProvider(registry);
    private final io.opentelemetry.api.metrics.Meter meter = provider.meterBuilder("dev.cascade")
            .setInstrumentationVersion("1").build();

    @Test
    void countersKeepNameAttributesAndIgnoreNegativeAdds() {
        LongCounter c = meter.counterBuilder("cascade.fallbacks").setUnit("{attempt}").build();
        c.add(2, Attributes.of(STEP, "advanced"));
        c.add(-5, Attributes.of(STEP, "advanced"));
        c.add(1, Attributes.of(STEP, "cheap"));
        assertThat(registry.get("cascade.fallbacks").tag("cascade.step", "advanced").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("cascade.fallbacks").tag("cascade.step", "cheap").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("cascade.fallbacks").tag("cascade.step", "cheap").counter().getId().getBaseUnit())
                .as("{annotation} units are not units").isNull();

        meter.counterBuilder("cascade.cost").ofDoubles().setUnit("USD").build().add(0.25, Attributes.empty());
        assertThat(registry.get("cascade.cost").counter().count()).isEqualTo(0.25);
        assertThat(registry.get("cascade.cost").counter().getId().getBaseUnit()).isEqualTo("usd");
    }

    @Test
    void histogramsInSecondsAreTimersWithTheAdvisedBuckets() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        io.opentelemetry.api.metrics.Meter m = new MicrometerMeterProvider(prometheus).get("dev.cascade");
        m.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0)).build()
                .record(0.5, Attributes.of(STEP, "cheap"));
        m.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setExplicitBucketBoundariesAdvice(List.of(16L, 256L)).build()
                .record(120, Attributes.of(STEP, "cheap"));
        assertThat(prometheus.get("gen_ai.client.operation.duration").timer().count()).isEqualTo(1);
        assertThat(prometheus.get("gen_ai.client.token.usage").summary().totalAmount()).isEqualTo(120.0);
        String scrape = prometheus.scrape();
        assertThat(scrape).contains("gen_ai_client_operation_duration_seconds_bucket{cascade_step=\"cheap\",le=\"1.0\"} 1",
                "gen_ai_client_operation_duration_seconds_bucket{cascade_step=\"cheap\",le=\"0.1\"} 0",
                "gen_ai_client_token_usage_bucket{cascade_step=\"cheap\",le=\"256.0\"} 1");
    }

    @Test
    void aGaugeSeriesThatAppearsLaterIsRegisteredOnTheNextReadOrRefreshAndCloseRemovesThem() {
        Map<String, Long> states = new ConcurrentHashMap<>();
        states.put("advanced", 0L);
        ObservableLongGauge gauge = meter.gaugeBuilder("cascade.circuit.state").ofLongs()
                .buildWithCallback(m -> states.forEach((step, v) -> m.record(v, Attributes.of(STEP, step))));
        assertThat(registry.get("cascade.circuit.state").tag("cascade.step", "advanced").gauge().value()).isZero();

        states.put("cheap", 1L);
        assertThat(registry.find("cascade.circuit.state").tag("cascade.step", "cheap").gauge()).isNull();
        provider.refresh();
        assertThat(registry.get("cascade.circuit.state").tag("cascade.step", "cheap").gauge().value()).isEqualTo(1.0);

        states.put("advanced", 1L);
        assertThat(registry.get("cascade.circuit.state").tag("cascade.step", "advanced").gauge().value())
                .as("read, not cached").isEqualTo(1.0);

        states.remove("cheap");
        assertThat(registry.get("cascade.circuit.state").tag("cascade.step", "cheap").gauge().value()).isNaN();

        gauge.close();
        assertThat(registry.find("cascade.circuit.state").meters()).isEmpty();
    }

    @Test
    void aThrowingCallbackReportsNothingAndBreaksNoRead() {
        meter.gaugeBuilder("cascade.budget.remaining").buildWithCallback(m -> {
            throw new IllegalStateException("ledger down");
        });
        provider.refresh();
        assertThat(registry.getMeters()).extracting(Meter::getId).extracting(Meter.Id::getName)
                .doesNotContain("cascade.budget.remaining");
    }
}
