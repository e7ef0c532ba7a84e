package dev.cascade.telemetry;

import com.google.protobuf.ByteString;
import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.review.InMemoryReviewQueue;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.semconv.ServiceAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Jaeger (or any OTLP collector) would ingest: spans exported over real OTLP/HTTP protobuf to a loopback
 * receiver, decoded with the OTLP proto classes, and checked as a tree.
 */
class OtlpExportTest {
    private static final String PROMPT = "SECRET-PROMPT-42";
    private static final String SYSTEM = "You triage support tickets.";
    private static final String COMPLETION = "route-to-hardware-COMPLETION-77";
    private static final String CALLER = "http POST /triage";

    private OtlpReceiver receiver;
    private SdkTracerProvider tracerProvider;
    private OpenTelemetrySdk sdk;
    private Tracer tracer;
    private ExecutorService executor;

    @BeforeEach
    void setUp() throws IOException {
        receiver = OtlpReceiver.start();
        tracerProvider = SdkTracerProvider.builder()
                .setResource(io.opentelemetry.sdk.resources.Resource.getDefault().merge(
                        io.opentelemetry.sdk.resources.Resource.create(
                                Attributes.of(ServiceAttributes.SERVICE_NAME, "cascade-test"))))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(receiver.tracesEndpoint())
                        .build()).build())
                .build();
        sdk = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
        tracer = sdk.getTracer("test-caller");
        executor = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        sdk.close();
        receiver.close();
    }

    @Test
    void fallbackChainExportsTheExactTreeOverOtlpHttp() {
        FakeModel advanced = FakeModel.failing("openai", "gpt-4o", FailureKind.UNAVAILABLE, "503");
        FakeModel cheap = FakeModel.answering("openai", "gpt-4o-mini",
                new ModelResponse(COMPLETION, Usage.of(212, 57), "stop", "gpt-4o-mini-2024-07-18"));
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of(SYSTEM, t))
                .parse(ModelResponse::text)
                .model("advanced", advanced)
                .model("cheap", cheap)
                .openTelemetry(sdk)
                .build();

        Span caller = tracer.spanBuilder(CALLER).startSpan();
        Outcome<String> out;
        try (Scope ignored = caller.makeCurrent()) {
            out = chain.execute(PROMPT + " my printer is on fire");
        } finally {
            caller.end();
        }
        assertThat(out.answeredBy()).contains("cheap");

        Exported exported = flushAndDecode();
        assertThat(exported.spans()).extracting(s -> s.getName())
                .containsExactlyInAnyOrder(CALLER, "cascade triage", "chat gpt-4o", "chat gpt-4o-mini");

        var callerSpan = exported.one(CALLER);
        var root = exported.one("cascade triage");
        var failed = exported.one("chat gpt-4o");
        var answered = exported.one("chat gpt-4o-mini");

        // the tree: caller -> root -> two CLIENT attempts, one trace
        assertThat(callerSpan.getParentSpanId()).isEmpty();
        assertThat(hex(root.getParentSpanId())).isEqualTo(hex(callerSpan.getSpanId()));
        assertThat(hex(failed.getParentSpanId())).isEqualTo(hex(root.getSpanId()));
        assertThat(hex(answered.getParentSpanId())).isEqualTo(hex(root.getSpanId()));
        assertThat(exported.spans()).extracting(s -> hex(s.getTraceId())).containsOnly(hex(callerSpan.getTraceId()));
        assertThat(root.getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL);
        assertThat(failed.getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(answered.getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT);

        // the failed attempt
        assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(attrs(failed.getAttributesList())).containsAllEntriesOf(Map.of(
                "error.type", "UNAVAILABLE",
                "gen_ai.operation.name", "chat",
                "gen_ai.provider.name", "openai",
                "gen_ai.request.model", "gpt-4o",
                "cascade.step", "advanced",
                "cascade.attempt", 1L));
        assertThat(attrs(failed.getAttributesList())).doesNotContainKeys("gen_ai.usage.input_tokens",
                "gen_ai.response.model");

        // the answering attempt
        assertThat(answered.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(attrs(answered.getAttributesList())).containsAllEntriesOf(Map.of(
                "gen_ai.operation.name", "chat",
                "gen_ai.provider.name", "openai",
                "gen_ai.request.model", "gpt-4o-mini",
                "gen_ai.response.model", "gpt-4o-mini-2024-07-18",
                "gen_ai.usage.input_tokens", 212L,
                "gen_ai.usage.output_tokens", 57L,
                "gen_ai.response.finish_reasons", List.of("stop"),
                "cascade.step", "cheap",
                "cascade.attempt", 1L));
        assertThat(attrs(answered.getAttributesList())).doesNotContainKey("error.type");

        // the root: who answered, and the fallback as an event
        assertThat(attrs(root.getAttributesList())).containsAllEntriesOf(Map.of(
                "cascade.chain", "triage",
                "cascade.answered_by", "cheap",
                "cascade.outcome", "answered",
                "cascade.execution.id", out.executionId()));
        assertThat(root.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(root.getEventsList()).extracting(e -> e.getName()).contains("cascade.fallback");
        var fallback = root.getEventsList().stream().filter(e -> e.getName().equals("cascade.fallback"))
                .findFirst().orElseThrow();
        assertThat(attrs(fallback.getAttributesList())).containsEntry("cascade.step", "advanced")
                .containsEntry("cascade.failure.kind", "UNAVAILABLE");

        // what the collector is told about the service and the instrumentation
        assertThat(exported.resources()).allSatisfy(r ->
                assertThat(attrs(r.getAttributesList())).containsEntry("service.name", "cascade-test"));
        assertThat(exported.scopeOf(root)).isEqualTo(CascadeTelemetry.SCOPE);
        assertThat(exported.scopeOf(failed)).isEqualTo(CascadeTelemetry.SCOPE);

        assertNoDeprecatedSystemAttributeAndNoContent(exported);
    }

    enum Entry { SYNC, ASYNC }

    /**
     * The caller's context reaches the root wherever the execution runs, and a call bounded by a timeout (so run on a
     * pool thread) runs with its attempt span current: a client library's HTTP spans would nest under it.
     */
    @ParameterizedTest
    @EnumSource(Entry.class)
    void contextCrossesThreadsToTheRootAndIntoTimedModelCalls(Entry entry) throws Exception {
        Thread testThread = Thread.currentThread();
        AtomicReference<SpanContext> seenByAdvanced = new AtomicReference<>();
        AtomicReference<SpanContext> seenByCheap = new AtomicReference<>();
        AtomicReference<Thread> cheapThread = new AtomicReference<>();
        FakeModel advanced = new FakeModel("openai", "gpt-4o", (r, n) -> {
            seenByAdvanced.set(Span.current().getSpanContext());
            throw new dev.cascade.spi.ModelCallException(FailureKind.UNAVAILABLE, "503");
        });
        FakeModel cheap = new FakeModel("openai", "gpt-4o-mini", (r, n) -> {
            seenByCheap.set(Span.current().getSpanContext());
            cheapThread.set(Thread.currentThread());
            return new ModelResponse(COMPLETION, Usage.of(212, 57), "stop", "gpt-4o-mini-2024-07-18");
        });
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-threads")
                .prompt(t -> ModelRequest.of(SYSTEM, t))
                .parse(ModelResponse::text)
                .executor(executor)
                // generous timeouts: they only make the engine hand each call to a pool thread
                .model("advanced", advanced, s -> s.timeout(Duration.ofMinutes(1)))
                .model("cheap", cheap, s -> s.timeout(Duration.ofMinutes(1)))
                .openTelemetry(sdk)
                .build();

        Span caller = tracer.spanBuilder(CALLER).startSpan();
        Outcome<String> out;
        try {
            if (entry == Entry.SYNC) {
                try (Scope ignored = caller.makeCurrent()) {
                    out = chain.execute(PROMPT + " sync");
                }
            } else {
                CompletableFuture<Outcome<String>> future;
                try (Scope ignored = caller.makeCurrent()) {
                    future = chain.executeAsync(PROMPT + " async");
                }
                out = future.get(1, TimeUnit.MINUTES);
            }
        } finally {
            caller.end();
        }
        assertThat(out.answeredBy()).contains("cheap");
        assertThat(cheapThread.get()).as("a timed call runs on a pool thread").isNotNull().isNotSameAs(testThread);

        Exported exported = flushAndDecode();
        var callerSpan = exported.one(CALLER);
        var root = exported.one("cascade triage-threads");
        var failed = exported.one("chat gpt-4o");
        var answered = exported.one("chat gpt-4o-mini");
        assertThat(hex(root.getParentSpanId())).isEqualTo(hex(callerSpan.getSpanId()));
        assertThat(hex(root.getTraceId())).isEqualTo(hex(callerSpan.getTraceId()));
        assertThat(hex(failed.getParentSpanId())).isEqualTo(hex(root.getSpanId()));
        assertThat(hex(answered.getParentSpanId())).isEqualTo(hex(root.getSpanId()));

        assertThat(seenByAdvanced.get().isValid()).isTrue();
        assertThat(seenByAdvanced.get().getSpanId()).isEqualTo(hex(failed.getSpanId()));
        assertThat(seenByAdvanced.get().getTraceId()).isEqualTo(hex(failed.getTraceId()));
        assertThat(seenByCheap.get().isValid()).isTrue();
        assertThat(seenByCheap.get().getSpanId()).isEqualTo(hex(answered.getSpanId()));
        assertThat(seenByCheap.get().getTraceId()).isEqualTo(hex(answered.getTraceId()));

        assertNoDeprecatedSystemAttributeAndNoContent(exported);
    }

    @Test
    void reviewDecisionIsExportedAsASpanLinkedToTheExecutionRoot() {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        CascadeTelemetry telemetry = CascadeTelemetry.create(sdk);
        queue.onDecision(telemetry::recordReviewDecision);
        Cascade<String, String> chain = Cascade.<String, String>builder("triage-review")
                .prompt(t -> ModelRequest.of(SYSTEM, t))
                .parse(ModelResponse::text)
                .model("advanced", FakeModel.failing("openai", "gpt-4o", FailureKind.UNAVAILABLE, "503"))
                .humanReview("support-desk", queue)
                .listener(telemetry)
                .build();

        Span caller = tracer.spanBuilder(CALLER).startSpan();
        Outcome<String> out;
        try (Scope ignored = caller.makeCurrent()) {
            out = chain.execute(PROMPT + " please review");
        } finally {
            caller.end();
        }
        assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);

        // later, on another code path: a reviewer claims and approves the item
        InMemoryReviewQueue.Item<String> item = queue.claimNext("alice", Duration.ofMinutes(5)).orElseThrow();
        assertThat(item.id()).isEqualTo(out.pendingReview().orElseThrow().id());
        queue.approve(item.id(), "alice", "approved by a human");

        Exported exported = flushAndDecode();
        var root = exported.one("cascade triage-review");
        var decision = exported.one("review.decision support-desk");
        var reviewStep = exported.one("human_review support-desk");
        assertThat(hex(reviewStep.getParentSpanId())).isEqualTo(hex(root.getSpanId()));
        assertThat(attrs(root.getAttributesList())).containsEntry("cascade.review.id", item.id())
                .containsEntry("cascade.outcome", "pending_review");

        assertThat(decision.getLinksList()).hasSize(1);
        var link = decision.getLinks(0);
        assertThat(hex(link.getTraceId())).isEqualTo(hex(root.getTraceId()));
        assertThat(hex(link.getSpanId())).isEqualTo(hex(root.getSpanId()));
        assertThat(decision.getParentSpanId()).as("the decision starts its own trace").isEmpty();
        assertThat(attrs(decision.getAttributesList())).containsAllEntriesOf(Map.of(
                "cascade.chain", "triage-review",
                "cascade.step", "support-desk",
                "cascade.execution.id", out.executionId(),
                "cascade.review.id", item.id(),
                "cascade.review.verdict", "APPROVED"));

        assertNoDeprecatedSystemAttributeAndNoContent(exported);
    }

    // ---------------------------------------------------------------- helpers

    /** Everything the receiver got, decoded; fails if the exporter did not deliver or broke the protocol. */
    private Exported flushAndDecode() {
        // forceFlush completes only when the exporter has had the receiver's 200, so the bodies are all here;
        // the provider itself is shut down with the SDK in tearDown.
        CompletableResultCode flush = tracerProvider.forceFlush().join(1, TimeUnit.MINUTES);
        assertThat(flush.isSuccess()).as("forceFlush exported to the receiver").isTrue();
        assertThat(receiver.protocolErrors()).isEmpty();
        assertThat(receiver.bodies()).isNotEmpty();
        return new Exported(receiver.bodies(), receiver.requests());
    }

    private static void assertNoDeprecatedSystemAttributeAndNoContent(Exported exported) {
        List<String> keys = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        for (ExportTraceServiceRequest request : exported.requests()) {
            for (ResourceSpans rs : request.getResourceSpansList()) {
                collect(rs.getResource().getAttributesList(), keys, strings);
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (var span : ss.getSpansList()) {
                        strings.add(span.getName());
                        strings.add(span.getStatus().getMessage());
                        collect(span.getAttributesList(), keys, strings);
                        for (var event : span.getEventsList()) {
                            strings.add(event.getName());
                            collect(event.getAttributesList(), keys, strings);
                        }
                        for (var link : span.getLinksList()) {
                            collect(link.getAttributesList(), keys, strings);
                        }
                    }
                }
            }
        }
        assertThat(keys).isNotEmpty().doesNotContain("gen_ai.system", "gen_ai.prompt", "gen_ai.completion",
                "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions");
        assertThat(strings).isNotEmpty().noneMatch(s -> s.contains(PROMPT))
                .noneMatch(s -> s.contains(SYSTEM)).noneMatch(s -> s.contains(COMPLETION));
        // and not hidden anywhere else on the wire either
        for (byte[] body : exported.bodies()) {
            String raw = new String(body, StandardCharsets.ISO_8859_1);
            assertThat(raw).doesNotContain(PROMPT).doesNotContain(SYSTEM).doesNotContain(COMPLETION);
        }
    }

    private static void collect(List<KeyValue> kvs, List<String> keys, List<String> strings) {
        for (KeyValue kv : kvs) {
            keys.add(kv.getKey());
            collect(kv.getValue(), keys, strings);
        }
    }

    private static void collect(AnyValue v, List<String> keys, List<String> strings) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> strings.add(v.getStringValue());
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().forEach(x -> collect(x, keys, strings));
            case KVLIST_VALUE -> collect(v.getKvlistValue().getValuesList(), keys, strings);
            case BYTES_VALUE -> strings.add(v.getBytesValue().toString(StandardCharsets.ISO_8859_1));
            default -> {
            }
        }
    }

    static Map<String, Object> attrs(List<KeyValue> kvs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            m.put(kv.getKey(), value(kv.getValue()));
        }
        return m;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpExportTest::value).toList();
            case KVLIST_VALUE -> attrs(v.getKvlistValue().getValuesList());
            case BYTES_VALUE -> v.getBytesValue();
            case VALUE_NOT_SET -> null;
            default -> throw new IllegalArgumentException("unexpected value " + v);
        };
    }

    private static String hex(ByteString id) {
        return HexFormat.of().formatHex(id.toByteArray());
    }

    /** The decoded export. */
    private record Exported(List<byte[]> bodies, List<ExportTraceServiceRequest> requests) {

        List<io.opentelemetry.proto.trace.v1.Span> spans() {
            List<io.opentelemetry.proto.trace.v1.Span> out = new ArrayList<>();
            for (ExportTraceServiceRequest r : requests) {
                for (ResourceSpans rs : r.getResourceSpansList()) {
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        out.addAll(ss.getSpansList());
                    }
                }
            }
            return out;
        }

        List<Resource> resources() {
            return requests.stream().flatMap(r -> r.getResourceSpansList().stream()).map(ResourceSpans::getResource)
                    .toList();
        }

        io.opentelemetry.proto.trace.v1.Span one(String name) {
            List<io.opentelemetry.proto.trace.v1.Span> found = spans().stream()
                    .filter(s -> s.getName().equals(name)).toList();
            assertThat(found).as("exactly one exported span named '%s' among %s", name,
                    spans().stream().map(s -> s.getName()).toList()).hasSize(1);
            return found.get(0);
        }

        String scopeOf(io.opentelemetry.proto.trace.v1.Span span) {
            for (ExportTraceServiceRequest r : requests) {
                for (ResourceSpans rs : r.getResourceSpansList()) {
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        if (ss.getSpansList().contains(span)) {
                            return ss.getScope().getName();
                        }
                    }
                }
            }
            throw new AssertionError("span not found: " + span.getName());
        }
    }
}
