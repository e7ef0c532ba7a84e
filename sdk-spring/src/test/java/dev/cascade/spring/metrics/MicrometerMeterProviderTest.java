package dev.cascade.spring.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;

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
        // The declared keys a recording lacks are tagged "none" (between cascade_step and le, in key order).
        assertThat(scrape).containsPattern(
                        "gen_ai_client_operation_duration_seconds_bucket\\{[^}]*cascade_step=\"cheap\",[^}]*le=\"1.0\"} 1")
                .containsPattern(
                        "gen_ai_client_operation_duration_seconds_bucket\\{[^}]*cascade_step=\"cheap\",[^}]*le=\"0.1\"} 0")
                .containsPattern("gen_ai_client_token_usage_bucket\\{[^}]*cascade_step=\"cheap\",[^}]*le=\"256.0\"} 1");
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

    @Test
    void aFailedAndASuccessfulCallBothShowInThePrometheusScrape() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerMeterProvider bridge = new MicrometerMeterProvider(prometheus);
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", model("gpt-4o", null))
                .model("cheap", model("gpt-4o-mini", "cheap answer"))
                .openTelemetry(withMeters(bridge))
                .build();
        assertThat(chain.execute("printer on fire").answeredBy()).contains("cheap");

        String scrape = prometheus.scrape();
        assertThat(durationSeries(scrape)).as(scrape).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("cascade_step=\"advanced\"", "error_type=\"UNAVAILABLE\""))
                .anySatisfy(l -> assertThat(l).contains("cascade_step=\"cheap\"", "error_type=\"none\"",
                        "gen_ai_response_model=\"gpt-4o-mini\""));
    }

    private static List<String> durationSeries(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("gen_ai_client_operation_duration_seconds_count{")).toList();
    }

    @Test
    void absentDeclaredKeysAreTaggedNoneAndOtherNamesAreLeftAsTheyAre() {
        meter.histogramBuilder("cascade.execution.duration").setUnit("s").build()
                .record(1, Attributes.of(AttributeKey.stringKey("cascade.chain"), "triage"));
        assertThat(registry.get("cascade.execution.duration").timer().getId().getTags())
                .extracting(io.micrometer.core.instrument.Tag::getKey, io.micrometer.core.instrument.Tag::getValue)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("cascade.chain", "triage"),
                        org.assertj.core.groups.Tuple.tuple("cascade.answered_by", "none"),
                        org.assertj.core.groups.Tuple.tuple("cascade.outcome", "none"),
                        org.assertj.core.groups.Tuple.tuple("gen_ai.prompt.name", "none"));
        meter.counterBuilder("app.requests").build().add(1, Attributes.of(STEP, "x"));
        assertThat(registry.get("app.requests").counter().getId().getTags()).hasSize(1);
    }

    @Test
    void eachInstrumentKeepsAtMostMaxSeriesAttributeSetsAndCountsTheDroppedMeasurements() {
        LongCounter c = meter.counterBuilder("cascade.fallbacks").build();
        io.opentelemetry.api.metrics.DoubleHistogram h = meter.histogramBuilder("cascade.execution.duration")
                .setUnit("s").build();
        for (int i = 0; i < MicrometerMeterProvider.MAX_SERIES + 5; i++) {
            c.add(1, Attributes.of(STEP, "s" + i));
            h.record(1, Attributes.of(STEP, "s" + i));
        }
        c.add(1, Attributes.of(STEP, "s0"));
        assertThat(registry.find("cascade.fallbacks").counters()).hasSize(MicrometerMeterProvider.MAX_SERIES);
        assertThat(registry.find("cascade.execution.duration").timers()).hasSize(MicrometerMeterProvider.MAX_SERIES);
        assertThat(registry.get("cascade.fallbacks").tag("cascade.step", "s0").counter().count())
                .as("series kept go on counting").isEqualTo(2.0);
        assertThat(provider.droppedMeasurements()).isEqualTo(10);

        Map<String, Long> many = new ConcurrentHashMap<>();
        for (int i = 0; i < MicrometerMeterProvider.MAX_SERIES + 1; i++) {
            many.put("s" + i, 1L);
        }
        meter.gaugeBuilder("cascade.circuit.state").ofLongs()
                .buildWithCallback(m -> many.forEach((step, v) -> m.record(v, Attributes.of(STEP, step))));
        assertThat(registry.find("cascade.circuit.state").gauges()).hasSize(MicrometerMeterProvider.MAX_SERIES);
    }

    @Test
    void closingAGaugeRemovesItsOwnSeriesOnlyNotAnotherGaugesOfTheSameName() {
        ObservableLongGauge empty = meter.gaugeBuilder("app.gauge").ofLongs()
                .buildWithCallback(m -> m.record(1, Attributes.empty()));
        meter.gaugeBuilder("app.gauge").ofLongs().buildWithCallback(m -> m.record(2, Attributes.of(STEP, "cheap")));
        assertThat(registry.find("app.gauge").gauges()).hasSize(2);
        empty.close();
        assertThat(registry.find("app.gauge").gauges()).singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("cascade.step")).isEqualTo("cheap"));
    }

    private static ModelClient model(String name, String answer) {
        return new ModelClient() {
            @Override
            public ModelResponse call(ModelRequest request) throws ModelCallException {
                if (answer == null) {
                    throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
                }
                return new ModelResponse(answer, Usage.of(100, 20), "stop", name);
            }

            @Override
            public String provider() {
                return "openai";
            }

            @Override
            public String model() {
                return name;
            }
        };
    }

    private static OpenTelemetry withMeters(MeterProvider meters) {
        return new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
                return TracerProvider.noop();
            }

            @Override
            public MeterProvider getMeterProvider() {
                return meters;
            }

            @Override
            public ContextPropagators getPropagators() {
                return ContextPropagators.noop();
            }
        };
    }
}
