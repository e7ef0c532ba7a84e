package dev.cascade.spring;

import java.util.Objects;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;

/**
 * Where Cascade's metrics go when they should not go to the OpenTelemetry meter provider: a bean made by
 * {@link CascadeMicrometerAutoConfiguration}. Its own type (not {@link MeterProvider}) so that no other
 * auto-configuration that looks for a {@code MeterProvider} bean picks it up. Immutable.
 */
final class CascadeMeters {
    private final MeterProvider meterProvider;

    CascadeMeters(MeterProvider meterProvider) {
        this.meterProvider = Objects.requireNonNull(meterProvider, "meterProvider");
    }

    MeterProvider meterProvider() {
        return meterProvider;
    }

    /** {@code otel}'s tracing, propagators and logs, with this meter provider. */
    OpenTelemetry withMeters(OpenTelemetry otel) {
        return new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
                return otel.getTracerProvider();
            }

            @Override
            public MeterProvider getMeterProvider() {
                return meterProvider;
            }

            @Override
            public LoggerProvider getLogsBridge() {
                return otel.getLogsBridge();
            }

            @Override
            public ContextPropagators getPropagators() {
                return otel.getPropagators();
            }
        };
    }
}
