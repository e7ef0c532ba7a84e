package dev.cascade.telemetry;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.review.DurableReviewQueue;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.review.InMemoryReviewStore;
import dev.cascade.review.ReviewCodec;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cascade.telemetry.CascadeAttributes.METRIC_REVIEW_DEPTH;
import static dev.cascade.telemetry.CascadeAttributes.REVIEW_QUEUE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 item 10: {@code cascade.review.queue.depth} was documented but only emitted when the user called
 * {@code observeReviewQueue} by hand. A chain built with telemetry now registers its review step's queue itself.
 */
class ReviewDepthGaugeTest {

    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();

    @AfterEach
    void tearDown() {
        sdk.close();
    }

    private static FakeModel down() {
        return FakeModel.failing("openai", "gpt-4o", FailureKind.UNAVAILABLE, "503");
    }

    @Test
    void aChainWithTelemetryReportsItsInMemoryQueueDepthWithoutBeingAsked() {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", down())
                .humanReview("support-desk", queue)
                .openTelemetry(sdk)
                .build();

        assertThat(chain.execute("one").status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(chain.execute("two").status()).isEqualTo(Outcome.Status.PENDING_REVIEW);

        assertThat(depthPoints()).singleElement().satisfies(p -> {
            assertThat(p.getAttributes()).isEqualTo(Attributes.of(REVIEW_QUEUE, "support-desk"));
            assertThat(p.getValue()).isEqualTo(2);
        });
    }

    /** The Spring starter's shape: durable queues over one shared store, one per chain, same step name. */
    @Test
    void durableQueuesOverOneStoreReportTheStoreOnce() {
        InMemoryReviewStore store = new InMemoryReviewStore();
        CascadeTelemetry telemetry = CascadeTelemetry.create(sdk);
        for (String name : List.of("billing", "shipping")) {
            DurableReviewQueue<String, String> queue = DurableReviewQueue
                    .builder(store, ReviewCodec.strings(), ReviewCodec.strings()).chain(name).build();
            Cascade<String, String> chain = Cascade.<String, String>builder(name)
                    .prompt(ModelRequest::of).parse(ModelResponse::text)
                    .model("advanced", down())
                    .humanReview("human-review", queue)
                    .listener(telemetry)
                    .build();
            assertThat(chain.execute("help " + name).status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        }

        assertThat(depthPoints()).singleElement().satisfies(p -> {
            assertThat(p.getAttributes()).isEqualTo(Attributes.of(REVIEW_QUEUE, "human-review"));
            assertThat(p.getValue()).isEqualTo(2);
        });
    }

    @Test
    void aQueueThatCannotAnswerReportsNoPointAndDoesNotHideTheOthers() {
        CascadeTelemetry telemetry = CascadeTelemetry.create(sdk);
        telemetry.observeReviewQueue("broken", () -> {
            throw new IllegalStateException("database down");
        });
        telemetry.observeReviewQueue("fine", () -> 3);

        assertThat(depthPoints()).singleElement().satisfies(p -> {
            assertThat(p.getAttributes()).isEqualTo(Attributes.of(REVIEW_QUEUE, "fine"));
            assertThat(p.getValue()).isEqualTo(3);
        });
    }

    private List<LongPointData> depthPoints() {
        MetricData depth = metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(METRIC_REVIEW_DEPTH))
                .findFirst().orElseThrow(() -> new AssertionError(METRIC_REVIEW_DEPTH + " was not emitted"));
        return List.copyOf(depth.getLongGaugeData().getPoints());
    }
}
