/**
 * Cascade's metrics in a Micrometer {@code MeterRegistry}: an OpenTelemetry {@code MeterProvider} that records to
 * Micrometer, used by the Spring Boot starter when the application has a {@code MeterRegistry} (Actuator).
 */
package dev.cascade.spring.metrics;
