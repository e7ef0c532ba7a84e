package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.config.LastResortSpec;
import dev.cascade.spi.ModelClient;
import dev.cascade.telemetry.CascadeTelemetry;
import io.opentelemetry.api.OpenTelemetry;

import java.time.Duration;

/** Compiled examples for the docs (engine and telemetry pages): the chain's last resort. Not run. */
final class LastResortSnippets {
    private LastResortSnippets() {
    }

    static Cascade<String, String> lastResort(ModelClient advanced, ModelClient cheap) {
        // tag::last-resort[]
        Cascade<String, String> chain = Cascade.<String, String>builder("support-triage")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s
                        .timeout(Duration.ofSeconds(8))
                        .circuitBreaker(cb -> cb.openFor(Duration.ofSeconds(30))))
                .model("cheap", cheap, s -> s.timeout(Duration.ofSeconds(4)))
                .deadline(Duration.ofSeconds(10))
                // When advanced and cheap have both failed or been skipped and the deadline has room:
                .lastResort(l -> l
                        .waitForRetryAfter(true)           // default: wait for the earliest Retry-After that fits ...
                        .maxWait(Duration.ofSeconds(3))    // ... but never longer than this (default 5 s)
                        .probeOpenBreakers(2))             // and let 2 executions/s try the open-breaker step (default 0)
                .build();
        // end::last-resort[]
        return chain;
    }

    static Cascade<String, String> lastResortOff(ModelClient cheap) {
        // tag::last-resort-off[]
        Cascade<String, String> chain = Cascade.<String, String>builder("fail-fast")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("cheap", cheap)
                .lastResort(LastResortSpec::off) // give up as soon as every step has
                .build();
        // end::last-resort-off[]
        return chain;
    }

    static void reviewDepth(OpenTelemetry otel, java.util.function.LongSupplier myQueueDepth) {
        // tag::review-depth-custom-queue[]
        CascadeTelemetry telemetry = CascadeTelemetry.create(otel);
        // In-memory and durable queues are registered by the chain itself; a queue of your own:
        telemetry.observeReviewQueue("support-desk", myQueueDepth);
        // end::review-depth-custom-queue[]
    }
}
