package dev.cascade.telemetry;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.budget.Budget;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.cascade.telemetry.CascadeAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The response cache on the execution span and in the metrics: hit or miss, similarity, money saved. */
class CacheTelemetryTest {

    private final VirtualTime time = new VirtualTime();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();

    @AfterEach
    void close() {
        sdk.close();
    }

    private SpanData executionSpan(int index) {
        List<SpanData> roots = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().startsWith("cascade ")).toList();
        return roots.get(index);
    }

    private MetricData metric(String name) {
        return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aHitRecordsItsSimilarityAndTheMoneySavedBesideTheMoneySpent() {
        Cascade<String, String> chain = Cascade.<String, String>builder("faq")
                .prompt(in -> ModelRequest.of("S", in)).parse(ModelResponse::text).timeSource(time)
                .budget(Budget.builder().perDay("100.00").clock(time.asClock()).build())
                .model("cheap", ScriptedModel.answering("gpt-4o-mini", "answer"),
                        s -> s.pricing(Pricing.perMillionTokens("2.50", "10.00")))
                .cache(c -> c.guard((a, b) -> Optional.empty()))
                .openTelemetry(sdk)
                .build();
        Outcome<String> miss = chain.execute("reset my password");
        Outcome<String> hit = chain.execute("Reset my password");
        Money paid = miss.cost();
        assertThat(paid.isPositive()).isTrue();
        assertThat(hit.savedCost()).isEqualTo(paid);

        SpanData missSpan = executionSpan(0);
        assertThat(missSpan.getAttributes().get(CACHE_HIT)).isFalse();
        assertThat(missSpan.getAttributes().get(CACHE_STORED)).isEqualTo("stored");
        assertThat(missSpan.getAttributes().get(COST_USD)).isEqualTo(paid.toUsd().doubleValue());
        SpanData hitSpan = executionSpan(1);
        assertThat(hitSpan.getAttributes().get(CACHE_HIT)).isTrue();
        assertThat(hitSpan.getAttributes().get(CACHE_RESULT)).isEqualTo("exact");
        assertThat(hitSpan.getAttributes().get(CACHE_SIMILARITY)).isEqualTo(1.0);
        assertThat(hitSpan.getAttributes().get(CACHE_SAVED_USD)).isEqualTo(paid.toUsd().doubleValue());
        assertThat(hitSpan.getAttributes().get(ANSWERED_BY)).isEqualTo("cache");
        assertThat(hitSpan.getAttributes().get(COST_USD)).isNull();
        // No model attempt span under the hit: nothing was called.
        assertThat(spans.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(hitSpan.getSpanId()))).isEmpty();

        assertThat(metric(METRIC_CACHE_LOOKUPS).getLongSumData().getPoints())
                .anySatisfy(p -> {
                    assertThat(p.getAttributes()).isEqualTo(Attributes.of(CHAIN, "faq", CACHE_RESULT, "miss"));
                    assertThat(p.getValue()).isEqualTo(1);
                })
                .anySatisfy(p -> {
                    assertThat(p.getAttributes()).isEqualTo(Attributes.of(CHAIN, "faq", CACHE_RESULT, "exact"));
                    assertThat(p.getValue()).isEqualTo(1);
                });
        assertThat(metric(METRIC_CACHE_SAVED).getDoubleSumData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getValue()).isEqualTo(paid.toUsd().doubleValue()));
        assertThat(METRIC_ATTRIBUTE_KEYS).containsKeys(METRIC_CACHE_LOOKUPS, METRIC_CACHE_SAVED);
    }

    @Test
    void aGuardRefusalIsRecordedWithoutTheInputs() {
        Cascade<String, String> chain = Cascade.<String, String>builder("faq")
                .prompt(in -> ModelRequest.of("S", in)).parse(ModelResponse::text).timeSource(time)
                .model("cheap", ScriptedModel.answering("gpt-4o-mini", "answer"))
                .cache(c -> c.embeddingModel(new dev.cascade.cache.EmbeddingModel() {
                    @Override
                    public String id() {
                        return "same";
                    }

                    @Override
                    public int dimensions() {
                        return 2;
                    }

                    @Override
                    public float[] embed(String text) {
                        return new float[] {1, 0};
                    }
                }).guard((a, b) -> Optional.of("numbers differ")))
                .openTelemetry(sdk)
                .build();
        chain.execute("charged twice for order 1234");
        chain.execute("charged twice for order 5678");
        SpanData refused = executionSpan(1);
        assertThat(refused.getAttributes().get(CACHE_HIT)).isFalse();
        assertThat(refused.getAttributes().get(CACHE_REFUSED)).isEqualTo("numbers differ");
        assertThat(refused.getAttributes().get(CACHE_SIMILARITY)).isEqualTo(1.0);
        assertThat(refused.getAttributes().asMap().values().toString()).doesNotContain("1234").doesNotContain("5678");
    }
}
