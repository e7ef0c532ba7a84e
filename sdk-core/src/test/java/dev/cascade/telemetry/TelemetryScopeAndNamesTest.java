package dev.cascade.telemetry;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.SchemaUrls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 item 11: the instrumentation scope carries a version and the schema URL of the semantic conventions the
 * attribute names follow; span names of non-model steps do not repeat themselves.
 */
class TelemetryScopeAndNamesTest {

    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();

    @AfterEach
    void tearDown() {
        sdk.close();
    }

    private Cascade<String, String> chain(String rulesName, String reviewName) {
        return Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", FakeModel.failing("openai", "gpt-4o", FailureKind.UNAVAILABLE, "503"))
                .rules(rulesName, RuleSet.<String, String>firstMatch().rule("never", t -> false, t -> "x").build())
                .step("lookup", t -> Optional.empty())
                .humanReview(reviewName, new InMemoryReviewQueue<>())
                .openTelemetry(sdk)
                .build();
    }

    @Test
    void spansAndMetricsCarryTheScopeVersionAndTheSemconvSchemaUrl() {
        assertThat(chain("faq", "desk").execute("hi").status()).isEqualTo(Outcome.Status.PENDING_REVIEW);

        assertThat(CascadeTelemetry.SCOPE_VERSION).as("filtered from the pom at build time")
                .isNotNull().doesNotContain("${").matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(CascadeTelemetry.SCHEMA_URL).as("the pinned semconv artifact's own constant")
                .isEqualTo(SchemaUrls.V1_40_0);
        assertThat(spans.getFinishedSpanItems()).isNotEmpty().allSatisfy(s -> expectCascadeScope(
                s.getInstrumentationScopeInfo()));
        assertThat(metrics.collectAllMetrics()).isNotEmpty().extracting(MetricData::getInstrumentationScopeInfo)
                .allSatisfy(TelemetryScopeAndNamesTest::expectCascadeScope);
    }

    private static void expectCascadeScope(InstrumentationScopeInfo scope) {
        assertThat(scope.getName()).isEqualTo(CascadeTelemetry.SCOPE);
        assertThat(scope.getVersion()).isEqualTo(CascadeTelemetry.SCOPE_VERSION);
        assertThat(scope.getSchemaUrl()).isEqualTo(CascadeTelemetry.SCHEMA_URL);
    }

    @Test
    void aStepNamedAfterItsKindIsNotNamedTwice() {
        chain("rules", "human-review").execute("hi");

        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName)
                .containsExactlyInAnyOrder("chat gpt-4o", "rules", "custom lookup", "human_review", "cascade triage");
    }

    @Test
    void otherStepsAreNamedKindThenStep() {
        chain("faq", "support-desk").execute("hi");

        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).containsExactlyInAnyOrder(
                "chat gpt-4o", "rules faq", "custom lookup", "human_review support-desk", "cascade triage");
    }
}
