package dev.cascade.telemetry;

import dev.cascade.api.Attempt;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.ReviewDecision;
import dev.cascade.api.ReviewRequest;
import dev.cascade.api.StepKind;
import dev.cascade.budget.Budget;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;
import dev.cascade.event.Alert;
import dev.cascade.event.Anomaly;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.AttemptStarted;
import dev.cascade.event.BudgetAlert;
import dev.cascade.event.ChainBuilt;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.event.ExecutionStarted;
import dev.cascade.event.LastResort;
import dev.cascade.event.LateCompletion;
import dev.cascade.event.ReviewSubmitted;
import dev.cascade.event.ScoreRecorded;
import dev.cascade.event.ShadowCompared;
import dev.cascade.event.StepSkipped;
import dev.cascade.spi.AttemptInterceptor;
import dev.cascade.spi.AttemptResult;
import dev.cascade.spi.CascadeListener;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import static dev.cascade.telemetry.CascadeAttributes.*;

/**
 * OpenTelemetry spans and metrics for chains, as a {@link CascadeListener} and an {@link AttemptInterceptor}: the
 * listener records what happened; the interceptor opens each model attempt's CLIENT span and makes it current around
 * the call. Add it with {@link dev.cascade.CascadeBuilder#openTelemetry(OpenTelemetry)} or
 * {@link dev.cascade.CascadeBuilder#listener} (which registers it as both).
 * Uses {@code opentelemetry-api} only: with no SDK installed, {@code openTelemetry(...)} adds nothing and the chain
 * pays nothing.
 *
 * <p>The trace of one execution:
 * <pre>
 * cascade {chain}                 INTERNAL  child of the caller's span; cascade.answered_by, cascade.outcome
 * ├─ chat {model}                 CLIENT    one per model attempt: gen_ai.* attributes, error.type + ERROR on failure
 * ├─ rules {step}                 INTERNAL  rules, custom and review steps: "{kind} {step}", or "{kind}" when the
 * │                                          step's name is its kind ("human_review", not "human_review human-review")
 * └─ events on the root           cascade.step.skipped, cascade.fallback, cascade.alert, cascade.last_resort
 * </pre>
 * A retry attempt carries {@code cascade.retry.delay_ms}, the wait before it, on its own span; a retry that never
 * runs (admission refused it after the wait) leaves no trace of a delay, and the failure before it is the step's
 * {@code cascade.fallback}.
 * <pre>
 * </pre>
 * The model call runs inside its attempt span, so the client library's HTTP spans nest under it.
 *
 * <p>Prompt and completion text are recorded only with {@link Builder#captureContent(boolean)}, as the semantic
 * conventions' opt-in attributes, after the {@link Builder#redactor redactor}. API keys and headers are never seen by
 * Cascade's telemetry. Thread-safe; one instance may serve many chains.
 */
public final class CascadeTelemetry implements CascadeListener, AttemptInterceptor {
    /** Instrumentation scope name. */
    public static final String SCOPE = "dev.cascade";
    /** Instrumentation scope version: the version of cascade-core, or {@code null} when it cannot be read. */
    public static final String SCOPE_VERSION = readVersion();
    /**
     * The semantic-conventions schema the attribute names follow: 1.40.0, the version Cascade pins and checks its
     * {@code gen_ai.*} and {@code error.type} names against ({@code opentelemetry-semconv} 1.40.0). Every name it writes
     * is also current in 1.41.
     */
    public static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.40.0";

    /** The attachment key of an execution's {@link Trace}. */
    private static final Object TRACE = new Object();
    /** {@code cascade.score.source} of the accept gate's verdicts. */
    static final String SCORE_SOURCE_GATE = "accept_gate";

    /**
     * What telemetry keeps for one execution, in one attachment (one lookup per event rather than one per item: each
     * lookup takes the execution's lock). Confined to the execution's thread, like the events that use it.
     */
    private static final class Trace {
        /** The span of the attempt in progress, or null. */
        Open attempt;
        /** A failed attempt whose retry was scheduled: its wait goes on the retry's span, or it is a fallback. */
        Attempt retryOf;
        long retryDelayMillis;
        /** A last resort announced for a step: its attempt's span says so. Null when none. */
        LastResort lastResort;

