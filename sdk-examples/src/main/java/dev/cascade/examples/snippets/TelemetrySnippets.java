package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import io.opentelemetry.api.OpenTelemetry;

/** Snippets of docs/telemetry.md. Compiled, never run. */
final class TelemetrySnippets {
    private TelemetrySnippets() {
    }

    static Cascade<String, String> chain(OpenTelemetry openTelemetry) {
        // tag::telemetry[]
        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                // ...steps...
                .openTelemetry(openTelemetry)   // your SDK, or GlobalOpenTelemetry.get()
                .build();
        // end::telemetry[]
        return triage;
    }
}
