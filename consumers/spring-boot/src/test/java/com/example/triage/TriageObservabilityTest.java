package com.example.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Observability the Boot way, at the OpenTelemetry and Micrometer versions Boot manages: with
 * {@code spring-boot-starter-opentelemetry}, a request to the controller that calls the chain is one trace in which
 * Cascade's root span descends from the HTTP server span, and Cascade's metrics are under {@code /actuator/metrics}.
 * Spans go to an in-memory exporter bean (standing in for OTLP).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.otlp.metrics.export.enabled=false",
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=50ms"})
@AutoConfigureTracing
@AutoConfigureMetrics
@Import(TriageObservabilityTest.Exporter.class)
class TriageObservabilityTest {

    static final SimulatedOpenAi OPENAI = startOpenAi();
    static final String TICKET = "I was charged twice this month";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @LocalServerPort
    int port;

    @Autowired
    InMemorySpanExporter exporter;

    @DynamicPropertySource
    static void openAi(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.openai.base-url", OPENAI::baseUrl);
        registry.add("spring.ai.openai.api-key", () -> "sk-simulated");
    }

    @AfterAll
    static void stopOpenAi() {
        OPENAI.close();
    }

    @Test
    void chainSpansJoinTheRequestTraceAndCascadeMetricsAreInActuator() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url("/triage")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(TICKET)).build());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        AttributeKey<String> chain = AttributeKey.stringKey("cascade.chain");
        AttributeKey<String> outcome = AttributeKey.stringKey("cascade.outcome");
        SpanData root = await(() -> exporter.getFinishedSpanItems().stream()
                .filter(s -> "triage".equals(s.getAttributes().get(chain)) && s.getAttributes().get(outcome) != null)
                .findFirst());
        SpanData server = await(() -> exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getTraceId().equals(root.getTraceId()))
                .findFirst());
        assertThat(ancestors(root)).as("Cascade's root span descends from the request's server span")
                .contains(server.getSpanId());
        assertThat(exporter.getFinishedSpanItems()).as("the model attempt is a child of Cascade's root span")
                .anySatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(root.getSpanId()));
        assertThat(exporter.getFinishedSpanItems()).as("no ticket text in spans")
                .allSatisfy(s -> assertThat(s.getAttributes().toString()).doesNotContain(TICKET));

        HttpResponse<String> names = send(HttpRequest.newBuilder(url("/actuator/metrics")).GET().build());
        assertThat(names.statusCode()).isEqualTo(200);
        assertThat(names.body()).contains("\"cascade.executions\"", "\"gen_ai.client.operation.duration\"");
        HttpResponse<String> executions = send(HttpRequest.newBuilder(
                url("/actuator/metrics/cascade.executions?tag=cascade.chain:triage")).GET().build());
        assertThat(executions.statusCode()).isEqualTo(200);
        assertThat(executions.body()).contains("\"statistic\":\"COUNT\",\"value\":1.0");
    }

    /** The span ids of {@code span}'s ancestors among the exported spans, nearest first. */
    private List<String> ancestors(SpanData span) {
        Map<String, SpanData> byId = new HashMap<>();
        exporter.getFinishedSpanItems().forEach(s -> byId.put(s.getSpanId(), s));
        List<String> ids = new java.util.ArrayList<>();
        for (SpanData p = byId.get(span.getParentSpanId()); p != null; p = byId.get(p.getParentSpanId())) {
            ids.add(p.getSpanId());
        }
        return ids;
    }

    /** Polls, bounded: spans leave the batch processor on its own schedule. */
    private static SpanData await(java.util.function.Supplier<Optional<SpanData>> probe) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            Optional<SpanData> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20); // the polling interval of a bounded wait
        }
        throw new AssertionError("no such span within 30 s");
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static SimulatedOpenAi startOpenAi() {
        try {
            return SimulatedOpenAi.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the simulated OpenAI server", e);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Exporter {
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }
}
