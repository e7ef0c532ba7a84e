package dev.cascade.examples.outage;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import java.util.HashMap;
import java.util.Map;

/**
 * The demo's OpenTelemetry: the SDK, configured from the standard {@code OTEL_*} environment variables, when
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (e.g. to a local Jaeger); otherwise the API's no-op, so the demo runs
 * offline with no exporter. The SDK is the application's business: core only ever sees the API.
 */
final class DemoTelemetry implements AutoCloseable {
    private final OpenTelemetry openTelemetry;
    private final OpenTelemetrySdk sdk;

    private DemoTelemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
        this.openTelemetry = openTelemetry;
        this.sdk = sdk;
    }

    static DemoTelemetry fromEnvironment() {
        return from(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the variables from {@code env} (tests pass their own). */
    static DemoTelemetry from(Map<String, String> env) {
        String endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            return new DemoTelemetry(OpenTelemetry.noop(), null);
        }
        // Defaults only: the standard OTEL_* variables and otel.* system properties still win.
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.exporter.otlp.endpoint", endpoint);
        defaults.put("otel.exporter.otlp.protocol", env.getOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));
        defaults.put("otel.service.name", env.getOrDefault("OTEL_SERVICE_NAME", "cascade-demo"));
        // Metrics and logs are not what the demo is about; traces go to the OTLP endpoint.
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        System.out.println("  telemetry  exporting traces over OTLP to " + endpoint);
        return new DemoTelemetry(sdk, sdk);
    }

    OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** Flushes and stops the exporter, so the last spans reach the collector before the JVM exits. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
    }
}
