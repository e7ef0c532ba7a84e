package dev.cascade.telemetry;

import dev.cascade.Cascade;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.fixtures.MiniJson;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.spi.ModelCallException;
import dev.cascade.testing.VirtualTime;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
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
import java.util.Map;
import java.util.Optional;

import static dev.cascade.telemetry.CascadeAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Metrics through an in-memory reader, and opt-in content capture on spans. */
class TelemetryMetricsTest {
    /** gen_ai.client.token.usage bucket boundaries from the semantic conventions, as the SDK reports them. */
    private static final List<Double> TOKEN_BOUNDARIES = List.of(1d, 4d, 16d, 64d, 256d, 1024d, 4096d, 16384d,
            65536d, 262144d, 1048576d, 4194304d, 16777216d, 67108864d);
    /** gen_ai.client.operation.duration bucket boundaries (seconds) from the semantic conventions. */
    private static final List<Double> DURATION_BOUNDARIES = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64,
            1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

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
        try {
            everyMetricCarriesOnlyItsDeclaredAttributeKeys();
        } finally {
            sdk.close();
        }
    }

    /** METRIC_ATTRIBUTE_KEYS (what the Micrometer bridge fills in) covers every key each test recorded. */
    private void everyMetricCarriesOnlyItsDeclaredAttributeKeys() {
        for (MetricData m : metrics.collectAllMetrics()) {
            List<AttributeKey<?>> declared = METRIC_ATTRIBUTE_KEYS.get(m.getName());
            assertThat(declared).as("declared keys of %s", m.getName()).isNotNull();
            m.getData().getPoints().forEach(p -> assertThat(declared).as("declared keys of %s", m.getName())
                    .containsAll(p.getAttributes().asMap().keySet()));
        }
    }

    private static FakeModel advancedDown() {
        return FakeModel.failing("openai", "gpt-4o", FailureKind.UNAVAILABLE, "503");
    }

    private static FakeModel cheapUp() {
        return FakeModel.answering("openai", "gpt-4o-mini",
                new ModelResponse("cheap answer", Usage.of(212, 57), "stop", "gpt-4o-mini-2024-07-18"));
    }

    @Test
    void aFallbackExecutionRecordsSemconvHistogramsAndCascadeCounters() {
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", advancedDown())
                .model("cheap", cheapUp())
                .openTelemetry(sdk)
                .build();
        assertThat(chain.execute("printer on fire").answeredBy()).contains("cheap");
        Collection<MetricData> all = metrics.collectAllMetrics();

        MetricData tokens = metric(all, METRIC_TOKEN_USAGE);
        assertThat(tokens.getType()).isEqualTo(MetricDataType.HISTOGRAM);
        assertThat(tokens.getUnit()).isEqualTo("{token}");
        Collection<HistogramPointData> tokenPoints = tokens.getHistogramData().getPoints();
        assertThat(tokenPoints).hasSize(2).allSatisfy(p -> {
            assertThat(p.getBoundaries()).isEqualTo(TOKEN_BOUNDARIES);
            assertThat(p.getCount()).isEqualTo(1);
            assertThat(p.getAttributes().get(GEN_AI_OPERATION_NAME)).isEqualTo("chat");
            assertThat(p.getAttributes().get(GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
            assertThat(p.getAttributes().get(GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
            assertThat(p.getAttributes().get(GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-4o-mini-2024-07-18");
        });
        assertThat(histogramPoint(tokenPoints, GEN_AI_TOKEN_TYPE, "input").getSum()).isEqualTo(212.0);
        assertThat(histogramPoint(tokenPoints, GEN_AI_TOKEN_TYPE, "output").getSum()).isEqualTo(57.0);

        MetricData duration = metric(all, METRIC_OPERATION_DURATION);
        assertThat(duration.getType()).isEqualTo(MetricDataType.HISTOGRAM);
        assertThat(duration.getUnit()).isEqualTo("s");
        Collection<HistogramPointData> durationPoints = duration.getHistogramData().getPoints();
        assertThat(durationPoints).hasSize(2).allSatisfy(p -> {
            assertThat(p.getBoundaries()).isEqualTo(DURATION_BOUNDARIES);
            assertThat(p.getCount()).isEqualTo(1);
        });
        HistogramPointData failedCall = histogramPoint(durationPoints, ERROR_TYPE, "UNAVAILABLE");
        assertThat(failedCall.getAttributes().get(GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o");
        assertThat(durationPoints).filteredOn(p -> p.getAttributes().get(ERROR_TYPE) == null).singleElement()
                .satisfies(p -> assertThat(p.getAttributes().get(GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o-mini"));

        MetricData executions = metric(all, METRIC_EXECUTIONS);
        assertThat(executions.getType()).isEqualTo(MetricDataType.LONG_SUM);
        assertThat(executions.getLongSumData().isMonotonic()).isTrue();
        assertThat(executions.getLongSumData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(1);
            assertThat(p.getAttributes().get(ANSWERED_BY)).isEqualTo("cheap");
            assertThat(p.getAttributes().get(OUTCOME)).isEqualTo("answered");
            assertThat(p.getAttributes().get(CHAIN)).isEqualTo("triage");
        });

        MetricData fallbacks = metric(all, METRIC_FALLBACKS);
        assertThat(fallbacks.getLongSumData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(1);
            assertThat(p.getAttributes().get(FAILURE_KIND)).isEqualTo("UNAVAILABLE");
            assertThat(p.getAttributes().get(STEP)).isEqualTo("advanced");
        });

        assertThat(longPoints(all, METRIC_SKIPS)).isEmpty();
    }

    @Test
    void skipsAreCountedAndTheCircuitGaugeReportsOpenAfterTheBreakerOpens() {
        VirtualTime time = new VirtualTime();
        CascadeRegistries registries = CascadeRegistries.create(time);
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-breaker")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(registries)
                .model("advanced", advancedDown(), s -> s.circuitBreaker(cb -> cb.slidingWindowSize(2)
                        .minimumCalls(2).failureRateThreshold(50).openFor(Duration.ofMinutes(1))))
                .model("cheap", cheapUp())
                .openTelemetry(sdk)
                .build();

        chain.execute("one");
        chain.execute("two");
        assertThat(registries.circuitBreaker("openai/gpt-4o").orElseThrow().getState())
                .isEqualTo(CircuitBreaker.State.OPEN);
        Outcome<String> third = chain.execute("three");
        assertThat(third.attempts().get(0).failure()).isEqualTo(FailureKind.CIRCUIT_OPEN);
        Collection<MetricData> all = metrics.collectAllMetrics();

        assertThat(longPoints(all, METRIC_SKIPS)).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(1);
            assertThat(p.getAttributes().get(FAILURE_KIND)).isEqualTo("CIRCUIT_OPEN");
            assertThat(p.getAttributes().get(STEP)).isEqualTo("advanced");
            assertThat(p.getAttributes().get(CHAIN)).isEqualTo("triage-breaker");
        });

        MetricData state = metric(all, METRIC_CIRCUIT_STATE);
        assertThat(state.getType()).isEqualTo(MetricDataType.LONG_GAUGE);
        assertThat(state.getLongGaugeData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getValue()).as("1 = open").isEqualTo(1);
            assertThat(p.getAttributes()).isEqualTo(Attributes.of(CHAIN, "triage-breaker", STEP, "advanced"));
        });
        assertThat(longPoints(all, METRIC_FALLBACKS)).singleElement()
                .satisfies(p -> assertThat(p.getValue()).isEqualTo(2));
        assertThat(longPoints(all, METRIC_EXECUTIONS)).singleElement()
                .satisfies(p -> assertThat(p.getValue()).isEqualTo(3));
    }

    @Test
    void theReviewQueueGaugeReportsTheQueueDepth() {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        CascadeTelemetry telemetry = CascadeTelemetry.create(sdk);
        telemetry.observeReviewQueue("support-desk", queue::depth);
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-review")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", advancedDown())
                .humanReview("support-desk", queue)
                .listener(telemetry)
                .build();

        assertThat(chain.execute("first").status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(chain.execute("second").status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(queue.depth()).isEqualTo(2);
        assertThat(reviewDepth()).isEqualTo(queue.depth());

        InMemoryReviewQueue.Item<String> item = queue.claimNext("alice", Duration.ofMinutes(5)).orElseThrow();
        queue.approve(item.id(), "alice", "fine");
        assertThat(queue.depth()).isEqualTo(1);
        assertThat(reviewDepth()).isEqualTo(queue.depth());
    }

    private long reviewDepth() {
        MetricData depth = metric(metrics.collectAllMetrics(), METRIC_REVIEW_DEPTH);
        assertThat(depth.getType()).isEqualTo(MetricDataType.LONG_GAUGE);
        LongPointData p = depth.getLongGaugeData().getPoints().stream().collect(onlyOne());
        assertThat(p.getAttributes()).isEqualTo(Attributes.of(REVIEW_QUEUE, "support-desk"));
        return p.getValue();
    }

    /**
     * A failure that the step's retry then recovers from is not a fallback: the input was never passed on and the
     * step that failed is the one that answered. {@code cascade.fallbacks} is documented as "steps that did not
     * answer and passed the input on"; the root's {@code cascade.fallback} event should agree.
     */
    @Test
    void aFailureRecoveredByARetryIsNotCountedAsAFallback() {
        VirtualTime time = new VirtualTime();
        FakeModel flaky = new FakeModel("openai", "gpt-4o", (r, n) -> {
            if (n == 1) {
                throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
            }
            return new ModelResponse("second try", Usage.of(10, 5), "stop", "gpt-4o");
        });
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-retry")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .model("advanced", flaky, s -> s.retry(r -> r.maxAttempts(2).initialBackoff(Duration.ZERO)))
                .model("cheap", cheapUp())
                .openTelemetry(sdk)
                .build();

        Outcome<String> out = chain.execute("printer on fire");
        assertThat(out.answeredBy()).contains("advanced");
        assertThat(flaky.calls()).isEqualTo(2);

        SpanData root = span("cascade triage-retry");
        assertThat(spans.getFinishedSpanItems()).filteredOn(sp -> sp.getAttributes().get(RETRY_DELAY_MS) != null)
                .as("the retry names the wait before it").hasSize(1);
        assertThat(root.getEvents()).extracting(EventData::getName)
                .as("no step fell back: the retry answered").doesNotContain(EVENT_FALLBACK);
        assertThat(longPoints(metrics.collectAllMetrics(), METRIC_FALLBACKS))
                .as("cascade.fallbacks after an execution answered by the retried step").isEmpty();
    }

    /** When every retry fails, the step fell back once: one fallback, not one per failed attempt. */
    @Test
    void exhaustedRetriesCountOneFallback() {
        VirtualTime time = new VirtualTime();
        FakeModel down = advancedDown();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-exhausted")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .model("advanced", down, s -> s.retry(r -> r.maxAttempts(3).initialBackoff(Duration.ZERO)))
                .model("cheap", cheapUp())
                .openTelemetry(sdk)
                .build();

        assertThat(chain.execute("printer on fire").answeredBy()).contains("cheap");
        assertThat(down.calls()).isEqualTo(3);

        SpanData root = span("cascade triage-exhausted");
        assertThat(root.getEvents()).extracting(EventData::getName).filteredOn(EVENT_FALLBACK::equals).hasSize(1);
        assertThat(spans.getFinishedSpanItems()).filteredOn(sp -> sp.getAttributes().get(RETRY_DELAY_MS) != null)
                .as("two retries ran, each naming its wait").hasSize(2);
        assertThat(longPoints(metrics.collectAllMetrics(), METRIC_FALLBACKS)).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(1);
            assertThat(p.getAttributes().get(FAILURE_KIND)).isEqualTo("UNAVAILABLE");
        });
        // every failed call is still a model call with its error.type
        HistogramPointData failed = histogramPoint(
                metric(metrics.collectAllMetrics(), METRIC_OPERATION_DURATION).getHistogramData().getPoints(),
                ERROR_TYPE, "UNAVAILABLE");
        assertThat(failed.getCount()).isEqualTo(3);
    }

    @Test
    void capturedContentIsRedactedValidJsonOnTheChatSpan() {
        CascadeTelemetry telemetry = CascadeTelemetry.builder(sdk)
                .captureContent(true)
                .redactor(s -> s.replaceAll("[0-9]", "#"))
                .build();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-content")
                .prompt(t -> ModelRequest.of("Agent 007: be brief", t))
                .parse(ModelResponse::text)
                .model("cheap", FakeModel.answering("openai", "gpt-4o-mini", new ModelResponse(
                        "Card ending 4242 is \"verified\"\nDone.", Usage.of(12, 8), "stop", "gpt-4o-mini")))
                .listener(telemetry)
                .build();
        assertThat(chain.execute("My card 4111 1111 has a \"problem\"\n\tplease help \\ now").isAnswered()).isTrue();

        Attributes attrs = span("chat gpt-4o-mini").getAttributes();
        String input = attrs.get(GEN_AI_INPUT_MESSAGES);
        String output = attrs.get(GEN_AI_OUTPUT_MESSAGES);
        String system = attrs.get(GEN_AI_SYSTEM_INSTRUCTIONS);
        assertThat(input).isNotNull().doesNotContain("4111");
        assertThat(output).isNotNull().doesNotContain("4242");
        assertThat(system).isNotNull().doesNotContain("007");

        assertThat(MiniJson.parse(input)).isEqualTo(List.of(Map.of(
                "role", "user",
                "parts", List.of(Map.of("type", "text",
                        "content", "My card #### #### has a \"problem\"\n\tplease help \\ now")))));
        assertThat(MiniJson.parse(output)).isEqualTo(List.of(Map.of(
                "role", "assistant",
                "parts", List.of(Map.of("type", "text", "content", "Card ending #### is \"verified\"\nDone.")),
                "finish_reason", "stop")));
        assertThat(MiniJson.parse(system)).isEqualTo(List.of(Map.of("type", "text", "content", "Agent ###: be brief")));
    }

    @Test
    void contentIsNotCapturedByDefault() {
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-default")
                .prompt(t -> ModelRequest.of("be brief", t))
                .parse(ModelResponse::text)
                .model("advanced", advancedDown())
                .model("cheap", cheapUp())
                .openTelemetry(sdk)
                .build();
        assertThat(chain.execute("My card 4111 1111").isAnswered()).isTrue();

        List<SpanData> finished = spans.getFinishedSpanItems();
        assertThat(finished).extracting(SpanData::getName).contains("chat gpt-4o", "chat gpt-4o-mini");
        assertThat(finished).allSatisfy(s -> assertThat(s.getAttributes().asMap().keySet())
                .doesNotContain(GEN_AI_INPUT_MESSAGES, GEN_AI_OUTPUT_MESSAGES, GEN_AI_SYSTEM_INSTRUCTIONS));
    }

    @Test
    void isNoopTellsTheApiNoopFromAnSdk() {
        assertThat(CascadeTelemetry.isNoop(OpenTelemetry.noop())).isTrue();
        assertThat(CascadeTelemetry.isNoop(sdk)).isFalse();
        // tracing without metrics is still worth recording
        OpenTelemetry tracingOnly = new OpenTelemetry() {
            @Override
            public io.opentelemetry.api.trace.TracerProvider getTracerProvider() {
                return sdk.getTracerProvider();
            }

            @Override
            public io.opentelemetry.context.propagation.ContextPropagators getPropagators() {
                return io.opentelemetry.context.propagation.ContextPropagators.noop();
            }
        };
        assertThat(tracingOnly.getMeterProvider()).isSameAs(io.opentelemetry.api.metrics.MeterProvider.noop());
        assertThat(CascadeTelemetry.isNoop(tracingOnly)).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    private SpanData span(String name) {
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("one span named '%s' among %s", name,
                spans.getFinishedSpanItems().stream().map(SpanData::getName).toList()).hasSize(1);
        return found.get(0);
    }

    private static MetricData metric(Collection<MetricData> all, String name) {
        List<MetricData> found = all.stream().filter(m -> m.getName().equals(name)).toList();
        assertThat(found).as("one metric named '%s' among %s", name,
                all.stream().map(MetricData::getName).toList()).hasSize(1);
        return found.get(0);
    }

    /** Points of a long counter; empty when the instrument has recorded nothing. */
    private static List<LongPointData> longPoints(Collection<MetricData> all, String name) {
        Optional<MetricData> m = all.stream().filter(d -> d.getName().equals(name)).findFirst();
        return m.map(d -> List.<LongPointData>copyOf(d.getLongSumData().getPoints())).orElseGet(ArrayList::new);
    }

    private static <T> HistogramPointData histogramPoint(Collection<HistogramPointData> points, AttributeKey<T> key,
                                                         T value) {
        List<HistogramPointData> found = points.stream().filter(p -> value.equals(p.getAttributes().get(key)))
                .toList();
        assertThat(found).as("one point with %s=%s", key, value).hasSize(1);
        return found.get(0);
    }

    private static <T> java.util.stream.Collector<T, ?, T> onlyOne() {
        return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
            assertThat(l).hasSize(1);
            return l.get(0);
        });
    }
}
