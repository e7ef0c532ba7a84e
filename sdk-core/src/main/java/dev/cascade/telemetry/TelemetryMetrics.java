package dev.cascade.telemetry;

import dev.cascade.api.Attempt;
import dev.cascade.api.Outcome;
import dev.cascade.budget.Budget;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;
import dev.cascade.event.Anomaly;
import dev.cascade.event.BudgetAlert;
import dev.cascade.event.LateCompletion;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
    private final LongCounter lastResorts;
    private final DoubleCounter cost;
    private final LongCounter anomalies;
    private final LongCounter budgetAlerts;
    private final LongCounter lateCompletions;
    private final LongCounter cacheLookups;
    private final DoubleCounter cacheSaved;
    private final DoubleHistogram qualityScore;
    private final LongCounter shadowSamples;
    private final DoubleHistogram shadowScore;
    private final DoubleCounter shadowCost;
    private final DoubleHistogram shadowDuration;
    private final Map<Attributes, Supplier<Optional<Double>>> budgets = new ConcurrentHashMap<>();

    void observeBudget(Budget budget, Scope scope, String subject, Window window) {
        budgets.put(Attributes.of(BUDGET_ACCOUNT, scope.name().toLowerCase(Locale.ROOT) + ":" + subject + "|" + window),
                () -> budget.spend(scope, subject, window).remaining().map(r -> r.toUsd().doubleValue()));
    }

    void anomaly(Anomaly e) {
        anomalies.add(1, Attributes.of(WATCHER, e.watcher(), SUBJECT, e.subject()));
    }

    /** A call the chain gave up on ended (or its grace ran out): counted, and what it settled added to the cost. */
    void lateCompletion(LateCompletion e) {
        String chain = e.execution() == null ? "unknown" : e.execution().chain();
        lateCompletions.add(1, Attributes.of(CHAIN, chain, STEP, e.step(), LATE_RESULT,
                e.result().name().toLowerCase(Locale.ROOT)));
        if (e.settled().isPositive()) {
            cost.add(e.settled().toUsd().doubleValue(), Attributes.of(GEN_AI_OPERATION_NAME, OPERATION_CHAT, CHAIN,
                    chain, STEP, e.step()));
        }
    }

    void budgetAlert(BudgetAlert e) {
        budgetAlerts.add(1, Attributes.of(BUDGET_ALERT, e.type().name(), BUDGET_ACCOUNT, e.account()));
    }

    /** What the {@code cascade.review.queue.depth} gauge reads at each collection, by queue name. */
    private final Map<String, ReviewDepth> reviewQueues = new ConcurrentHashMap<>();

    private record ReviewDepth(Attributes attributes, LongSupplier depth) {
    }

    /** The breakers the {@code cascade.circuit.state} gauge reads at each collection, by chain/step. */
    private final Map<Attributes, CircuitBreaker> breakers = new ConcurrentHashMap<>();

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
        this.lastResorts = meter.counterBuilder(METRIC_LAST_RESORTS)
                .setUnit("{attempt}")
                .setDescription("Last resort attempts (a wait for Retry-After, a probe past an open breaker), by step.")
                .build();
        this.cost = meter.counterBuilder(METRIC_COST)
                .ofDoubles()
                .setUnit("USD")
                .setDescription("Money spent on model calls, as settled by the chain's budget.")
                .build();
        this.anomalies = meter.counterBuilder(METRIC_ANOMALIES)
                .setUnit("{anomaly}")
                .setDescription("Anomalies raised by Cascade's watchers (spend, error rate, acceptance rate).")
                .build();
        this.budgetAlerts = meter.counterBuilder(METRIC_BUDGET_ALERTS)
                .setUnit("{alert}")
                .setDescription("Budget alerts: soft limits crossed, reservations exceeded, settles that failed.")
                .build();
        this.lateCompletions = meter.counterBuilder(METRIC_LATE_COMPLETIONS)
                .setUnit("{call}")
                .setDescription("Model calls that ended (or whose grace ran out) after the chain had given up on them.")
                .build();
        this.cacheLookups = meter.counterBuilder(METRIC_CACHE_LOOKUPS)
                .setUnit("{lookup}")
                .setDescription("Response cache lookups by result (exact, semantic, miss).")
                .build();
        this.cacheSaved = meter.counterBuilder(METRIC_CACHE_SAVED)
                .ofDoubles()
                .setUnit("USD")
                .setDescription("Money the response cache saved: the cost the answers it served had.")
                .build();
        this.qualityScore = meter.histogramBuilder(METRIC_QUALITY_SCORE)
                .setUnit("1")
                .setDescription("Quality scores in [0, 1]: accept gate verdicts (1 pass, 0 reject) and recorded scores.")
                .setExplicitBucketBoundariesAdvice(SCORE_BUCKETS)
                .build();
        this.shadowSamples = meter.counterBuilder(METRIC_SHADOW_SAMPLES)
                .setUnit("{execution}")
                .setDescription("Executions sampled by shadow candidates, by what became of them.")
                .build();
        this.shadowScore = meter.histogramBuilder(METRIC_SHADOW_SCORE)
                .setUnit("1")
                .setDescription("Comparator scores of shadow candidates' answers against the chain's.")
                .setExplicitBucketBoundariesAdvice(SCORE_BUCKETS)
                .build();
        this.shadowCost = meter.counterBuilder(METRIC_SHADOW_COST)
                .ofDoubles()
                .setUnit("USD")
                .setDescription("Money spent on shadow candidates' calls, at their price.")
                .build();
        this.shadowDuration = meter.histogramBuilder(METRIC_SHADOW_DURATION)
                .setUnit("s")
                .setDescription("Duration of shadow candidates' calls.")
                .setExplicitBucketBoundariesAdvice(OPERATION_DURATION_BUCKETS)
                .build();
        meter.gaugeBuilder(METRIC_BUDGET_REMAINING)
                .setUnit("USD")
                .setDescription("What the hard limit leaves in the current window.")
                .buildWithCallback(m -> budgets.forEach((attrs, q) -> q.get().ifPresent(v -> m.record(v, attrs))));
        meter.gaugeBuilder(METRIC_REVIEW_DEPTH)
                .ofLongs()
                .setUnit("{item}")
                .setDescription("Review items not yet decided, per queue (a store shared by several queues: its total).")
                .buildWithCallback(m -> reviewQueues.values().forEach(q -> {
                    long depth;
                    try {
                        depth = q.depth().getAsLong();
                    } catch (RuntimeException e) {
                        return; // a store that cannot answer now (database down) reports no point, not a wrong one
                    }
                    m.record(depth, q.attributes());
                }));
        meter.gaugeBuilder(METRIC_CIRCUIT_STATE)
                .ofLongs()
                .setDescription("Circuit breaker state per chain step: 0 closed, 1 open, 2 half-open, 3 other.")
                .buildWithCallback(m -> breakers.forEach((attrs, b) -> m.record(code(b.getState()), attrs)));
    }

    /** The attribute sets of one kind of model call: built once, reused (building Attributes is not free). */
    private record CallKey(String chain, String step, String provider, String requestModel, String responseModel,
                           String errorType) {
    }

    /** A model call that named a prompt template: its own map, so calls without one build the same key as ever. */
    private record TemplateCallKey(CallKey call, String template) {
    }

    private final Map<TemplateCallKey, CallAttributes> templateCallAttributes = new ConcurrentHashMap<>();

    private record CallAttributes(Attributes common, Attributes input, Attributes output) {
    }

    private record CountKey(String chain, String step, String kind) {
    }

    private final Map<CallKey, CallAttributes> callAttributes = new ConcurrentHashMap<>();
    private final Map<CountKey, Attributes> countAttributes = new ConcurrentHashMap<>();
    private final Map<CountKey, Attributes> executionAttributes = new ConcurrentHashMap<>();

    void recordModelCall(String chain, Attempt a, String provider, String requestModel, String errorType) {
        recordModelCall(chain, a, provider, requestModel, errorType, null);
    }

    /** @param template the request's prompt template, or null */
    void recordModelCall(String chain, Attempt a, String provider, String requestModel, String errorType,
                         String template) {
        CallAttributes attrs = template == null
                ? callAttributes.computeIfAbsent(new CallKey(chain, a.step(), provider, requestModel, a.model(),
                        errorType), TelemetryMetrics::build)
                : templateCallAttributes.computeIfAbsent(new TemplateCallKey(new CallKey(chain, a.step(), provider,
                        requestModel, a.model(), errorType), template), TelemetryMetrics::build);
        operationDuration.record(a.latency().toNanos() / 1e9, attrs.common());
        if (a.cost().isPositive()) {
            cost.add(a.cost().toUsd().doubleValue(), attrs.common());
        }
        if (errorType == null) {
            tokenUsage.record(a.usage().inputTokens(), attrs.input());
            tokenUsage.record(a.usage().outputTokens(), attrs.output());
        }
    }

    private static CallAttributes build(TemplateCallKey k) {
        CallAttributes plain = build(k.call());
        return new CallAttributes(plain.common().toBuilder().put(GEN_AI_PROMPT_NAME, k.template()).build(),
                plain.input().toBuilder().put(GEN_AI_PROMPT_NAME, k.template()).build(),
                plain.output().toBuilder().put(GEN_AI_PROMPT_NAME, k.template()).build());
    }

    private static CallAttributes build(CallKey k) {
        AttributesBuilder b = Attributes.builder()
                .put(GEN_AI_OPERATION_NAME, OPERATION_CHAT)
                .put(CHAIN, k.chain())
                .put(STEP, k.step());
        if (k.provider() != null) {
            b.put(GEN_AI_PROVIDER_NAME, k.provider());
        }
        if (k.requestModel() != null) {
            b.put(GEN_AI_REQUEST_MODEL, k.requestModel());
        }
        if (k.responseModel() != null) {
            b.put(GEN_AI_RESPONSE_MODEL, k.responseModel());
        }
        if (k.errorType() != null) {
            b.put(ERROR_TYPE, k.errorType());
        }
        Attributes common = b.build();
        return new CallAttributes(common, common.toBuilder().put(GEN_AI_TOKEN_TYPE, "input").build(),
                common.toBuilder().put(GEN_AI_TOKEN_TYPE, "output").build());
    }

    void fallback(String chain, String step, String kind) {
        fallbacks.add(1, counted(chain, step, kind));
    }

    void lastResort(String chain, String step, String mode) {
        lastResorts.add(1, Attributes.of(CHAIN, chain, STEP, step, LAST_RESORT, mode));
    }

    void skip(String chain, Attempt a) {
        skips.add(1, counted(chain, a.step(), a.failure().name()));
    }

    private Attributes counted(String chain, String step, String kind) {
        return countAttributes.computeIfAbsent(new CountKey(chain, step, kind),
                k -> Attributes.of(CHAIN, k.chain(), STEP, k.step(), FAILURE_KIND, k.kind()));
    }

    /**
     * Reads {@code breaker}'s state at every collection. Read, not pushed: subscribing to a breaker's events would make
     * resilience4j build an event object on every call.
     */
    void observeBreaker(String chain, String step, CircuitBreaker breaker) {
        breakers.put(Attributes.of(CHAIN, chain, STEP, step), breaker);
    }

    private static long code(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }

    /** Execution attributes of executions that named a prompt template, by (chain, answered by, status, template). */
    private record TemplateKey(CountKey count, String template) {
    }

    private final Map<TemplateKey, Attributes> templateAttributes = new ConcurrentHashMap<>();
    private final Map<List<String>, Attributes> scoreAttributes = new ConcurrentHashMap<>();
    private final Map<List<String>, Attributes> shadowAttributes = new ConcurrentHashMap<>();

    /** A quality score for {@code template} (null: none) from {@code source}. */
    void score(String chain, String template, String source, double score) {
        Attributes attrs = scoreAttributes.computeIfAbsent(java.util.Arrays.asList(chain, template, source), k -> {
            AttributesBuilder b = Attributes.builder().put(CHAIN, chain).put(SCORE_SOURCE, source);
            if (template != null) {
                b.put(GEN_AI_PROMPT_NAME, template);
            }
            return b.build();
        });
        qualityScore.record(score, attrs);
    }

    /** A shadow sample's result; its score, cost and duration when it was compared or called. */
    void shadow(dev.cascade.event.ShadowCompared e) {
        Attributes common = shadowAttributes.computeIfAbsent(List.of(e.chain(), e.candidate()),
                k -> Attributes.of(CHAIN, e.chain(), SHADOW_CANDIDATE, e.candidate()));
        shadowSamples.add(1, common.toBuilder().put(SHADOW_RESULT, e.result().name().toLowerCase(Locale.ROOT))
                .build());
        if (!Double.isNaN(e.score())) {
            shadowScore.record(e.score(), common);
        }
        if (e.cost().isPositive()) {
            shadowCost.add(e.cost().toUsd().doubleValue(), common);
        }
        if (e.called()) {
            shadowDuration.record(e.latency().toNanos() / 1e9, common);
        }
    }

    void execution(String chain, Outcome<?> o) {
        String template = o.templateId().orElse(null);
        Attributes attrs = template == null
                ? executionAttributes.computeIfAbsent(
                        new CountKey(chain, o.answeredBy().orElse("none"), o.status().name()),
                        TelemetryMetrics::executionAttrs)
                : templateAttributes.computeIfAbsent(new TemplateKey(new CountKey(chain,
                                o.answeredBy().orElse("none"), o.status().name()), template),
                        k -> executionAttrs(k.count()).toBuilder().put(GEN_AI_PROMPT_NAME, k.template()).build());
        executions.add(1, attrs);
        executionDuration.record(o.elapsed().toNanos() / 1e9, attrs);
    }

    /** A response cache lookup: counted by result, and what a hit saved added up. */
    void cacheLookup(String chain, String result, dev.cascade.api.Money saved) {
        cacheLookups.add(1, Attributes.of(CHAIN, chain, CACHE_RESULT, result));
        if (saved.isPositive()) {
            cacheSaved.add(saved.toUsd().doubleValue(), Attributes.of(CHAIN, chain));
        }
    }

    private static Attributes executionAttrs(CountKey k) {
        return Attributes.of(CHAIN, k.chain(), ANSWERED_BY, k.step(), OUTCOME, k.kind().toLowerCase(Locale.ROOT));
    }

    void observeReviewQueue(String queue, LongSupplier depth) {
        reviewQueues.put(queue, new ReviewDepth(Attributes.of(REVIEW_QUEUE, queue), depth));
    }
}