        /** Takes the pending retry, if any: true when it was for {@code step}. */
        boolean takeRetryOf(String step) {
            Attempt failed = retryOf;
            retryOf = null;
            return failed != null && failed.step().equals(step);
        }
    }

    /** The execution's trace state, made on first use. */
    private static Trace trace(ExecutionInfo x) {
        Trace t = x.attachment(TRACE);
        if (t == null) {
            t = new Trace();
            x.attach(TRACE, t);
        }
        return t;
    }

    /** What an attempt's end needs from its start; {@code lastResort}: the chain's last resort (never a fallback). */
    private record Open(Span span, String provider, String requestModel, boolean lastResort, String template) {
    }
    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;
    private final TelemetryMetrics metrics;
    private final boolean captureContent;
    private final UnaryOperator<String> redactor;
    private final Map<String, String> rootNames = new ConcurrentHashMap<>();
    private final Map<String, String> modelSpanNames = new ConcurrentHashMap<>();
    private final Map<String, String> stepSpanNames = new ConcurrentHashMap<>();

    private CascadeTelemetry(Builder b) {
        var tracers = b.openTelemetry.tracerBuilder(SCOPE).setSchemaUrl(SCHEMA_URL);
        var meters = b.openTelemetry.meterBuilder(SCOPE).setSchemaUrl(SCHEMA_URL);
        if (SCOPE_VERSION != null) {
            tracers.setInstrumentationVersion(SCOPE_VERSION);
            meters.setInstrumentationVersion(SCOPE_VERSION);
        }
        this.tracer = tracers.build();
        this.metrics = new TelemetryMetrics(meters.build());
        this.captureContent = b.captureContent;
        this.redactor = b.redactor;
    }

