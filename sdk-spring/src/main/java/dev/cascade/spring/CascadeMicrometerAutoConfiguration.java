package dev.cascade.spring;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import dev.cascade.spring.metrics.MicrometerMeterProvider;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Cascade's metrics in the application's Micrometer {@link MeterRegistry}: where a Spring Boot application looks for
 * them ({@code /actuator/metrics}, a Prometheus scrape, Boot's OTLP metrics export), instead of an OpenTelemetry SDK
 * meter provider that Boot does not set up. Applies when Micrometer is on the classpath, the application has a
 * {@code MeterRegistry} bean and {@code cascade.telemetry.micrometer} is not false. Spans are untouched: they go
 * through the application's OpenTelemetry, so they join the request's trace (Micrometer Tracing's OpenTelemetry bridge
 * makes the server span current in OpenTelemetry's context, where Cascade finds its parent).
 */
@AutoConfiguration(before = CascadeAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "cascade.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "cascade.telemetry.micrometer", matchIfMissing = true)
public class CascadeMicrometerAutoConfiguration {

    /** Cascade's OpenTelemetry instruments, recorded into {@code registry}. */
    @Bean
    CascadeMeters cascadeMicrometerMeters(MeterRegistry registry) {
        return new CascadeMeters(new MicrometerMeterProvider(registry));
    }

    /**
     * Reads the gauges' callbacks once every singleton exists, so the chains' breakers and review queues are in the
     * registry before the first scrape.
     */
    @Bean
    static SmartInitializingSingleton cascadeMicrometerGaugeRefresh(
            org.springframework.beans.factory.ObjectProvider<CascadeMeters> meters) {
        return () -> meters.ifAvailable(m -> ((MicrometerMeterProvider) m.meterProvider()).refresh());
    }
}
