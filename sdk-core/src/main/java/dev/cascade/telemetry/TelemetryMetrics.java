package dev.cascade.telemetry;

import dev.cascade.Attempt;
import dev.cascade.Outcome;
import dev.cascade.event.CircuitStateChanged;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import static dev.cascade.telemetry.CascadeAttributes.*;

/** The instruments {@link CascadeTelemetry} records to. Thread-safe. */
final class TelemetryMetrics {
    private final Meter meter;
    private final LongHistogram tokenUsage;
    private final DoubleHistogram operationDuration;
    private final LongCounter executions;
    private final DoubleHistogram executionDuration;
    private final LongCounter fallbacks;
    private final LongCounter skips;
    private final LongCounter circuitTransitions;
    private final DoubleCounter cost;
    /** Latest known breaker state per chain/step, read by the {@code cascade.circuit.state} gauge. */
    private final Map<Attributes, Long> circuitStates = new ConcurrentHashMap<>();

    TelemetryMetrics(Meter meter) {
        this.meter = meter;
        this.tokenUsage = meter.histogramBuilder(METRIC_TOKEN_USAGE)
                .ofLongs()
                .setUnit("{token}")
                .setDescription("Number of input and output tokens used.")
                .setExplicitBucketBoundariesAdvice(TOKEN_USAGE_BUCKETS)
                .build();
        this.operationDuration = meter.histogramBuilder(METRIC_OPERATION_DURATION)
                .setUnit("s")
                .setDescription("GenAI operation duration.")
                .setExplicitBucketBoundariesAdvice(OPERATION_DURATION_BUCKETS)
                .build();
        this.executions = meter.counterBuilder(METRIC_EXECUTIONS)
                .setUnit("{execution}")
                .setDescription("Executions by chain, answering step and outcome.")
                .build();
        this.executionDuration = meter.histogramBuilder(METRIC_EXECUTION_DURATION)
                .setUnit("s")
                .setDescription("End-to-end duration of an execution.")
                .setExplicitBucketBoundariesAdvice(OPERATION_DURATION_BUCKETS)
                .build();
        this.fallbacks = meter.counterBuilder(METRIC_FALLBACKS)
                .setUnit("{attempt}")
                .setDescription("Steps that did not answer and passed the input on, by reason.")
                .build();
        this.skips = meter.counterBuilder(METRIC_SKIPS)
                .setUnit("{step}")
                .setDescription("Steps skipped by admission, by reason.")
                .build();
        this.circuitTransitions = meter.counterBuilder(METRIC_CIRCUIT_TRANSITIONS)
                .setUnit("{transition}")
                .setDescription("Circuit breaker state changes, by the new state.")
                .build();
        this.cost = meter.counterBuilder(METRIC_COST)
                .ofDoubles()
                .setUnit("USD")
                .setDescription("Money spent on model calls, as settled by the chain's budget.")
                .build();
        meter.gaugeBuilder(METRIC_CIRCUIT_STATE)
                .ofLongs()
                .setDescription("Circuit breaker state per chain step: 0 closed, 1 open, 2 half-open, 3 other.")
                .buildWithCallback(m -> circuitStates.forEach((attrs, v) -> m.record(v, attrs)));
    }

    void recordModelCall(String chain, Attempt a, String provider, String requestModel, String errorType) {
        AttributesBuilder b = Attributes.builder()
                .put(GEN_AI_OPERATION_NAME, OPERATION_CHAT)
                .put(CHAIN, chain)
                .put(STEP, a.step());
        if (provider != null) {
            b.put(GEN_AI_PROVIDER_NAME, provider);
        }
        if (requestModel != null) {
            b.put(GEN_AI_REQUEST_MODEL, requestModel);
        }
        if (a.model() != null) {
            b.put(GEN_AI_RESPONSE_MODEL, a.model());
        }
        if (errorType != null) {
            b.put(ERROR_TYPE, errorType);
        }
        Attributes common = b.build();
        operationDuration.record(a.latency().toNanos() / 1e9, common);
        if (a.cost().isPositive()) {
            cost.add(a.cost().toUsd().doubleValue(), common);
        }
        if (errorType == null) {
            tokenUsage.record(a.usage().inputTokens(), common.toBuilder().put(GEN_AI_TOKEN_TYPE, "input").build());
            tokenUsage.record(a.usage().outputTokens(), common.toBuilder().put(GEN_AI_TOKEN_TYPE, "output").build());
        }
    }

    void fallback(String chain, Attempt a) {
        fallbacks.add(1, Attributes.of(CHAIN, chain, STEP, a.step(), FAILURE_KIND,
                a.failure() == null ? a.status().name() : a.failure().name()));
    }

    void skip(String chain, Attempt a) {
        skips.add(1, Attributes.of(CHAIN, chain, STEP, a.step(), FAILURE_KIND, a.failure().name()));
    }

    void circuit(CircuitStateChanged e) {
        circuitTransitions.add(1, Attributes.of(CHAIN, e.chain(), STEP, e.step(), CIRCUIT_STATE, e.to()));
        long code = switch (e.to()) {
            case "CLOSED" -> 0;
            case "OPEN", "FORCED_OPEN" -> 1;
            case "HALF_OPEN" -> 2;
            default -> 3;
        };
        circuitStates.put(Attributes.of(CHAIN, e.chain(), STEP, e.step()), code);
    }

    void execution(String chain, Outcome<?> o) {
        Attributes attrs = Attributes.of(CHAIN, chain, ANSWERED_BY, o.answeredBy().orElse("none"), OUTCOME,
                o.status().name().toLowerCase(Locale.ROOT));
        executions.add(1, attrs);
        executionDuration.record(o.elapsed().toNanos() / 1e9, attrs);
    }

    void observeReviewQueue(String queue, LongSupplier depth) {
        Attributes attrs = Attributes.of(REVIEW_QUEUE, queue);
        meter.gaugeBuilder(METRIC_REVIEW_DEPTH)
                .ofLongs()
                .setUnit("{item}")
                .setDescription("Review items not yet decided.")
                .buildWithCallback(m -> m.record(depth.getAsLong(), attrs));
    }
}