    /** Telemetry with defaults: no content capture. */
    public static CascadeTelemetry create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
    }

    /**
     * Whether {@code openTelemetry} is the API's no-op (no SDK installed), in which case adding telemetry would only
     * cost time.
     */
    public static boolean isNoop(OpenTelemetry openTelemetry) {
        return openTelemetry.getTracerProvider() == TracerProvider.noop()
                && openTelemetry.getMeterProvider() == MeterProvider.noop();
    }

    /**
     * Reports {@code depth} as the gauge {@code cascade.review.queue.depth} for the queue named {@code queue}, read at
     * each collection; a later call for the same name replaces the earlier one. A chain built with this telemetry as a
     * listener registers its human review step itself (under the step's name) when the queue is an
     * {@link dev.cascade.review.InMemoryReviewQueue} or a {@link dev.cascade.review.DurableReviewQueue} (the depth of
     * its store: chains sharing a store report its total); call this for a queue of your own. A supplier that throws
     * reports no point for that collection.
     */
    public void observeReviewQueue(String queue, LongSupplier depth) {
        metrics.observeReviewQueue(queue, depth);
    }

    /**
     * Reports what {@code budget} leaves {@code subject} in the current {@code window} as the gauge
     * {@code cascade.budget.remaining} (USD), read at each collection; only for a scope and window with a hard limit.
     */
    public void observeBudget(Budget budget, Scope scope, String subject, Window window) {
        metrics.observeBudget(budget, scope, subject, window);
    }

    /** Counts anomalies from the watchers as {@code cascade.anomalies}; give this telemetry to a watcher's builder. */
    @Override
    public void onAnomaly(Anomaly e) {
        metrics.anomaly(e);
    }

    /**
     * Counts calls that ended after the chain gave up on them as {@code cascade.late_completions} (by
     * {@code cascade.late.result}), and adds what they settled to {@code cascade.cost}. No span: the attempt's span
     * has ended.
     */
    @Override
    public void onLateCompletion(LateCompletion e) {
        metrics.lateCompletion(e);
    }

    /** Counts budget alerts as {@code cascade.budget.alerts}; give this telemetry to a budget's builder. */
    @Override
    public void onBudgetAlert(BudgetAlert e) {
        metrics.budgetAlert(e);
    }

    /**
     * Reports {@code breaker}'s state as the gauge {@code cascade.circuit.state} (0 closed, 1 open, 2 half-open) for
     * {@code chain}/{@code step}. A chain built with this telemetry as a listener registers its breakers itself.
     */
    public void observeCircuitBreaker(String chain, String step, CircuitBreaker breaker) {
        metrics.observeBreaker(chain, step, breaker);
    }

    /**
     * Records a reviewer's decision as a span linked to the trace of the execution that created the item (from
     * {@link ReviewRequest#traceContext()}), so the decision, made later and maybe in another process, shows in the
     * same story.
     */
    public void recordReviewDecision(ReviewRequest<?> request, ReviewDecision<?> decision) {
        SpanBuilder b = tracer.spanBuilder("review.decision " + request.step())
                .setSpanKind(SpanKind.INTERNAL)
                .setNoParent()
                .setAttribute(CHAIN, request.chain())
                .setAttribute(STEP, request.step())
                .setAttribute(EXECUTION_ID, request.executionId())
                .setAttribute(REVIEW_ID, decision.itemId())
                .setAttribute(REVIEW_VERDICT, decision.verdict().name());
        SpanContext origin = Span.fromContext(W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), request.traceContext(), MAP_GETTER)).getSpanContext();
        if (origin.isValid()) {
            b.addLink(origin);
        }
        b.startSpan().end();
    }

    /** Registers the chain's breakers and review queue depth as gauges (see {@link #observeCircuitBreaker}). */
    @Override
    public void onChainBuilt(ChainBuilt e) {
        e.breakers().forEach((step, breaker) -> observeCircuitBreaker(e.chain(), step, breaker));
        e.reviewDepths().forEach(this::observeReviewQueue);
    }

    /**
     * Opens the attempt's CLIENT span ({@code chat {model}}) and makes it current around the call, so the client
     * library's own spans (HTTP) nest under it, also on the pool thread of a timed call. The span ends when the
     * attempt is recorded ({@link #onAttemptFinished}, {@link #onAttemptFailed}), or here when an inner interceptor
     * refused the attempt.
     */
    @Override
    public AttemptResult intercept(Invocation invocation) {
        ExecutionInfo x = invocation.execution();
        if (x == null) {
            return invocation.proceed(invocation.request());
        }
        Context parent = x.executionContext() != null ? x.executionContext() : x.parentContext();
        Trace trace = trace(x);
        long retryDelayMillis = trace.retryDelayMillis;
        boolean retried = trace.takeRetryOf(invocation.step());
        String model = invocation.model();
        ModelRequest r = invocation.request();
        String provider = invocation.client().provider();
        SpanBuilder b = tracer.spanBuilder(model == null ? OPERATION_CHAT
                        : modelSpanNames.computeIfAbsent(model, m -> OPERATION_CHAT + " " + m))
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(GEN_AI_OPERATION_NAME, OPERATION_CHAT)
                .setAttribute(GEN_AI_PROVIDER_NAME, provider)
                .setAttribute(STEP, invocation.step())
                .setAttribute(STEP_KIND, "model")
                .setAttribute(ATTEMPT, invocation.attempt());
        if (model != null) {
            b.setAttribute(GEN_AI_REQUEST_MODEL, model);
        }
        int maxOutputTokens = r.maxOutputTokens().orElse(0);
        if (maxOutputTokens > 0) {
            b.setAttribute(GEN_AI_REQUEST_MAX_TOKENS, (long) maxOutputTokens);
        }
        String circuitState = invocation.circuitState();
        if (circuitState != null) {
            b.setAttribute(CIRCUIT_STATE, circuitState);
        }
        if (retried) {
            b.setAttribute(RETRY_DELAY_MS, retryDelayMillis);
        }
        LastResort last = trace.lastResort;
        boolean lastResort = last != null;
        if (last != null) {
            trace.lastResort = null;
            b.setAttribute(LAST_RESORT, last.mode().label());
            if (last.delay().toNanos() > 0) {
                b.setAttribute(RETRY_DELAY_MS, last.delay().toMillis());
            }
        }
        String template = r.templateId();
        if (template != null) {
            b.setAttribute(GEN_AI_PROMPT_NAME, template);
        }
        if (captureContent) {
            if (r.system() != null) {
                b.setAttribute(GEN_AI_SYSTEM_INSTRUCTIONS, ContentJson.systemInstructions(redactor.apply(r.system())));
            }
            b.setAttribute(GEN_AI_INPUT_MESSAGES, ContentJson.inputMessages(redactor.apply(r.user())));
        }
        Span span = b.startSpan();
        Open open = new Open(span, provider, model, lastResort, template);
        trace.attempt = open;
        AttemptResult result;
        try (io.opentelemetry.context.Scope ignored = parent.with(span).makeCurrent()) {
            result = invocation.proceed(r);
        }
        if (result.kind() == AttemptResult.Kind.REFUSED && trace.attempt == open) {
            // Refused inside this span (by a later interceptor): no attempt is recorded, so end the span here.
            trace.attempt = null;
            span.setAttribute(FAILURE_KIND, result.failure().name());
            span.setAttribute(REASON, redactor.apply(String.valueOf(result.reason())));
            span.end();
        }
        return result;
    }

    @Override
    public void onExecutionStarted(ExecutionStarted e) {
        ExecutionInfo x = e.execution();
        Span root = tracer.spanBuilder(rootNames.computeIfAbsent(x.chain(), c -> "cascade " + c))
                .setParent(x.parentContext())
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(CHAIN, x.chain())
                .setAttribute(EXECUTION_ID, x.executionId())
                .setAttribute(FIRST_STEP, e.firstStep())
                .startSpan();
        x.setExecutionContext(x.parentContext().with(root));
        x.attach(TRACE, new Trace());
    }

    @Override
    public void onAttemptStarted(AttemptStarted e) {
        if (e.stepKind() == StepKind.MODEL) {
            return; // the attempt's span was opened by intercept(), around the call
        }
        ExecutionInfo x = e.execution();
        Context parent = x.executionContext() != null ? x.executionContext() : x.parentContext();
        Trace trace = trace(x);
        trace.retryOf = null;
        Span span = tracer.spanBuilder(spanName(e.stepKind(), e.step()))
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(STEP, e.step())
                .setAttribute(STEP_KIND, kindName(e.stepKind()))
                .startSpan();
        trace.attempt = new Open(span, null, null, false, null);
    }

    @Override
    public void onAttemptFinished(AttemptFinished e) {
        ExecutionInfo x = e.execution();
        Attempt a = e.attempt();
        Trace trace = trace(x);
        Open open = trace.attempt;
        if (open == null) {
            return;
        }
        trace.attempt = null;
        Span span = open.span();
        span.setAttribute(STATUS, statusName(a.status()));
        if (a.stepKind() == StepKind.MODEL) {
            ModelResponse r = e.response();
            if (a.model() != null) {
                span.setAttribute(GEN_AI_RESPONSE_MODEL, a.model());
            }
            span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, a.usage().inputTokens());
            span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, a.usage().outputTokens());
            if (a.usage().cachedInputTokens() > 0) {
                span.setAttribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, a.usage().cachedInputTokens());
            }
            if (a.finishReason() != null) {
                span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of(a.finishReason()));
            }
            if (a.cost().isPositive()) {
                span.setAttribute(COST_USD, a.cost().toUsd().doubleValue());
            }
            if (captureContent && r != null && r.text() != null) {
                span.setAttribute(GEN_AI_OUTPUT_MESSAGES,
                        ContentJson.outputMessages(redactor.apply(r.text()), a.finishReason()));
            }
            metrics.recordModelCall(x.chain(), a, open.provider(), open.requestModel(), null, open.template());
            if (open.template() != null && (a.status() == Attempt.Status.ANSWERED
                    || a.status() == Attempt.Status.REJECTED)) {
                // The accept gate's verdict (a parser that failed is a reject too) is the template's quality score.
                metrics.score(x.chain(), open.template(), SCORE_SOURCE_GATE,
                        a.status() == Attempt.Status.ANSWERED ? 1.0 : 0.0);
            }
        }
        if (a.status() == Attempt.Status.REJECTED || a.status() == Attempt.Status.PASSED) {
            if (a.failure() != null) {
                span.setAttribute(FAILURE_KIND, a.failure().name());
            }
            if (a.reason() != null) {
                span.setAttribute(REASON, redactor.apply(a.reason()));
            }
            if (!open.lastResort()) {
                fallback(x, a);
            }
        }
        span.end();
    }

    @Override
    public void onAttemptFailed(AttemptFailed e) {
        ExecutionInfo x = e.execution();
        Attempt a = e.attempt();
        Trace trace = trace(x);
        Open open = trace.attempt;
        Span span;
        // A last-resort attempt is not a fallback: its step fell back (or was skipped) already.
        boolean lastResort = open != null ? open.lastResort() : trace.lastResort != null;
        if (open == null) {
            trace.lastResort = null;
        }
        if (open != null) {
            span = open.span();
        } else {
            // A failure before any call (a prompt mapper that threw): a span of its own, so the story is complete.
            span = tracer.spanBuilder(spanName(a.stepKind(), a.step()))
                    .setParent(x.executionContext() != null ? x.executionContext() : x.parentContext())
                    .setAttribute(STEP, a.step())
                    .setAttribute(STEP_KIND, kindName(a.stepKind()))
                    .startSpan();
        }
        trace.attempt = null;
        String kind = a.failure() == null ? "UNKNOWN" : a.failure().name();
        span.setAttribute(ERROR_TYPE, kind);
        span.setAttribute(FAILURE_KIND, kind);
        if (e.retrying()) {
            // The wait is written on the retry's span when it starts: a retry that admission then refuses never ran.
            trace.retryOf = a;
            trace.retryDelayMillis = e.retryIn().toMillis();
        }
        String reason = a.reason() == null ? null : redactor.apply(a.reason());
        if (reason != null) {
            span.setAttribute(REASON, reason);
        }
        span.setStatus(StatusCode.ERROR, reason == null ? kind : reason);
        if (open != null && a.stepKind() == StepKind.MODEL) {
            metrics.recordModelCall(x.chain(), a, open.provider(), open.requestModel(), kind, open.template());
        }
        span.end();
        if (!e.retrying() && !lastResort) {
            fallback(x, a);
        }
    }

    @Override
    public void onStepSkipped(StepSkipped e) {
        Attempt a = e.attempt();
        ExecutionInfo x = e.execution();
        String reason = redactor.apply(String.valueOf(a.reason()));
        root(x).addEvent(EVENT_STEP_SKIPPED, Attributes.of(STEP, a.step(), FAILURE_KIND,
                a.failure().name(), REASON, reason));
        metrics.skip(x.chain(), a);
        Trace trace = trace(x);
        trace.lastResort = null;
        Attempt failed = trace.retryOf;
        if (trace.takeRetryOf(a.step())) {
            // The retry was refused after its wait: the step falls back on the failure before it.
            fallback(x, a.step(), failed.failure() == null ? "UNKNOWN" : failed.failure().name(), reason);
        }
    }

    /** A root event {@code cascade.last_resort} and the {@code cascade.last_resorts} counter; marks the attempt. */
    @Override
    public void onLastResort(LastResort e) {
        ExecutionInfo x = e.execution();
        root(x).addEvent(EVENT_LAST_RESORT, Attributes.of(STEP, e.step(), LAST_RESORT, e.mode().label(),
                RETRY_DELAY_MS, e.delay().toMillis()));
        trace(x).lastResort = e;
        metrics.lastResort(x.chain(), e.step(), e.mode().label());
    }

    @Override
    public void onAlert(Alert e) {
        root(e.execution()).addEvent(EVENT_ALERT, Attributes.of(STEP, e.step(), FAILURE_KIND, e.kind().name(),
                REASON, redactor.apply(String.valueOf(e.message()))));
    }

    @Override
    public void onReviewSubmitted(ReviewSubmitted e) {
        root(e.execution()).setAttribute(REVIEW_ID, e.reviewId());
    }

    @Override
    public void onExecutionFinished(ExecutionFinished e) {
        ExecutionInfo x = e.execution();
        Outcome<?> o = e.outcome();
        Span root = root(x);
        String outcome = o.status().name().toLowerCase(Locale.ROOT);
        root.setAttribute(OUTCOME, outcome);
        root.setAttribute(ROUTED, o.route().routed());
        String answeredBy = o.answeredBy().orElse(null); // no capturing lambdas on this per-execution path
        if (answeredBy != null) {
            root.setAttribute(ANSWERED_BY, answeredBy);
        }
        String template = o.templateId().orElse(null);
        if (template != null) {
            root.setAttribute(GEN_AI_PROMPT_NAME, template);
        }
        Money cost = o.cost(); // summed over the attempts: once
        if (cost.isPositive()) {
            root.setAttribute(COST_USD, cost.toUsd().doubleValue());
        }
        o.cacheLookup().ifPresent(c -> cache(x, root, c));
        if (o.status() == Outcome.Status.UNANSWERED || o.status() == Outcome.Status.CANCELLED) {
            root.setStatus(StatusCode.ERROR, outcome);
        }
        root.end();
        metrics.execution(x.chain(), o);
    }

    /** The response cache's part of the execution span, and its metrics. */
    private void cache(ExecutionInfo x, Span root, dev.cascade.api.CacheLookup c) {
        dev.cascade.api.CacheHit hit = c.hit();
        root.setAttribute(CACHE_HIT, hit != null);
        if (!Double.isNaN(c.bestSimilarity())) {
            root.setAttribute(CACHE_SIMILARITY, c.bestSimilarity());
        }
        if (hit != null) {
            root.setAttribute(CACHE_RESULT, hit.exact() ? "exact" : "semantic");
            root.setAttribute(CACHE_SAVED_USD, hit.savedCost().toUsd().doubleValue());
        } else {
            if (c.refusedBy() != null) {
                root.setAttribute(CACHE_REFUSED, c.refusedBy());
            }
            if (c.stored() != null) {
                root.setAttribute(CACHE_STORED, c.stored());
            }
        }
        metrics.cacheLookup(x.chain(), hit == null ? "miss" : hit.exact() ? "exact" : "semantic",
                hit == null ? Money.ZERO : hit.savedCost());
    }

    /**
     * Records a shadow sample: the counter {@code cascade.shadow.samples} by result, and for a call that was made, a
     * span {@code shadow {candidate}} (CLIENT, no parent) <em>linked</em> to the live execution's root span (it ran
     * after the caller had its answer, so it is not part of that trace's critical path), with the call's start and
     * duration, {@code cascade.shadow.result} and {@code cascade.shadow.score}; plus {@code cascade.shadow.score},
     * {@code cascade.shadow.cost} and {@code cascade.shadow.duration}.
     */
    @Override
    public void onShadowCompared(ShadowCompared e) {
        metrics.shadow(e);
        if (!e.called()) {
            return;
        }
        SpanBuilder b = tracer.spanBuilder("shadow " + e.candidate())
                .setNoParent()
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(e.started())
                .setAttribute(GEN_AI_OPERATION_NAME, OPERATION_CHAT)
                .setAttribute(CHAIN, e.chain())
                .setAttribute(EXECUTION_ID, e.executionId())
                .setAttribute(SHADOW_CANDIDATE, e.candidate())
                .setAttribute(SHADOW_RESULT, e.result().name().toLowerCase(Locale.ROOT))
                .setAttribute(GEN_AI_USAGE_INPUT_TOKENS, e.usage().inputTokens())
                .setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, e.usage().outputTokens());
        if (!Double.isNaN(e.score())) {
            b.setAttribute(SHADOW_SCORE, e.score());
        }
        if (e.cost().isPositive()) {
            b.setAttribute(COST_USD, e.cost().toUsd().doubleValue());
        }
        ExecutionInfo x = e.execution();
        if (x != null && x.executionContext() != null) {
            SpanContext origin = Span.fromContext(x.executionContext()).getSpanContext();
            if (origin.isValid()) {
                b.addLink(origin);
            }
        }
        Span span = b.startSpan();
        if (e.result() == ShadowCompared.Result.FAILED) {
            String reason = redactor.apply(String.valueOf(e.reason()));
            span.setAttribute(REASON, reason);
            span.setStatus(StatusCode.ERROR, reason);
        }
        span.end(e.started().plus(e.latency()));
    }

    /** Records a score given to an execution after the fact as {@code cascade.quality.score}. */
    @Override
    public void onScoreRecorded(ScoreRecorded e) {
        metrics.score(e.chain(), e.templateId(), e.source(), e.score());
    }

    private void fallback(ExecutionInfo x, Attempt a) {
        // A step that passed (rules, custom) has no failure: its status, in the same upper case as failure kinds.
        fallback(x, a.step(), a.failure() == null ? a.status().name() : a.failure().name(),
                redactor.apply(String.valueOf(a.reason())));
    }

    private void fallback(ExecutionInfo x, String step, String kind, String reason) {
        root(x).addEvent(EVENT_FALLBACK, Attributes.of(STEP, step, FAILURE_KIND, kind, REASON, reason));
        metrics.fallback(x.chain(), step, kind);
    }

    private static Span root(ExecutionInfo x) {
        return x.executionContext() == null ? Span.getInvalid() : Span.fromContext(x.executionContext());
    }

    /**
     * The span name of a step that is not a model call: {@code "{kind} {step}"} (e.g. {@code rules faq},
     * {@code human_review support-desk}), or only the kind when the step's name just repeats it ({@code rules} for a
     * step named "rules", {@code human_review} for "human-review"). Model calls follow the GenAI conventions instead:
     * {@code chat {model}}.
     */
    private String spanName(StepKind kind, String step) {
        return stepSpanNames.computeIfAbsent(kindName(kind) + " " + step, key -> {
            String k = kindName(kind);
            return step.toLowerCase(Locale.ROOT).replace('-', '_').equals(k) ? k : key;
        });
    }

    private static String readVersion() {
        try (var in = CascadeTelemetry.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return null;
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            String v = p.getProperty("version");
            return v == null || v.isBlank() || v.startsWith("${") ? null : v.trim();
        } catch (java.io.IOException | RuntimeException e) {
            return null; // telemetry without a version beats a class that cannot load
        }
    }

    private static String kindName(StepKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String statusName(Attempt.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** Configures {@link CascadeTelemetry}. Not thread-safe. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private boolean captureContent;
        private UnaryOperator<String> redactor = UnaryOperator.identity();

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        }

        /**
         * Records prompt and completion text as {@code gen_ai.system_instructions}, {@code gen_ai.input.messages}
         * and {@code gen_ai.output.messages}. Default: off. Turn on only where the data may be kept.
         */
        public Builder captureContent(boolean value) {
            this.captureContent = value;
            return this;
        }

        /**
         * Applied to every free text before it is recorded: captured prompts and completions, and failure reasons
         * (which quote the client's exception message, at most 200 characters). Default: identity.
         */
        public Builder redactor(UnaryOperator<String> value) {
            this.redactor = Objects.requireNonNull(value, "redactor");
            return this;
        }

        public CascadeTelemetry build() {
            return new CascadeTelemetry(this);
        }
    }
}
