package dev.cascade.telemetry;

import io.opentelemetry.api.common.AttributeKey;

import java.util.List;
import java.util.Map;

/**
 * Every attribute name Cascade's telemetry writes, in one place. The {@code gen_ai.*} and {@code error.type} names
 * follow the OpenTelemetry GenAI semantic conventions as of v1.41 (a test checks them against
 * {@code opentelemetry-semconv-incubating}, so they cannot drift); Cascade's own live under {@code cascade.*}.
 */
public final class CascadeAttributes {
    private CascadeAttributes() {
    }

    // ---- OpenTelemetry GenAI semantic conventions (v1.41)
    public static final AttributeKey<String> GEN_AI_OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    /** Replaces the deprecated {@code gen_ai.system}, which Cascade never writes. */
    public static final AttributeKey<String> GEN_AI_PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    public static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.output_tokens");
    public static final AttributeKey<Long> GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    public static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    public static final AttributeKey<String> GEN_AI_TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    /** Opt-in content (JSON), written only when content capture is on. */
    public static final AttributeKey<String> GEN_AI_SYSTEM_INSTRUCTIONS =
            AttributeKey.stringKey("gen_ai.system_instructions");
    public static final AttributeKey<String> GEN_AI_INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    public static final AttributeKey<String> GEN_AI_OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /**
     * The prompt template a request was made from ({@code ModelRequest.templateId()}): on attempt and execution spans
     * and on the model-call, execution and quality-score metrics, only when a template is named.
     */
    public static final AttributeKey<String> GEN_AI_PROMPT_NAME = AttributeKey.stringKey("gen_ai.prompt.name");

    /** The value of {@code gen_ai.operation.name} for a model step. */
    public static final String OPERATION_CHAT = "chat";

    // ---- Cascade's own
    public static final AttributeKey<String> CHAIN = AttributeKey.stringKey("cascade.chain");
    public static final AttributeKey<String> EXECUTION_ID = AttributeKey.stringKey("cascade.execution.id");
    public static final AttributeKey<String> STEP = AttributeKey.stringKey("cascade.step");
    public static final AttributeKey<String> STEP_KIND = AttributeKey.stringKey("cascade.step.kind");
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("cascade.attempt");
    public static final AttributeKey<String> FAILURE_KIND = AttributeKey.stringKey("cascade.failure.kind");
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("cascade.reason");
    public static final AttributeKey<String> STATUS = AttributeKey.stringKey("cascade.status");
    public static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("cascade.cost.usd");
    /** On the execution span of a chain with a response cache: whether the cache answered. */
    public static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("cascade.cache.hit");
    /** On a cache hit: {@code exact} or {@code semantic}; on the lookup metric also {@code miss}. */
    public static final AttributeKey<String> CACHE_RESULT = AttributeKey.stringKey("cascade.cache.result");
    /** The hit's similarity (1.0 exact), or on a miss the best semantic candidate's, when one was compared. */
    public static final AttributeKey<Double> CACHE_SIMILARITY = AttributeKey.doubleKey("cascade.cache.similarity");
    /** On a cache hit: the cost the cached answer had, which this execution did not spend. */
    public static final AttributeKey<Double> CACHE_SAVED_USD = AttributeKey.doubleKey("cascade.cache.saved.usd");
    /** On a miss: why the match guard refused the best semantic candidate (never the inputs). */
    public static final AttributeKey<String> CACHE_REFUSED = AttributeKey.stringKey("cascade.cache.refused");
    /** On a miss: {@code stored}, or why the execution's answer was not stored. */
    public static final AttributeKey<String> CACHE_STORED = AttributeKey.stringKey("cascade.cache.stored");
    public static final AttributeKey<Double> BUDGET_REMAINING_USD = AttributeKey.doubleKey("cascade.budget.remaining.usd");
    public static final AttributeKey<String> CIRCUIT_STATE = AttributeKey.stringKey("cascade.circuit.state");
    public static final AttributeKey<String> ANSWERED_BY = AttributeKey.stringKey("cascade.answered_by");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("cascade.outcome");
    public static final AttributeKey<String> FIRST_STEP = AttributeKey.stringKey("cascade.route.first_step");
    public static final AttributeKey<Boolean> ROUTED = AttributeKey.booleanKey("cascade.routed");
    public static final AttributeKey<String> REVIEW_ID = AttributeKey.stringKey("cascade.review.id");
    public static final AttributeKey<Long> RETRY_DELAY_MS = AttributeKey.longKey("cascade.retry.delay_ms");
    /** On a last resort attempt's span and event: {@code retry_after} or {@code probe}. */
    public static final AttributeKey<String> LAST_RESORT = AttributeKey.stringKey("cascade.last_resort");
    public static final AttributeKey<String> REVIEW_VERDICT = AttributeKey.stringKey("cascade.review.verdict");
    public static final AttributeKey<String> REVIEW_QUEUE = AttributeKey.stringKey("cascade.review.queue");
    public static final AttributeKey<String> BUDGET_ACCOUNT = AttributeKey.stringKey("cascade.budget.account");
    public static final AttributeKey<String> BUDGET_ALERT = AttributeKey.stringKey("cascade.budget.alert");
    public static final AttributeKey<String> WATCHER = AttributeKey.stringKey("cascade.watcher");
    public static final AttributeKey<String> SUBJECT = AttributeKey.stringKey("cascade.subject");
    /** How a call the chain gave up on ended: {@code answered}, {@code failed}, {@code grace_expired}, ... */
    public static final AttributeKey<String> LATE_RESULT = AttributeKey.stringKey("cascade.late.result");
    /** Who scored an execution: {@code accept_gate}, or the source given to {@code Cascade.recordScore}. */
    public static final AttributeKey<String> SCORE_SOURCE = AttributeKey.stringKey("cascade.score.source");
    /** A shadow candidate's name. */
    public static final AttributeKey<String> SHADOW_CANDIDATE = AttributeKey.stringKey("cascade.shadow.candidate");
    /** What became of a sampled execution: {@code agreed}, {@code disagreed}, {@code failed}, {@code dropped}, ... */
    public static final AttributeKey<String> SHADOW_RESULT = AttributeKey.stringKey("cascade.shadow.result");
    /** The comparator's score of a shadow comparison. */
    public static final AttributeKey<Double> SHADOW_SCORE = AttributeKey.doubleKey("cascade.shadow.score");

