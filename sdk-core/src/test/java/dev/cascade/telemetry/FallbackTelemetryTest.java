package dev.cascade.telemetry;

import dev.cascade.Cascade;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.ModelCallException;
import dev.cascade.testing.VirtualTime;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static dev.cascade.telemetry.CascadeAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step that fails and whose retry never runs has fallen back: the root's {@code cascade.fallback} event and the
 * {@code cascade.fallbacks} counter say so, with the failure's kind, and no span names a retry delay for a retry that
 * did not happen. One spelling for a rules step's pass in the event and the metric.
 */
class FallbackTelemetryTest {

    private final VirtualTime time = new VirtualTime();
    private InMemoryMetricReader metrics;
    private InMemorySpanExporter spans;
    private OpenTelemetrySdk sdk;

    @BeforeEach
    void setUp() {
        metrics = InMemoryMetricReader.create();
        spans = InMemorySpanExporter.create();
        sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .build();
    }

    @AfterEach
    void tearDown() {
        sdk.close();
    }

    private static FakeModel cheapUp() {
        return FakeModel.answering("openai", "gpt-4o-mini",
                new ModelResponse("cheap answer", Usage.of(20, 5), "stop", "gpt-4o-mini"));
    }

    /**
     * The outage demo's story: the advanced model times out, that failure opens its breaker, the chain goes to the
     * cheap model. The retry would knock on an open breaker, so it is not scheduled and not waited for; the timeout is
     * a fallback.
     */
    @Test
    void aFailureThatOpensTheBreakerIsAFallbackAndSchedulesNoRetry() {
        FakeModel advanced = FakeModel.failing("openai", "gpt-4o", FailureKind.TIMEOUT, "read timed out");
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-opens")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(CascadeRegistries.create(time))
                .model("advanced", advanced, s -> s
                        .retry(r -> r.maxAttempts(2).initialBackoff(Duration.ofMillis(100)))
                        .circuitBreaker(cb -> cb.slidingWindowSize(1).minimumCalls(1).failureRateThreshold(50)
                                .openFor(Duration.ofSeconds(30))))
                .model("cheap", cheapUp())
                .openTelemetry(sdk)
                .build();

        Outcome<String> out = chain.execute("printer on fire");

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(advanced.calls()).isEqualTo(1);
        assertThat(time.sleeps()).as("no wait for a retry the open breaker would refuse").isEmpty();
        assertThat(out.attempts().get(0).reason()).contains("opened").contains("not retried");
        assertFallback("triage-opens", "advanced", "TIMEOUT");
        assertThat(spans.getFinishedSpanItems()).filteredOn(sp -> sp.getAttributes().get(RETRY_DELAY_MS) != null)
                .as("no span names a delay for a retry that never ran").isEmpty();
    }

    /**
     * The retry was scheduled and waited for, but admission refused it (here the step's rate limiter; in the demo,
     * the breaker another execution opened meanwhile): the step fell back after its failure.
     */
    @Test
    void aRetryRefusedAtAdmissionIsAFallbackOfTheFailureBeforeIt() {
        FakeModel advanced = FakeModel.failing("openai", "gpt-4o", FailureKind.UNAVAILABLE, "503");
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-refused")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(CascadeRegistries.create(time))
                .model("advanced", advanced, s -> s
                        .retry(r -> r.maxAttempts(2).initialBackoff(Duration.ofMillis(100)))
                        .rateLimit(r -> r.permits(1).period(Duration.ofHours(1))))
                .model("cheap", cheapUp())
                .openTelemetry(sdk)
                .build();

        Outcome<String> out = chain.execute("printer on fire");

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(advanced.calls()).isEqualTo(1);
        assertThat(out.attempts().get(1).failure()).isEqualTo(FailureKind.NO_PERMIT);
        assertFallback("triage-refused", "advanced", "UNAVAILABLE");
        assertThat(spans.getFinishedSpanItems()).filteredOn(sp -> sp.getAttributes().get(RETRY_DELAY_MS) != null)
                .as("no span names a delay for a retry that never ran").isEmpty();
        assertThat(longPoints(METRIC_SKIPS)).singleElement()
                .satisfies(p -> assertThat(p.getAttributes().get(FAILURE_KIND)).isEqualTo("NO_PERMIT"));
    }

    /** A full bulkhead is recorded like every admission skip: the skip counter and the root's skip event carry its kind. */
    @Test
    void aFullBulkheadIsRecordedLikeEveryAdmissionSkip() {
        io.github.resilience4j.bulkhead.Bulkhead slots = io.github.resilience4j.bulkhead.Bulkhead.of("gpt-4o-slots",
                io.github.resilience4j.bulkhead.BulkheadConfig.custom().maxConcurrentCalls(1)
                        .maxWaitDuration(Duration.ZERO).build());
        assertThat(slots.tryAcquirePermission()).isTrue(); // someone else's call holds the only slot
        FakeModel advanced = FakeModel.answering("openai", "gpt-4o",
                new ModelResponse("big answer", Usage.of(20, 5), "stop", "gpt-4o"));
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-full")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .model("advanced", advanced, s -> s.bulkhead(slots))
                .model("cheap", cheapUp())
                .openTelemetry(sdk)
                .build();

        Outcome<String> out = chain.execute("printer on fire");

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(advanced.calls()).isZero();
        assertThat(longPoints(METRIC_SKIPS)).singleElement().satisfies(p -> {
            assertThat(p.getAttributes().get(FAILURE_KIND)).isEqualTo("BULKHEAD_FULL");
            assertThat(p.getAttributes().get(STEP)).isEqualTo("advanced");
        });
        assertThat(span("cascade triage-full").getEvents()).filteredOn(e -> e.getName().equals(EVENT_STEP_SKIPPED))
                .singleElement()
                .satisfies(e -> assertThat(e.getAttributes().asMap().values()).contains("BULKHEAD_FULL"));
    }

