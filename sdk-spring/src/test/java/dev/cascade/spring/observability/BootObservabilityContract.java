package dev.cascade.spring.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;

import static dev.cascade.telemetry.CascadeAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a Boot application must see, whichever way it set up tracing: a request to its controller, which calls a chain,
 * is one trace in which Cascade's root span is a child of the HTTP server span; Cascade's metrics are in the
 * application's {@link MeterRegistry} and under {@code /actuator/metrics}. Subclasses say how tracing is set up and
 * where the finished spans are.
 */
@TestPropertySource(properties = {
        // The chain: advanced (always UNAVAILABLE, no retry) then cheap.
        "cascade.chains.triage.system-prompt=Classify the ticket",
        "cascade.chains.triage.steps[0].name=advanced",
        "cascade.chains.triage.steps[0].model=advancedModel",
        "cascade.chains.triage.steps[0].retry.max-attempts=1",
        "cascade.chains.triage.steps[0].circuit-breaker.failure-rate-threshold=50",
        "cascade.chains.triage.steps[0].circuit-breaker.minimum-calls=10",
        "cascade.chains.triage.steps[1].name=cheap",
        "cascade.chains.triage.steps[1].model=cheapModel",
        "management.endpoints.web.exposure.include=health,metrics,prometheus",
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=50ms",
        "management.otlp.metrics.export.enabled=false",
        "spring.application.name=obs-test-app"})
abstract class BootObservabilityContract {
    static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    final HttpClient http = HttpClient.newHttpClient();

    /** The spans exported so far. */
    abstract List<SpanData> exportedSpans();

    @Test
    void chainSpansJoinTheRequestTraceAndMetricsReachTheMeterRegistry() throws Exception {
        HttpResponse<String> answer = post("/triage", "I want my money back");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("billing");

        SpanData root = await("Cascade's root span", () -> exportedSpans().stream()
                .filter(s -> s.getAttributes().get(EXECUTION_ID) != null && s.getAttributes().get(OUTCOME) != null)
                .findFirst());
        SpanData server = await("the HTTP server span of POST /triage", () -> exportedSpans().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getTraceId().equals(root.getTraceId()))
                .findFirst());
        assertThat(root.getAttributes().get(CHAIN)).isEqualTo("triage");
        assertThat(ancestors(root)).as("Cascade's root span descends from the request's server span")
                .contains(server.getName());
        List<SpanData> attempts = exportedSpans().stream()
                .filter(s -> s.getParentSpanId().equals(root.getSpanId())).toList();
        assertThat(attempts).extracting(s -> s.getAttributes().get(STEP)).containsExactlyInAnyOrder("advanced", "cheap");
        SpanData failed = attempts.stream().filter(s -> "advanced".equals(s.getAttributes().get(STEP))).findFirst()
                .orElseThrow();
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(ERROR_TYPE)).isEqualTo("UNAVAILABLE");
        assertThat(exportedSpans()).allSatisfy(s -> assertThat(s.getAttributes().toString())
                .doesNotContain("I want my money back"));

        assertThat(registry.get(METRIC_EXECUTIONS).tag(CHAIN.getKey(), "triage").tag(ANSWERED_BY.getKey(), "cheap")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get(METRIC_FALLBACKS).tag(STEP.getKey(), "advanced").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(METRIC_OPERATION_DURATION).tag(STEP.getKey(), "cheap").timer().count()).isEqualTo(1);
        assertThat(registry.get(METRIC_TOKEN_USAGE).tag(GEN_AI_TOKEN_TYPE.getKey(), "input").summary().totalAmount())
                .isEqualTo(120.0);
        assertThat(registry.get(METRIC_CIRCUIT_STATE).tag(STEP.getKey(), "advanced").gauge().value()).isEqualTo(0.0);

        HttpResponse<String> names = get("/actuator/metrics");
        assertThat(names.statusCode()).isEqualTo(200);
        assertThat(names.body()).contains("\"" + METRIC_EXECUTIONS + "\"", "\"" + METRIC_CIRCUIT_STATE + "\"",
                "\"" + METRIC_OPERATION_DURATION + "\"");
        HttpResponse<String> executions = get("/actuator/metrics/" + METRIC_EXECUTIONS + "?tag="
                + CHAIN.getKey() + ":triage");
        assertThat(executions.statusCode()).isEqualTo(200);
        assertThat(executions.body()).contains("\"statistic\":\"COUNT\",\"value\":1.0");
    }

    /** The names of {@code span}'s ancestors among the exported spans, nearest first. */
    List<String> ancestors(SpanData span) {
        java.util.Map<String, SpanData> byId = new java.util.HashMap<>();
        exportedSpans().forEach(s -> byId.put(s.getSpanId(), s));
        List<String> names = new java.util.ArrayList<>();
        for (SpanData p = byId.get(span.getParentSpanId()); p != null; p = byId.get(p.getParentSpanId())) {
            names.add(p.getName());
        }
        return names;
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls (bounded) until {@code probe} finds something: spans leave a batch processor on its own schedule. */
    static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.onSpinWait();
            Thread.sleep(20); // polling interval of a bounded wait, not a synchronisation guess
        }
        throw new AssertionError("no " + what + " within " + WAIT);
    }
}
