package dev.cascade.spring.observability;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import static dev.cascade.telemetry.CascadeAttributes.CHAIN;
import static dev.cascade.telemetry.CascadeAttributes.METRIC_EXECUTIONS;
import static dev.cascade.telemetry.CascadeAttributes.METRIC_OPERATION_DURATION;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Setup 2: Micrometer Tracing with the OpenTelemetry bridge ({@code micrometer-tracing-bridge-otel}) over the
 * application's own {@link OpenTelemetrySdk} bean, as applications that build their SDK themselves do; metrics
 * scraped by Prometheus. Boot's server observation records the request span through the bridge into that SDK;
 * Cascade's spans must land in the same trace, its metrics in the Prometheus scrape.
 */
@SpringBootTest(classes = ObservabilityTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureTracing
@AutoConfigureMetrics
@Import(MicrometerTracingBridgeTest.OwnSdk.class)
class MicrometerTracingBridgeTest extends BootObservabilityContract {

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @Autowired
    OpenTelemetry openTelemetry;

    @Override
    List<SpanData> exportedSpans() {
        return SPANS.getFinishedSpanItems();
    }

    @Test
    void theApplicationsOwnSdkIsTheOneInUseAndPrometheusScrapesCascadesMeters() throws Exception {
        assertThat(openTelemetry).isInstanceOf(OpenTelemetrySdk.class);
        assertThat(((OpenTelemetrySdk) openTelemetry).getSdkTracerProvider().toString())
                .contains("InMemorySpanExporter");
        assertThat(post("/triage", "refund please").statusCode()).isEqualTo(200);
        HttpResponse<String> scrape = get("/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        String executions = METRIC_EXECUTIONS.replace('.', '_') + "_total{";
        assertThat(scrape.body()).contains(executions, CHAIN.getKey().replace('.', '_') + "=\"triage\"",
                METRIC_OPERATION_DURATION.replace('.', '_') + "_seconds_bucket{");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class OwnSdk {
        @Bean(destroyMethod = "close")
        OpenTelemetrySdk openTelemetry() {
            return OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build();
        }
    }
}