    // ---- span event names
    public static final String EVENT_STEP_SKIPPED = "cascade.step.skipped";
    public static final String EVENT_FALLBACK = "cascade.fallback";
    public static final String EVENT_ALERT = "cascade.alert";
    public static final String EVENT_LAST_RESORT = "cascade.last_resort";

    // ---- metric names
    public static final String METRIC_TOKEN_USAGE = "gen_ai.client.token.usage";
    public static final String METRIC_OPERATION_DURATION = "gen_ai.client.operation.duration";
    public static final String METRIC_EXECUTIONS = "cascade.executions";
    public static final String METRIC_EXECUTION_DURATION = "cascade.execution.duration";
    public static final String METRIC_FALLBACKS = "cascade.fallbacks";
    public static final String METRIC_SKIPS = "cascade.skips";
    public static final String METRIC_LAST_RESORTS = "cascade.last_resorts";
    public static final String METRIC_CIRCUIT_STATE = "cascade.circuit.state";
    public static final String METRIC_COST = "cascade.cost";
    /** Response cache lookups by chain and {@link #CACHE_RESULT} (exact, semantic, miss): the hit rate. */
    public static final String METRIC_CACHE_LOOKUPS = "cascade.cache.lookups";
    /** Money the response cache saved (the cost the served answers had), in USD, by chain. */
    public static final String METRIC_CACHE_SAVED = "cascade.cache.saved";
    public static final String METRIC_REVIEW_DEPTH = "cascade.review.queue.depth";
    public static final String METRIC_BUDGET_REMAINING = "cascade.budget.remaining";
    public static final String METRIC_BUDGET_ALERTS = "cascade.budget.alerts";
    public static final String METRIC_ANOMALIES = "cascade.anomalies";
    public static final String METRIC_LATE_COMPLETIONS = "cascade.late_completions";
    /** Quality scores in [0, 1] (accept gate verdicts, recorded scores), by chain, template and source. */
    public static final String METRIC_QUALITY_SCORE = "cascade.quality.score";
    /** Sampled executions per shadow candidate, by result. */
    public static final String METRIC_SHADOW_SAMPLES = "cascade.shadow.samples";
    /** Comparator scores of shadow comparisons. */
    public static final String METRIC_SHADOW_SCORE = "cascade.shadow.score";
    /** What shadow candidates' calls cost (USD), apart from {@code cascade.cost}. */
    public static final String METRIC_SHADOW_COST = "cascade.shadow.cost";
    /** Duration of shadow candidates' calls. */
    public static final String METRIC_SHADOW_DURATION = "cascade.shadow.duration";
    /** Bucket boundaries of the score histograms: tenths. */
    public static final List<Double> SCORE_BUCKETS = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);

    /** Bucket boundaries of {@code gen_ai.client.token.usage}, from the semantic conventions. */
    public static final List<Long> TOKEN_USAGE_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L,
            262144L, 1048576L, 4194304L, 16777216L, 67108864L);
    /** Bucket boundaries (seconds) of {@code gen_ai.client.operation.duration}, from the semantic conventions. */
    public static final List<Double> OPERATION_DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64,
            1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

    private static final List<AttributeKey<?>> MODEL_CALL_KEYS = List.of(GEN_AI_OPERATION_NAME, CHAIN, STEP,
            GEN_AI_PROVIDER_NAME, GEN_AI_REQUEST_MODEL, GEN_AI_RESPONSE_MODEL, ERROR_TYPE, GEN_AI_PROMPT_NAME);
    private static final List<AttributeKey<?>> SHADOW_KEYS = List.of(CHAIN, SHADOW_CANDIDATE);

    /**
     * Per metric name, every attribute key Cascade's telemetry may write on it. Some are written only when known
     * ({@code error.type} on a failed call, the models and provider when the client reports them), so two series of
     * one metric may carry different keys; a bridge to a metrics system that wants one key set per name (Micrometer's
     * Prometheus registry refuses a meter whose tag keys differ from an earlier one's) fills in the absent ones.
     */
    public static final Map<String, List<AttributeKey<?>>> METRIC_ATTRIBUTE_KEYS = Map.ofEntries(
            Map.entry(METRIC_TOKEN_USAGE, List.of(GEN_AI_OPERATION_NAME, CHAIN, STEP, GEN_AI_PROVIDER_NAME,
                    GEN_AI_REQUEST_MODEL, GEN_AI_RESPONSE_MODEL, GEN_AI_TOKEN_TYPE, GEN_AI_PROMPT_NAME)),
            Map.entry(METRIC_OPERATION_DURATION, MODEL_CALL_KEYS),
            Map.entry(METRIC_COST, MODEL_CALL_KEYS),
            Map.entry(METRIC_EXECUTIONS, List.of(CHAIN, ANSWERED_BY, OUTCOME, GEN_AI_PROMPT_NAME)),
            Map.entry(METRIC_EXECUTION_DURATION, List.of(CHAIN, ANSWERED_BY, OUTCOME, GEN_AI_PROMPT_NAME)),
            Map.entry(METRIC_QUALITY_SCORE, List.of(CHAIN, GEN_AI_PROMPT_NAME, SCORE_SOURCE)),
            Map.entry(METRIC_SHADOW_SAMPLES, List.of(CHAIN, SHADOW_CANDIDATE, SHADOW_RESULT)),
            Map.entry(METRIC_SHADOW_SCORE, SHADOW_KEYS),
            Map.entry(METRIC_SHADOW_COST, SHADOW_KEYS),
            Map.entry(METRIC_SHADOW_DURATION, SHADOW_KEYS),
            Map.entry(METRIC_FALLBACKS, List.of(CHAIN, STEP, FAILURE_KIND)),
            Map.entry(METRIC_SKIPS, List.of(CHAIN, STEP, FAILURE_KIND)),
            Map.entry(METRIC_LAST_RESORTS, List.of(CHAIN, STEP, LAST_RESORT)),
            Map.entry(METRIC_CIRCUIT_STATE, List.of(CHAIN, STEP)),
            Map.entry(METRIC_REVIEW_DEPTH, List.of(REVIEW_QUEUE)),
            Map.entry(METRIC_BUDGET_REMAINING, List.of(BUDGET_ACCOUNT)),
            Map.entry(METRIC_BUDGET_ALERTS, List.of(BUDGET_ALERT, BUDGET_ACCOUNT)),
            Map.entry(METRIC_ANOMALIES, List.of(WATCHER, SUBJECT)),
            Map.entry(METRIC_LATE_COMPLETIONS, List.of(CHAIN, STEP, LATE_RESULT)),
            Map.entry(METRIC_CACHE_LOOKUPS, List.of(CHAIN, CACHE_RESULT)),
            Map.entry(METRIC_CACHE_SAVED, List.of(CHAIN)));
}
