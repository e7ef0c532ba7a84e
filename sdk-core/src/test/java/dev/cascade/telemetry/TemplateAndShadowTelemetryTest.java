package dev.cascade.telemetry;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelClient;
import dev.cascade.testing.VirtualTime;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static dev.cascade.telemetry.CascadeAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-template metrics and attributes, and shadow candidates' spans and metrics, through the OTel SDK in memory. */
class TemplateAndShadowTelemetryTest {
    private InMemoryMetricReader metrics;
    private InMemorySpanExporter spans;
    private OpenTelemetrySdk sdk;
    private final VirtualTime time = new VirtualTime();

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
            for (MetricData m : metrics.collectAllMetrics()) {
                List<AttributeKey<?>> declared = METRIC_ATTRIBUTE_KEYS.get(m.getName());
                assertThat(declared).as("declared keys of " + m.getName()).isNotNull();
                for (PointData p : m.getData().getPoints()) {
                    assertThat(declared).as(m.getName()).containsAll(p.getAttributes().asMap().keySet());
                }
            }
        } finally {
            sdk.close();
        }
    }

    private static Collection<? extends PointData> points(Collection<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name)).getData().getPoints();
    }

    private static <P extends PointData> List<P> withTemplate(Collection<? extends PointData> points, String t,
                                                               Class<P> type) {
        return points.stream().filter(p -> t.equals(p.getAttributes().get(GEN_AI_PROMPT_NAME))).map(type::cast)
                .toList();
    }

    private Cascade<String, String> triage() {
        // "cheap" answers; its answer "REJECT..." fails the gate, so the next step ("strong") answers.
        ModelClient cheap = r -> {
            time.advance(Duration.ofMillis(200));
            return ModelResponse.of(r.user().startsWith("hard") ? "REJECT" : "ok:" + r.user(), Usage.of(100, 20));
        };
        ModelClient strong = r -> {
            time.advance(Duration.ofMillis(800));
            return ModelResponse.of("strong:" + r.user(), Usage.of(300, 40));
        };
        return Cascade.<String, String>builder("triage")
                .timeSource(time)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .accept(a -> !a.equals("REJECT"))
                .model("cheap", cheap, s -> s.modelName("mini").template("triage-mini-v1")
                        .pricing(Pricing.perMillionTokens("1", "2")))
                // a request-level template wins over the step's
                .model("strong", strong, s -> s.modelName("big").template("unused")
                        .prompt(in -> ModelRequest.of(in).withTemplateId("triage-big-v3"))
                        .pricing(Pricing.perMillionTokens("10", "20")))
                .budget(dev.cascade.budget.Budget.builder().clock(time.asClock()).perDay("10.00").build())
                .openTelemetry(sdk)
                .build();
    }

    @Test
    void tokensCostLatencyScoreAndCompletionAreRecordedPerTemplate() {
        Cascade<String, String> c = triage();
        Outcome<String> easy = c.execute("easy one");
        Outcome<String> hard = c.execute("hard one");
        assertThat(easy.templateId()).contains("triage-mini-v1");
        assertThat(hard.templateId()).as("the answering step's request").contains("triage-big-v3");
        c.recordScore(hard, 0.25, "judge");

        Collection<MetricData> all = metrics.collectAllMetrics();
        List<HistogramPointData> mini = withTemplate(points(all, METRIC_TOKEN_USAGE), "triage-mini-v1",
                HistogramPointData.class);
        assertThat(mini).hasSize(2); // input and output
        assertThat(mini.stream().filter(p -> "input".equals(p.getAttributes().get(GEN_AI_TOKEN_TYPE)))
                .mapToDouble(HistogramPointData::getSum).sum()).isEqualTo(200); // two calls of 100
        assertThat(withTemplate(points(all, METRIC_TOKEN_USAGE), "triage-big-v3", HistogramPointData.class)
                .stream().filter(p -> "output".equals(p.getAttributes().get(GEN_AI_TOKEN_TYPE)))
                .mapToDouble(HistogramPointData::getSum).sum()).isEqualTo(40);

        List<DoublePointData> cost = withTemplate(points(all, METRIC_COST), "triage-mini-v1", DoublePointData.class);
        assertThat(cost).hasSize(1);
        assertThat(cost.get(0).getValue()).isCloseTo(2 * (100 * 1 + 20 * 2) / 1e6, org.assertj.core.data.Offset
                .offset(1e-12));

        List<HistogramPointData> latency = withTemplate(points(all, METRIC_OPERATION_DURATION), "triage-big-v3",
                HistogramPointData.class);
        assertThat(latency).hasSize(1);
        assertThat(latency.get(0).getSum()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));

        // Quality: the gate passed cheap once and rejected it once; strong passed once; a judge scored 0.25 later.
        List<HistogramPointData> gateMini = withTemplate(points(all, METRIC_QUALITY_SCORE), "triage-mini-v1",
                HistogramPointData.class);
        assertThat(gateMini).hasSize(1);
        assertThat(gateMini.get(0).getAttributes().get(SCORE_SOURCE)).isEqualTo("accept_gate");
        assertThat(gateMini.get(0).getCount()).isEqualTo(2);
        assertThat(gateMini.get(0).getSum()).isEqualTo(1.0);
        List<HistogramPointData> big = withTemplate(points(all, METRIC_QUALITY_SCORE), "triage-big-v3",
                HistogramPointData.class);
        assertThat(big).extracting(p -> p.getAttributes().get(SCORE_SOURCE))
                .containsExactlyInAnyOrder("accept_gate", "judge");
        assertThat(big.stream().filter(p -> "judge".equals(p.getAttributes().get(SCORE_SOURCE))).findFirst()
                .orElseThrow().getSum()).isEqualTo(0.25);

        // Completion: executions by outcome per template (answered / executions).
        List<LongPointData> execs = withTemplate(points(all, METRIC_EXECUTIONS), "triage-mini-v1",
                LongPointData.class);
        assertThat(execs).hasSize(1);
        assertThat(execs.get(0).getAttributes().get(OUTCOME)).isEqualTo("answered");
        assertThat(execs.get(0).getValue()).isEqualTo(1);
        assertThat(withTemplate(points(all, METRIC_EXECUTION_DURATION), "triage-big-v3", HistogramPointData.class))
                .hasSize(1);

        // Spans: every attempt and the root carry gen_ai.prompt.name.
        List<SpanData> finished = spans.getFinishedSpanItems();
        assertThat(finished.stream().filter(s -> s.getName().equals("chat mini"))
                .map(s -> s.getAttributes().get(GEN_AI_PROMPT_NAME))).containsOnly("triage-mini-v1").hasSize(2);
        assertThat(finished.stream().filter(s -> s.getName().equals("chat big"))
                .map(s -> s.getAttributes().get(GEN_AI_PROMPT_NAME))).containsExactly("triage-big-v3");
        assertThat(finished.stream().filter(s -> s.getName().equals("cascade triage"))
                .map(s -> s.getAttributes().get(GEN_AI_PROMPT_NAME)))
                .containsExactlyInAnyOrder("triage-mini-v1", "triage-big-v3");
    }

    @Test
    void withoutATemplateNothingIsAddedAndScoresStillRecord() {
        Cascade<String, String> c = Cascade.<String, String>builder("plain")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("m", r -> ModelResponse.of("x", Usage.of(1, 1)), s -> s.modelName("m"))
                .openTelemetry(sdk)
                .build();
        Outcome<String> o = c.execute("hi");
        assertThat(o.templateId()).isEmpty();
        c.recordScore(o, 1.0, "thumbs-up");
        Collection<MetricData> all = metrics.collectAllMetrics();
        for (String name : List.of(METRIC_TOKEN_USAGE, METRIC_OPERATION_DURATION, METRIC_EXECUTIONS)) {
            assertThat(points(all, name)).allSatisfy(p -> assertThat(p.getAttributes().get(GEN_AI_PROMPT_NAME))
                    .isNull());
        }
        assertThat(points(all, METRIC_QUALITY_SCORE)).singleElement()
                .satisfies(p -> assertThat(p.getAttributes().get(SCORE_SOURCE)).isEqualTo("thumbs-up"));
        assertThat(spans.getFinishedSpanItems()).allSatisfy(s -> assertThat(s.getAttributes()
                .get(GEN_AI_PROMPT_NAME)).isNull());
        assertThatThrownBy(() -> c.recordScore(o, 1.5, "x")).hasMessageContaining("score must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> c.recordScore(o, 0.5, " ")).hasMessageContaining("source");
    }

    @Test
    void aShadowCallIsASpanLinkedToTheExecutionNotAChild_andItsResultsAreCounted() {
        ModelClient candidate = r -> {
            time.advance(Duration.ofMillis(50));
            return ModelResponse.of(r.user().startsWith("easy") ? "ok:" + r.user() : "different",
                    Usage.of(7, 3));
        };
        Cascade<String, String> c = Cascade.<String, String>builder("triage")
                .timeSource(time)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("cheap", r -> ModelResponse.of("ok:" + r.user(), Usage.of(100, 20)), s -> s.modelName("mini")
                        .pricing(Pricing.perMillionTokens("1", "1")))
                .budget(dev.cascade.budget.Budget.builder().clock(time.asClock()).perDay("10.00").build())
                .shadow("nano", candidate, s -> s.share(1).sampler(() -> 0.0)
                        .pricing(Pricing.perMillionTokens("1000", "1000")))
                .openTelemetry(sdk)
                .build();
        c.execute("easy one");
        c.execute("another");
        await(() -> c.shadows().get(0).pending() == 0
                && spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("shadow nano")).count() == 2);

        List<SpanData> finished = spans.getFinishedSpanItems();
        List<SpanData> roots = finished.stream().filter(s -> s.getName().equals("cascade triage")).toList();
        List<SpanData> shadows = finished.stream().filter(s -> s.getName().equals("shadow nano")).toList();
        assertThat(shadows).hasSize(2);
        for (SpanData s : shadows) {
            assertThat(s.getParentSpanContext().isValid()).as("no parent").isFalse();
            assertThat(s.getLinks()).hasSize(1);
            SpanData root = roots.stream().filter(r -> r.getAttributes().get(EXECUTION_ID)
                    .equals(s.getAttributes().get(EXECUTION_ID))).findFirst().orElseThrow();
            assertThat(s.getLinks().get(0).getSpanContext()).isEqualTo(root.getSpanContext());
            assertThat(s.getAttributes().get(SHADOW_CANDIDATE)).isEqualTo("nano");
            assertThat(s.getEndEpochNanos() - s.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
            assertThat(s.getAttributes().get(GEN_AI_INPUT_MESSAGES)).isNull();
        }
        assertThat(shadows).extracting(s -> s.getAttributes().get(SHADOW_RESULT))
                .containsExactlyInAnyOrder("agreed", "disagreed");

        Collection<MetricData> all = metrics.collectAllMetrics();
        assertThat(points(all, METRIC_SHADOW_SAMPLES)).extracting(p -> p.getAttributes().get(SHADOW_RESULT))
                .containsExactlyInAnyOrder("agreed", "disagreed");
        HistogramPointData score = (HistogramPointData) points(all, METRIC_SHADOW_SCORE).iterator().next();
        assertThat(score.getCount()).isEqualTo(2);
        assertThat(score.getSum()).isEqualTo(1.0);
        DoublePointData cost = (DoublePointData) points(all, METRIC_SHADOW_COST).iterator().next();
        assertThat(cost.getValue()).isCloseTo(2 * 10 * 1000 / 1e6, org.assertj.core.data.Offset.offset(1e-12));
        HistogramPointData duration = (HistogramPointData) points(all, METRIC_SHADOW_DURATION).iterator().next();
        assertThat(duration.getSum()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        // The candidate's spend is not the chain's: cascade.cost holds only the chain's two calls.
        assertThat(points(all, METRIC_COST).stream().mapToDouble(p -> ((DoublePointData) p).getValue()).sum())
                .isCloseTo(2 * 120 / 1e6, org.assertj.core.data.Offset.offset(1e-12));
    }

    private static void await(BooleanSupplier condition) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met within 20 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