    /** A retry that runs carries the wait before it on its own span. */
    @Test
    void aRetryThatRunsNamesTheWaitBeforeIt() {
        FakeModel flaky = new FakeModel("openai", "gpt-4o", (r, n) -> {
            if (n == 1) {
                throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
            }
            return new ModelResponse("second try", Usage.of(10, 5), "stop", "gpt-4o");
        });
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-retried")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .jitter(() -> 0.5)
                .model("advanced", flaky, s -> s.retry(r -> r.maxAttempts(2).initialBackoff(Duration.ofMillis(100))))
                .openTelemetry(sdk)
                .build();

        assertThat(chain.execute("printer on fire").answeredBy()).contains("advanced");

        List<SpanData> attempts = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("chat gpt-4o")).toList();
        assertThat(attempts).extracting(s -> s.getAttributes().get(ATTEMPT)).containsExactly(1L, 2L);
        assertThat(attempts.get(0).getAttributes().get(RETRY_DELAY_MS)).isNull();
        assertThat(attempts.get(1).getAttributes().get(RETRY_DELAY_MS)).isEqualTo(100L);
        assertThat(longPoints(METRIC_FALLBACKS)).isEmpty();
    }

    /** A failed last-resort attempt is not a second fallback of the step that already fell back. */
    @Test
    void aFailedLastResortIsNotCountedAsAnotherFallback() {
        FakeModel cheap = new FakeModel("openai", "gpt-4o-mini", (r, n) -> {
            throw ModelCallException.rateLimited("429 Too Many Requests", Duration.ofSeconds(1));
        });
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-last")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .model("cheap", cheap)
                .deadline(Duration.ofSeconds(3))
                .openTelemetry(sdk)
                .build();

        Outcome<String> out = chain.execute("printer on fire");

        assertThat(out.status()).isEqualTo(Outcome.Status.UNANSWERED);
        assertThat(cheap.calls()).as("the step, then its last resort").isEqualTo(2);
        assertFallback("triage-last", "cheap", "RATE_LIMITED");
    }

    /** Issue 16 item 9: a rules step that passes was "passed" in the fallback event and "PASSED" in the metric. */
    @Test
    void aRulesPassIsSpelledTheSameInTheFallbackEventAndTheMetric() {
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-rules")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .rules("faq", RuleSet.<String, String>firstMatch()
                        .rule("password", t -> t.contains("password"), t -> "reset link").build())
                .model("cheap", cheapUp())
                .openTelemetry(sdk)
                .build();

        assertThat(chain.execute("printer on fire").answeredBy()).contains("cheap");

        SpanData root = span("cascade triage-rules");
        EventData fallback = root.getEvents().stream().filter(e -> e.getName().equals(EVENT_FALLBACK))
                .findFirst().orElseThrow();
        String inEvent = fallback.getAttributes().get(FAILURE_KIND);
        String inMetric = longPoints(METRIC_FALLBACKS).get(0).getAttributes().get(FAILURE_KIND);
        assertThat(inEvent).isEqualTo(inMetric).isEqualTo("PASSED");
    }

    // ---------------------------------------------------------------- helpers

    private void assertFallback(String chain, String step, String kind) {
        SpanData root = span("cascade " + chain);
        List<EventData> fallbacks = root.getEvents().stream().filter(e -> e.getName().equals(EVENT_FALLBACK))
                .toList();
        assertThat(fallbacks).as("cascade.fallback events on the root").singleElement().satisfies(e -> {
            assertThat(e.getAttributes().get(STEP)).isEqualTo(step);
            assertThat(e.getAttributes().get(FAILURE_KIND)).isEqualTo(kind);
        });
        assertThat(longPoints(METRIC_FALLBACKS)).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(1);
            assertThat(p.getAttributes()).isEqualTo(Attributes.of(CHAIN, chain, STEP, step, FAILURE_KIND, kind));
        });
    }

    private SpanData span(String name) {
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("one span named '%s' among %s", name,
                spans.getFinishedSpanItems().stream().map(SpanData::getName).toList()).hasSize(1);
        return found.get(0);
    }

    private List<LongPointData> longPoints(String name) {
        Collection<MetricData> all = metrics.collectAllMetrics();
        Optional<MetricData> m = all.stream().filter(d -> d.getName().equals(name)).findFirst();
        return m.map(d -> List.<LongPointData>copyOf(d.getLongSumData().getPoints())).orElseGet(ArrayList::new);
    }
}
