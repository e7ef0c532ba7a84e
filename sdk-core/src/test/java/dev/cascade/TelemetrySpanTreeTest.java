package dev.cascade;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.ModelCallException;
import dev.cascade.telemetry.CascadeAttributes;
import dev.cascade.testing.VirtualTime;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.cascade.telemetry.CascadeAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace of an execution, span by span, for each story the issue names. The tree is rendered as lines
 * {@code depth name [KIND status]} in start order, so each test states the whole tree it expects.
 */
class TelemetrySpanTreeTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
    private final VirtualTime time = new VirtualTime();
    private final InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
    private final ScriptedModel big = new ScriptedModel("openai", "gpt-big");
    private final ScriptedModel small = new ScriptedModel("openai", "gpt-small");

    @AfterEach
    void close() {
        otel.close();
    }

    private CascadeBuilder<String, String> chain() {
        return Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of("Classify.", t))
                .parse(ModelResponse::text)
                .timeSource(time)
                .openTelemetry(otel);
    }

    private Cascade<String, String> fourSteps(Duration deadline) {
        CascadeBuilder<String, String> b = chain()
                .model("advanced", big, s -> s.timeout(Duration.ofSeconds(2)))
                .model("cheap", small, s -> s.timeout(Duration.ofSeconds(2)))
                .rules("faq", RuleSet.<String, String>firstMatch()
                        .rule("password", t -> t.contains("password"), t -> "reset-link").build())
                .humanReview("desk", queue);
        if (deadline != null) {
            b.deadline(deadline);
        }
        return b.build();
    }

    private static ModelCallException unavailable() {
        return new ModelCallException(FailureKind.UNAVAILABLE, "503 Service Unavailable");
    }

    /** The finished spans as an indented tree, children in start order. */
    private List<String> tree() {
        List<SpanData> all = spans.getFinishedSpanItems();
        Map<String, List<SpanData>> children = all.stream()
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .collect(Collectors.groupingBy(SpanData::getParentSpanId));
        List<String> lines = new ArrayList<>();
        all.stream().filter(s -> !s.getParentSpanContext().isValid())
                .forEach(root -> render(root, 0, children, lines));
        return lines;
    }

    private static void render(SpanData s, int depth, Map<String, List<SpanData>> children, List<String> out) {
        out.add("  ".repeat(depth) + s.getName() + " [" + s.getKind()
                + (s.getStatus().getStatusCode() == StatusCode.ERROR ? " ERROR" : "") + "]");
        for (SpanData c : children.getOrDefault(s.getSpanId(), List.of())) {
            render(c, depth + 1, children, out);
        }
    }

    private SpanData span(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    private List<SpanData> spansNamed(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }

    private static List<String> eventNames(SpanData s) {
        return s.getEvents().stream().map(EventData::getName).toList();
    }

    private static <T> T attr(SpanData s, AttributeKey<T> key) {
        return s.getAttributes().get(key);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void firstStepAnswers(Scenarios.Entry entry) {
        big.then(r -> new ModelResponse("billing", Usage.of(212, 57), "stop", "gpt-big-2026-01"));

        entry.run(fourSteps(null), "charged twice");

        assertThat(tree()).containsExactly(
                "cascade triage [INTERNAL]",
                "  chat gpt-big [CLIENT]");
        SpanData chat = span("chat gpt-big");
        assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(attr(chat, GEN_AI_OPERATION_NAME)).isEqualTo("chat");
        assertThat(attr(chat, GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
        assertThat(attr(chat, GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-big");
        assertThat(attr(chat, GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-big-2026-01");
        assertThat(attr(chat, GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(212L);
        assertThat(attr(chat, GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(57L);
        assertThat(attr(chat, GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
        assertThat(attr(chat, CascadeAttributes.STEP)).isEqualTo("advanced");
        assertThat(attr(chat, STEP_KIND)).isEqualTo("model");
        assertThat(attr(chat, ATTEMPT)).isEqualTo(1L);
        assertThat(attr(chat, ERROR_TYPE)).isNull();
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.system"))).isNull();
        SpanData root = span("cascade triage");
        assertThat(attr(root, CHAIN)).isEqualTo("triage");
        assertThat(attr(root, ANSWERED_BY)).isEqualTo("advanced");
        assertThat(attr(root, OUTCOME)).isEqualTo("answered");
        assertThat(attr(root, FIRST_STEP)).isEqualTo("advanced");
        assertThat(root.getEvents()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void openBreakerIsASkipEventAndTheCheapModelAnswers(Scenarios.Entry entry) {
        big.thenThrow(unavailable());
        small.thenAnswer("billing");
        CascadeRegistries registries = CascadeRegistries.create(time);
        Cascade<String, String> chain = chain().registries(registries)
                .model("advanced", big, s -> s.circuitBreaker(cb -> cb.slidingWindowSize(2).minimumCalls(2)))
                .model("cheap", small)
                .build();
        entry.run(chain, "a");
        entry.run(chain, "b");
        spans.reset();

        entry.run(chain, "c");

        assertThat(tree()).containsExactly(
                "cascade triage [INTERNAL]",
                "  chat gpt-small [CLIENT]");
        SpanData root = span("cascade triage");
        assertThat(eventNames(root)).containsExactly(EVENT_STEP_SKIPPED);
        EventData skip = root.getEvents().get(0);
        assertThat(skip.getAttributes().get(CascadeAttributes.STEP)).isEqualTo("advanced");
        assertThat(skip.getAttributes().get(FAILURE_KIND)).isEqualTo("CIRCUIT_OPEN");
        assertThat(skip.getAttributes().get(REASON)).contains("OPEN");
        assertThat(attr(root, ANSWERED_BY)).isEqualTo("cheap");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void allModelsFailAndTheRulesAnswer(Scenarios.Entry entry) {
        big.thenThrow(unavailable());
        small.thenThrow(ModelCallException.rateLimited("429", null));

        entry.run(fourSteps(null), "forgot my password");

        assertThat(tree()).containsExactly(
                "cascade triage [INTERNAL]",
                "  chat gpt-big [CLIENT ERROR]",
                "  chat gpt-small [CLIENT ERROR]",
                "  rules faq [INTERNAL]");
        assertThat(attr(span("chat gpt-big"), ERROR_TYPE)).isEqualTo("UNAVAILABLE");
        assertThat(attr(span("chat gpt-small"), ERROR_TYPE)).isEqualTo("RATE_LIMITED");
        assertThat(attr(span("rules faq"), CascadeAttributes.STATUS)).isEqualTo("answered");
        SpanData root = span("cascade triage");
        assertThat(eventNames(root)).containsExactly(EVENT_FALLBACK, EVENT_FALLBACK);
        assertThat(attr(root, ANSWERED_BY)).isEqualTo("faq");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void everythingFailsAndTheInputGoesToReview(Scenarios.Entry entry) {
        big.thenThrow(unavailable());
        small.thenThrow(unavailable());

        Outcome<String> out = entry.run(fourSteps(null), "something odd");

        assertThat(tree()).containsExactly(
                "cascade triage [INTERNAL]",
                "  chat gpt-big [CLIENT ERROR]",
                "  chat gpt-small [CLIENT ERROR]",
                "  rules faq [INTERNAL]",
                "  human_review desk [INTERNAL]");
        assertThat(attr(span("rules faq"), CascadeAttributes.STATUS)).isEqualTo("passed");
        assertThat(attr(span("human_review desk"), CascadeAttributes.STATUS)).isEqualTo("queued");
        SpanData root = span("cascade triage");
        assertThat(attr(root, OUTCOME)).isEqualTo("pending_review");
        assertThat(attr(root, REVIEW_ID)).isEqualTo(out.pendingReview().orElseThrow().id());
        assertThat(attr(root, ANSWERED_BY)).isNull();
        assertThat(root.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void retryThenSuccessIsTwoAttemptSpansTheSecondNamingTheWaitBeforeIt(Scenarios.Entry entry) {
        big.thenThrow(unavailable()).thenAnswer("billing");
        Cascade<String, String> chain = chain()
                .model("advanced", big, s -> s.retry(r -> r.maxAttempts(3).initialBackoff(Duration.ofMillis(100))))
                .model("cheap", small)
                .build();

        entry.run(chain, "charged twice");

        assertThat(tree()).containsExactly(
                "cascade triage [INTERNAL]",
                "  chat gpt-big [CLIENT ERROR]",
                "  chat gpt-big [CLIENT]");
        List<SpanData> attempts = spansNamed("chat gpt-big");
        assertThat(attempts).extracting(s -> attr(s, ATTEMPT)).containsExactly(1L, 2L);
        assertThat(attr(attempts.get(0), ERROR_TYPE)).isEqualTo("UNAVAILABLE");
        assertThat(attr(attempts.get(1), ERROR_TYPE)).isNull();
        // Each attempt keeps its own attributes: the second did not overwrite the first.
        assertThat(attr(attempts.get(0), GEN_AI_USAGE_INPUT_TOKENS)).isNull();
        assertThat(attr(attempts.get(1), GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(10L);
        SpanData root = span("cascade triage");
        // A failure the step retried is not a fallback (the chain did not move on); the retry says how long it
        // waited (a retry that never runs leaves no delay anywhere: FallbackTelemetryTest).
        assertThat(eventNames(root)).isEmpty();
        assertThat(attr(attempts.get(0), RETRY_DELAY_MS)).isNull();
        assertThat(attr(attempts.get(1), RETRY_DELAY_MS)).isBetween(80L, 120L);
        assertThat(attr(root, ANSWERED_BY)).isEqualTo("advanced");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void deadlineCutIsATimeoutSpanAndANoTimeSkip(Scenarios.Entry entry) {
        big.then(r -> {
            time.sleep(Long.MAX_VALUE / 4);
            return ModelResponse.of("never", Usage.NONE);
        });
        small.thenAnswer("billing");

        entry.run(fourSteps(Duration.ofSeconds(1)), "something odd");

        assertThat(tree()).containsExactly(
                "cascade triage [INTERNAL]",
                "  chat gpt-big [CLIENT ERROR]",
                "  rules faq [INTERNAL]",
                "  human_review desk [INTERNAL]");
        assertThat(attr(span("chat gpt-big"), ERROR_TYPE)).isEqualTo("TIMEOUT");
        SpanData root = span("cascade triage");
        assertThat(eventNames(root)).containsExactly(EVENT_FALLBACK, EVENT_STEP_SKIPPED, EVENT_FALLBACK);
        assertThat(root.getEvents().get(1).getAttributes().get(FAILURE_KIND)).isEqualTo("NO_TIME");
        assertThat(root.getEvents().get(1).getAttributes().get(CascadeAttributes.STEP)).isEqualTo("cheap");
    }
}
