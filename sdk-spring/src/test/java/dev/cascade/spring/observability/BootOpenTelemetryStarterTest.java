package dev.cascade.spring.observability;

import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Setup 1: {@code spring-boot-starter-opentelemetry} (Boot 4). Boot builds the OpenTelemetry SDK bean and Micrometer
 * Tracing's OpenTelemetry bridge; the application only adds a span exporter bean (here in memory, standing in for
 * OTLP). Cascade must use Boot's OpenTelemetry for spans and the MeterRegistry for metrics.
 */
@SpringBootTest(classes = ObservabilityTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureTracing
@AutoConfigureMetrics
@Import(BootOpenTelemetryStarterTest.Exporter.class)
class BootOpenTelemetryStarterTest extends BootObservabilityContract {

    @Autowired
    InMemorySpanExporter exporter;

    @Override
    List<SpanData> exportedSpans() {
        return exporter.getFinishedSpanItems();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Exporter {
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }
}
