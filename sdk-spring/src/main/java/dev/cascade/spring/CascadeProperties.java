package dev.cascade.spring;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.cascade.review.ReviewPolicy;

/**
 * Cascade's settings under the prefix {@code cascade}: chains, their steps and policies, budgets, telemetry and the
 * review queue. Every value left out keeps the engine's default (see {@link dev.cascade.CascadeBuilder}). Values are
 * checked when the context starts; a wrong one stops startup with a message naming the property, and so does a key
 * under {@code cascade.} that is not a setting (a misspelling), with the file and line it came from and the nearest
 * valid key. A budgeted chain must be able to price each model step: the bean reports its model, or the step sets
 * {@code model-name} or {@code pricing}.
 *
 * <pre>{@code
 * cascade:
 *   chains:
 *     triage:
 *       system-prompt: "Classify the ticket as billing, bug or other."
 *       deadline: 10s
 *       steps:
 *         - name: primary
 *           model: openAiChatModel        # a ChatModel or ModelClient bean
 *           timeout: 5s
 *         - name: rules
 *           rules:
 *             - name: refund
 *               keywords: [refund, money back]
 *               answer: billing
 *         - name: human
 *           human-review: true
 * }</pre>
 */
@ConfigurationProperties(prefix = "cascade")
public class CascadeProperties {

    /** Whether Cascade's auto-configuration creates anything at all. */
    private boolean enabled = true;

    /** Spans and metrics. */
    private final Telemetry telemetry = new Telemetry();

    /** Where budget spend is kept, shared by every chain's budget. */
    private final Ledger ledger = new Ledger();

    /** The human review queue shared by every chain's human-review step. */
    private final Review review = new Review();

    /** Warming up the chains' model clients at startup. */
    private final WarmUp warmUp = new WarmUp();

    /** The chains, by name. Each becomes a {@code Cascade<String, String>} bean qualified by its name. */
    private Map<String, Chain> chains = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Telemetry getTelemetry() {
        return telemetry;
    }

    public Ledger getLedger() {
        return ledger;
    }

    public Review getReview() {
        return review;
    }

    public WarmUp getWarmUp() {
        return warmUp;
    }

    public Map<String, Chain> getChains() {
        return chains;
    }

    public void setChains(Map<String, Chain> chains) {
        this.chains = chains;
    }

    /** Telemetry settings. */
    public static class Telemetry {

        /**
         * Whether chains record spans and metrics through the application's OpenTelemetry bean (or
         * GlobalOpenTelemetry when there is none). With no OpenTelemetry SDK installed nothing is recorded.
         */
        private boolean enabled = true;

        /**
         * Whether prompt and completion text go into spans (gen_ai.input.messages and friends). Off by default:
         * prompts often hold personal data.
         */
        private boolean captureContent = false;

        /**
         * Whether Cascade's metrics go to the application's Micrometer MeterRegistry when it has one (Spring Boot
         * Actuator: /actuator/metrics, Prometheus), rather than to the OpenTelemetry meter provider. Spans always go
         * through OpenTelemetry.
         */
        private boolean micrometer = true;

        /**
         * Whether Cascade starts an OpenTelemetry SDK configured from the standard OTEL_* environment variables and
         * otel.* properties, when the application has no OpenTelemetry bean, opentelemetry-sdk-extension-autoconfigure
         * is on the classpath and an exporter or OTLP endpoint is configured (e.g. OTEL_EXPORTER_OTLP_ENDPOINT).
         */
        private boolean autoconfigureSdk = true;

        public boolean isMicrometer() {
            return micrometer;
        }

        public void setMicrometer(boolean micrometer) {
            this.micrometer = micrometer;
        }

        public boolean isAutoconfigureSdk() {
            return autoconfigureSdk;
        }

        public void setAutoconfigureSdk(boolean autoconfigureSdk) {
            this.autoconfigureSdk = autoconfigureSdk;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isCaptureContent() {
            return captureContent;
        }

        public void setCaptureContent(boolean captureContent) {
            this.captureContent = captureContent;
        }
    }

    /**
     * Warm-up of model clients at startup ({@code cascade.warm-up.*}): each chain's clients load their classes and,
     * where cheap, open their connection before the first request, so a cold first call does not time out and count
     * against its breaker. No billed request is made.
     */
    public static class WarmUp {

        /** Whether every chain's model clients are warmed up when the context starts. */
        private boolean enabled = true;

        /** How long startup waits for the warm-ups; they go on in the background after it. */
        private Duration timeout = Duration.ofSeconds(10);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Where the budget ledger or the review store keeps its data ({@code cascade.ledger.type}, {@code cascade.review.store}). */
    public enum StoreType {
        /** In the application's memory: one process, lost on restart. */
        MEMORY,
        /** On the application's DataSource (PostgreSQL, or H2): durable, shared by processes. */
        JDBC
    }

    /** Which budget ledger every chain's budget books on ({@code cascade.ledger.type}). */
    public enum LedgerType {
        /** In the application's memory: one process, lost on restart. */
        MEMORY,
        /** On the application's DataSource: every reserve and settle is a database statement; shared by processes. */
        JDBC,
        /**
         * On the application's DataSource, leasing slices of each budget and spending them in memory, written back in
         * batches ({@code cascade.ledger.lease.*}); shared by processes at in-memory speed.
         */
        JDBC_LEASED
    }

    /** Budget ledger settings. */
    public static class Ledger {

        /**
         * The ledger: memory (one process), jdbc (the application's DataSource; shared by processes) or jdbc-leased
         * (the DataSource, with slices leased and spent in memory; see cascade.ledger.lease).
         */
        private LedgerType type = LedgerType.MEMORY;

        /** Whether the JDBC ledger creates its tables on startup when they are missing. */
        private boolean createSchema = true;

        /** Settings of the jdbc-leased ledger. */
        private final Lease lease = new Lease();

        public LedgerType getType() {
            return type;
        }

        public void setType(LedgerType type) {
            this.type = type;
        }

        public Lease getLease() {
            return lease;
        }

        public boolean isCreateSchema() {
            return createSchema;
        }

        public void setCreateSchema(boolean createSchema) {
            this.createSchema = createSchema;
        }
    }

    /** The jdbc-leased ledger's settings ({@code cascade.ledger.lease.*}); each unset one keeps the ledger's default. */
    public static class Lease {

        /** This instance's id on its lease rows (e.g. the pod name); a restarted instance with the same id takes over
         *  its predecessor's leases at once. Default: pid@host plus a random suffix. */
        private String instanceId;

        /** How often settled spend is written and leases renewed. Default 250ms. */
        private Duration flushInterval;

        /** Settles after which a flush starts before its interval. Default 1000. */
        private Integer flushBatch;

        /** How long a lease lives without a flush; after a crash its unused money returns this long after the last
         *  flush. At least 4 flush intervals. Default 30s. */
        private Duration expiry;

        /** The share of what an account still has that one lease asks for at most, in (0, 1]. Default 0.05. */
        private Double sliceFraction;

        /** How much of this instance's spend rate a lease asks for at most. Default 10s. */
        private Duration sliceTarget;

        /** The largest slice one lease holds, in USD. Default: no cap beyond slice-fraction and slice-target. */
        private BigDecimal maxSlice;

        /** How far ahead of its spend rate the published "may have used" mark runs: what an instance can spend through
         *  a database outage, and what a crash counts as spent beyond the calls in flight. Default 1s. */
        private Duration markAhead;

        /** A slice without a reservation for this long gives its unused money back. Default 2s. */
        private Duration idleReturn;

        /** When a slice is used up while the database is unreachable: unset (default) refuses (fail closed); an amount
         *  in USD lets each account overdraw by at most that much per instance and outage. */
        private BigDecimal outageAllowance;

        public String getInstanceId() {
            return instanceId;
        }

        public void setInstanceId(String instanceId) {
            this.instanceId = instanceId;
        }

        public Duration getFlushInterval() {
            return flushInterval;
        }

        public void setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
        }

        public Integer getFlushBatch() {
            return flushBatch;
        }

        public void setFlushBatch(Integer flushBatch) {
            this.flushBatch = flushBatch;
        }

        public Duration getExpiry() {
            return expiry;
        }

        public void setExpiry(Duration expiry) {
            this.expiry = expiry;
        }

        public Double getSliceFraction() {
            return sliceFraction;
        }

        public void setSliceFraction(Double sliceFraction) {
            this.sliceFraction = sliceFraction;
        }

        public Duration getSliceTarget() {
            return sliceTarget;
        }

        public void setSliceTarget(Duration sliceTarget) {
            this.sliceTarget = sliceTarget;
        }

        public BigDecimal getMaxSlice() {
            return maxSlice;
        }

        public void setMaxSlice(BigDecimal maxSlice) {
            this.maxSlice = maxSlice;
        }

        public Duration getMarkAhead() {
            return markAhead;
        }

        public void setMarkAhead(Duration markAhead) {
            this.markAhead = markAhead;
        }

        public Duration getIdleReturn() {
            return idleReturn;
        }

        public void setIdleReturn(Duration idleReturn) {
            this.idleReturn = idleReturn;
        }

        public BigDecimal getOutageAllowance() {
            return outageAllowance;
        }

        public void setOutageAllowance(BigDecimal outageAllowance) {
            this.outageAllowance = outageAllowance;
        }
    }

    /** Review queue settings. */
    public static class Review {

        /** The review store: memory (one process, lost on restart) or jdbc (the application's DataSource). */
        private StoreType store = StoreType.MEMORY;

        /** Whether the JDBC review store creates its tables on startup when they are missing. */
        private boolean createSchema = true;

        /**
         * How often each chain's review queue looks for decisions made elsewhere (another process, the console of
         * another instance), ends expired claims and applies SLAs.
         */
        private Duration pollInterval = Duration.ofSeconds(1);

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        public StoreType getStore() {
            return store;
        }

        public void setStore(StoreType store) {
            this.store = store;
        }

        public boolean isCreateSchema() {
            return createSchema;
        }

        public void setCreateSchema(boolean createSchema) {
            this.createSchema = createSchema;
        }
    }

    /** A chain's shadow candidate: a model tried on a sample of live traffic, in the background. */
    public static class Shadow {

        /** The candidate: the name of a Spring AI ChatModel bean or a Cascade ModelClient bean. Required. */
        private String model;

        /** The candidate's name in reports and telemetry. Default: the model bean's name. */
        private String name;

        /** The share of executions sampled, from 0 to 1. Unset: 0.05 (5%). */
        private Double share;

        /**
         * Name of a ShadowComparator<String> bean scoring the candidate's answer against the chain's (0 to 1).
         * Unset: equality.
         */
        private String comparator;

        /** A comparison scoring at least this counts as agreement, in (0, 1]. Unset: 0.5. */
        private Double agreementThreshold;

        /** The model the candidate bean calls, for pricing and telemetry. Default: the bean's own model name. */
        private String modelName;

        /** The candidate's price in US dollars per million tokens (its cost in the report, its budget's price). */
        private Price pricing;

        /**
         * The candidate's own daily spending limit in US dollars, apart from the chain's budget; calls it cannot
         * cover are not made. Needs pricing or a model the built-in catalogue knows. Kept in memory, per instance.
         * Unset: no limit.
         */
        private BigDecimal perDay;

        /** At most this many candidate calls per period; samples over it are not called. Unset: no limit. */
        private RateLimitProps rateLimit;

        /** Samples that may wait for a worker; more are dropped and counted. Unset: 100. */
        private Integer queueCapacity;

        /** Worker threads calling the candidate at once. Unset: 1. */
        private Integer concurrency;

        /**
         * How long one candidate call may take, e.g. 30s; a call past it counts as an error and frees its worker.
         * Unset: no limit.
         */
        private Duration timeout;

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public String getModel() {
            return model;
        }

        public void setModel(String model) {
            this.model = model;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Double getShare() {
            return share;
        }

        public void setShare(Double share) {
            this.share = share;
        }

        public String getComparator() {
            return comparator;
        }

        public void setComparator(String comparator) {
            this.comparator = comparator;
        }

        public Double getAgreementThreshold() {
            return agreementThreshold;
        }

        public void setAgreementThreshold(Double agreementThreshold) {
            this.agreementThreshold = agreementThreshold;
        }

        public String getModelName() {
            return modelName;
        }

        public void setModelName(String modelName) {
            this.modelName = modelName;
        }

        public Price getPricing() {
            return pricing;
        }

        public void setPricing(Price pricing) {
            this.pricing = pricing;
        }

        public BigDecimal getPerDay() {
            return perDay;
        }

        public void setPerDay(BigDecimal perDay) {
            this.perDay = perDay;
        }

        public RateLimitProps getRateLimit() {
            return rateLimit;
        }

        public void setRateLimit(RateLimitProps rateLimit) {
            this.rateLimit = rateLimit;
        }

        public Integer getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(Integer queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public Integer getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(Integer concurrency) {
            this.concurrency = concurrency;
        }
    }

    /** One chain. */
    public static class Chain {

        /** System prompt for every model step of the chain; the input text is the user message. */
        private String systemPrompt;

        /** End-to-end deadline for one execution, e.g. 10s. Unset: no deadline. */
        private Duration deadline;

        /**
         * How long a model call abandoned at its timeout (or by a cancel) keeps its budget reservation while it may
         * still finish and be billed; then its worst case is settled. Unset: 60s. 0s settles the worst case at once.
         */
        private Duration lateCompletionGrace;

        /** Output-token cap sent with every model request of the chain (steps may override). */
        private Integer maxOutputTokens;

        /**
         * Whether async executions and timed model calls run on virtual threads when the JVM has them (JDK 21+); false
         * keeps them on Cascade's bounded platform-thread pool. Unset: true.
         */
        private Boolean virtualThreads;

        /** Name of a Function<String, String> bean that picks the first step for an input. */
        private String router;

        /** Name of a Predicate<String> bean that accepts or rejects model answers (the quality gate). */
        private String accept;

        /** The steps, tried in order. A human-review step, if any, must be last. */
        private List<Step> steps = new ArrayList<>();

        /** Spending limits for the chain. */
        private ChainBudget budget;

        /**
         * A shadow candidate: a sampled share of the chain's answered executions is sent, after the caller has its
         * answer, to another model in the background and its answer compared with the chain's (see the Actuator
         * {@code cascade} endpoint's {@code shadows}). Unset: none.
         */
        private Shadow shadow;

        /**
         * What the chain does per failure kind (keys: rate-limited, unavailable, timeout, context-too-long, ...);
         * unset fields keep the kind's default.
         */
        private Map<String, OnFailure> onFailure = new LinkedHashMap<>();

        /**
         * What the chain does when every step failed or was skipped and the deadline has room; unset fields keep
         * the defaults (wait for Retry-After up to 5s, no probes).
         */
        private LastResort lastResort;

        /** A response cache in front of the chain's steps; unset: no cache. */
        private ChainCache cache;

        public ChainCache getCache() {
            return cache;
        }

        public void setCache(ChainCache cache) {
            this.cache = cache;
        }

        public LastResort getLastResort() {
            return lastResort;
        }

        public Boolean getVirtualThreads() {
            return virtualThreads;
        }

        public void setVirtualThreads(Boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
        }

        public void setLastResort(LastResort lastResort) {
            this.lastResort = lastResort;
        }

        public String getSystemPrompt() {
            return systemPrompt;
        }

        public void setSystemPrompt(String systemPrompt) {
            this.systemPrompt = systemPrompt;
        }

        public Duration getDeadline() {
            return deadline;
        }

        public void setDeadline(Duration deadline) {
            this.deadline = deadline;
        }

        public Duration getLateCompletionGrace() {
            return lateCompletionGrace;
        }

        public void setLateCompletionGrace(Duration lateCompletionGrace) {
            this.lateCompletionGrace = lateCompletionGrace;
        }

        public Integer getMaxOutputTokens() {
            return maxOutputTokens;
        }

        public void setMaxOutputTokens(Integer maxOutputTokens) {
            this.maxOutputTokens = maxOutputTokens;
        }

        public String getRouter() {
            return router;
        }

        public void setRouter(String router) {
            this.router = router;
        }

        public String getAccept() {
            return accept;
        }

        public void setAccept(String accept) {
            this.accept = accept;
        }

        public List<Step> getSteps() {
            return steps;
        }

        public void setSteps(List<Step> steps) {
            this.steps = steps;
        }

        public Shadow getShadow() {
            return shadow;
        }

        public void setShadow(Shadow shadow) {
            this.shadow = shadow;
        }

        public ChainBudget getBudget() {
            return budget;
        }

        public void setBudget(ChainBudget budget) {
            this.budget = budget;
        }

        public Map<String, OnFailure> getOnFailure() {
            return onFailure;
        }

        public void setOnFailure(Map<String, OnFailure> onFailure) {
            this.onFailure = onFailure;
        }
    }

    /**
     * A chain's response cache: exact, then semantic, lookups in the caller's scope (chain, tenant, namespace,
     * system prompt, models and request options) before the steps run.
     */
    public static class ChainCache {

        /** Whether the cache is on. Unset: true (setting the group turns it on). */
        private Boolean enabled;

        /** Namespace and version in every key, e.g. faq-v3; change it to start a fresh cache. Unset: default. */
        private String namespace;

        /** How long a stored answer is served. Unset: 1h. */
        private Duration ttl;

        /** Size of the in-memory store, in entries. Unset: 10000. */
        private Integer maxEntries;

        /** Largest entry stored (input + answer text + vector); larger answers are not cached. Unset: 64KB. */
        private DataSize maxEntrySize;

        /** Cosine similarity a semantic hit needs, in (0, 1]. Unset: 0.94 (CacheSpec.DEFAULT_SIMILARITY_THRESHOLD). */
        private Double similarityThreshold;

        /** Newest entries of a scope compared per semantic lookup. Unset: 1000. */
        private Integer semanticScanLimit;

        /**
         * Where answers are kept: memory (this process) or jdbc (the application's DataSource, shared by instances).
         * Unset: the application's CacheStore bean if it has exactly one, else memory.
         */
        private StoreType store;

        /** Whether the jdbc store creates its table at start (idempotent). Unset: true. */
        private Boolean createSchema;

        /** Whether an answer a reviewer approved or edited is cached when the decision arrives. Unset: false. */
        private Boolean cacheReviewedAnswers;

        /**
         * Name of the EmbeddingModel bean for semantic lookups. Unset: the application's EmbeddingModel bean if it
         * has exactly one, else exact lookups only.
         */
        private String embeddingModel;

        /**
         * Name of the MatchGuard bean asked before a semantic hit is served. Unset: the application's MatchGuard bean
         * if it has exactly one, else LexicalGuards.defaults().
         */
        private String guard;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public Integer getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(Integer maxEntries) {
            this.maxEntries = maxEntries;
        }

        public DataSize getMaxEntrySize() {
            return maxEntrySize;
        }

        public void setMaxEntrySize(DataSize maxEntrySize) {
            this.maxEntrySize = maxEntrySize;
        }

        public Double getSimilarityThreshold() {
            return similarityThreshold;
        }

        public void setSimilarityThreshold(Double similarityThreshold) {
            this.similarityThreshold = similarityThreshold;
        }

        public Integer getSemanticScanLimit() {
            return semanticScanLimit;
        }

        public void setSemanticScanLimit(Integer semanticScanLimit) {
            this.semanticScanLimit = semanticScanLimit;
        }

        public StoreType getStore() {
            return store;
        }

        public void setStore(StoreType store) {
            this.store = store;
        }

        public Boolean getCreateSchema() {
            return createSchema;
        }

        public void setCreateSchema(Boolean createSchema) {
            this.createSchema = createSchema;
        }

        public Boolean getCacheReviewedAnswers() {
            return cacheReviewedAnswers;
        }

        public void setCacheReviewedAnswers(Boolean cacheReviewedAnswers) {
            this.cacheReviewedAnswers = cacheReviewedAnswers;
        }

        public String getEmbeddingModel() {
            return embeddingModel;
        }

        public void setEmbeddingModel(String embeddingModel) {
            this.embeddingModel = embeddingModel;
        }

        public String getGuard() {
            return guard;
        }

        public void setGuard(String guard) {
            this.guard = guard;
        }
    }

    /**
     * One step. Set exactly one of {@code model}, {@code rules}, {@code bean} or {@code human-review: true}; that
     * choice is the step's kind.
     */
    public static class Step {

        /** The step's name (unique in the chain). Default: the model or bean name, "rules" or "human-review". */
        private String name;

        /** A model step: the name of a Spring AI ChatModel bean or a Cascade ModelClient bean. */
        private String model;

        /** A rules step: first-match rules, keywords or a regular expression to a canned answer. */
        private List<RuleSpec> rules;

        /** A custom step: the name of a Function<String, Optional<String>> bean (empty = pass to the next step). */
        private String bean;

        /** A human-review step: the input goes to the review queue. Must be the last step. */
        private boolean humanReview;

        /** Human-review steps: priority, SLA and what happens when it is missed. */
        private ReviewStep review;

        /** Model steps: timeout of one attempt, enforced by Cascade, e.g. 8s. */
        private Duration timeout;

        /** Model steps: output-token cap for this step (overrides the chain's). */
        private Integer maxOutputTokens;

        /** Model steps: name of a Predicate<String> bean for this step's answers (overrides the chain's). */
        private String accept;

        /**
         * Model steps: the breaker and limiter's name; steps naming the same resource share them. Default: the
         * model's provider/name.
         */
        private String resourceName;

        /** Model steps: retries within the step. */
        private RetryProps retry;

        /** Model steps: the step's circuit breaker. */
        private CircuitBreakerProps circuitBreaker;

        /** Model steps: the step's rate limit (calls beyond it are skipped, not queued). */
        private RateLimitProps rateLimit;

        /**
         * Model steps: the step's bulkhead, a bound on its calls in flight (calls beyond it are skipped as
         * BULKHEAD_FULL, not queued; a call abandoned at its timeout counts until it really ends). Unset: none.
         */
        private BulkheadProps bulkhead;

        /**
         * Model steps: the model the bean calls, by the name the chain's budget prices it under (the built-in catalogue
         * or {@code budget.prices.<name>}) and telemetry reports. Needed on a budgeted chain when the bean does not
         * report its model (a Cascade ModelClient whose model() is null). Default: the bean's own model name.
         */
        private String modelName;

        /**
         * Model steps: the step's own price in US dollars per million tokens, used by the chain's budget instead of
         * the price catalogue. Default: none (the catalogue's price for the step's model).
         */
        private Price pricing;

        /**
         * Model steps: the prompt template id of the step's requests, e.g. triage-v3. Telemetry reports tokens, cost,
         * latency, quality score and completion rate per template (attribute gen_ai.prompt.name). Unset: none.
         */
        private String template;

        public String getTemplate() {
            return template;
        }

        public void setTemplate(String template) {
            this.template = template;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getModel() {
            return model;
        }

        public void setModel(String model) {
            this.model = model;
        }

        public List<RuleSpec> getRules() {
            return rules;
        }

        public void setRules(List<RuleSpec> rules) {
            this.rules = rules;
        }

        public String getBean() {
            return bean;
        }

        public void setBean(String bean) {
            this.bean = bean;
        }

        public boolean isHumanReview() {
            return humanReview;
        }

        public void setHumanReview(boolean humanReview) {
            this.humanReview = humanReview;
        }

        public ReviewStep getReview() {
            return review;
        }

        public void setReview(ReviewStep review) {
            this.review = review;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Integer getMaxOutputTokens() {
            return maxOutputTokens;
        }

        public void setMaxOutputTokens(Integer maxOutputTokens) {
            this.maxOutputTokens = maxOutputTokens;
        }

        public String getAccept() {
            return accept;
        }

        public void setAccept(String accept) {
            this.accept = accept;
        }

        public String getResourceName() {
            return resourceName;
        }

        public void setResourceName(String resourceName) {
            this.resourceName = resourceName;
        }

        public RetryProps getRetry() {
            return retry;
        }

        public void setRetry(RetryProps retry) {
            this.retry = retry;
        }

        public CircuitBreakerProps getCircuitBreaker() {
            return circuitBreaker;
        }

        public void setCircuitBreaker(CircuitBreakerProps circuitBreaker) {
            this.circuitBreaker = circuitBreaker;
        }

        public BulkheadProps getBulkhead() {
            return bulkhead;
        }

        public void setBulkhead(BulkheadProps bulkhead) {
            this.bulkhead = bulkhead;
        }

        public RateLimitProps getRateLimit() {
            return rateLimit;
        }

        public void setRateLimit(RateLimitProps rateLimit) {
            this.rateLimit = rateLimit;
        }

        public String getModelName() {
            return modelName;
        }

        public void setModelName(String modelName) {
            this.modelName = modelName;
        }

        public Price getPricing() {
            return pricing;
        }

        public void setPricing(Price pricing) {
            this.pricing = pricing;
        }
    }

    /** How a human-review step files its items. */
    public static class ReviewStep {

        /** Higher comes first in the reviewers' queue. */
        private int priority = 0;

        /** Time allowed for a decision, e.g. 4h. Unset: no SLA. */
        private Duration sla;

        /**
         * What a missed SLA does: escalate (the item stays open, flagged, ahead of others) or expire (it is closed
         * with default-answer, or rejected when there is none).
         */
        private ReviewPolicy.Breach onBreach = ReviewPolicy.Breach.ESCALATE;

        /** The answer an expired item gives the caller; unset: expiry is a rejection. */
        private String defaultAnswer;

        public int getPriority() {
            return priority;
        }

        public void setPriority(int priority) {
            this.priority = priority;
        }

        public Duration getSla() {
            return sla;
        }

        public void setSla(Duration sla) {
            this.sla = sla;
        }

        public ReviewPolicy.Breach getOnBreach() {
            return onBreach;
        }

        public void setOnBreach(ReviewPolicy.Breach onBreach) {
            this.onBreach = onBreach;
        }

        public String getDefaultAnswer() {
            return defaultAnswer;
        }

        public void setDefaultAnswer(String defaultAnswer) {
            this.defaultAnswer = defaultAnswer;
        }
    }

    /**
     * One declarative rule: matches when the input contains any of the keywords (case-insensitive) or matches the
     * regular expression (found anywhere in the input); then {@code answer} is the chain's answer.
     */
    public static class RuleSpec {

        /** The rule's name, recorded as the answering rule. */
        private String name;

        /** Matches when the input contains any of these, ignoring case. */
        private List<String> keywords = new ArrayList<>();

        /** Matches when this Java regular expression is found in the input. */
        private String regex;

        /** The answer when the rule matches. */
        private String answer;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public List<String> getKeywords() {
            return keywords;
        }

        public void setKeywords(List<String> keywords) {
            this.keywords = keywords;
        }

        public String getRegex() {
            return regex;
        }

        public void setRegex(String regex) {
            this.regex = regex;
        }

        public String getAnswer() {
            return answer;
        }

        public void setAnswer(String answer) {
            this.answer = answer;
        }
    }

    /** Retry settings of a model step; unset values keep the engine's defaults. */
    public static class RetryProps {

        /** Attempts including the first (1 = no retry). */
        private Integer maxAttempts;

        /** Wait before the first retry. */
        private Duration initialBackoff;

        /** Factor applied to the wait after each retry. */
        private Double multiplier;

        /** Longest wait between attempts. */
        private Duration maxBackoff;

        /** Random spread of each wait, 0 to 1. */
        private Double jitter;

        /** Longest provider Retry-After honoured; a longer one ends the step's retries. */
        private Duration maxRetryAfter;

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(Double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public Double getJitter() {
            return jitter;
        }

        public void setJitter(Double jitter) {
            this.jitter = jitter;
        }

        public Duration getMaxRetryAfter() {
            return maxRetryAfter;
        }

        public void setMaxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = maxRetryAfter;
        }
    }

    /** Circuit breaker settings of a model step; unset values keep the engine's defaults. */
    public static class CircuitBreakerProps {

        /** Failure percentage (0-100] over the window that opens the breaker. */
        private Float failureRateThreshold;

        /** Calls in the sliding window. */
        private Integer slidingWindowSize;

        /** Calls needed before the failure rate counts. */
        private Integer minimumCalls;

        /** How long the breaker stays open before letting trial calls through. */
        private Duration openFor;

        /** Trial calls allowed while half-open. */
        private Integer halfOpenCalls;

        /** Longest wait in half-open for the trial calls to report before opening again (default 60s). */
        private Duration halfOpenMaxWait;

        /** A call slower than this counts as slow. Set together with slow-call-rate-threshold. */
        private Duration slowCallThreshold;

        /** Percentage of slow calls (0-100] that opens the breaker. */
        private Float slowCallRateThreshold;

        public Float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(Float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public Integer getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(Integer slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public Integer getMinimumCalls() {
            return minimumCalls;
        }

        public void setMinimumCalls(Integer minimumCalls) {
            this.minimumCalls = minimumCalls;
        }

        public Duration getOpenFor() {
            return openFor;
        }

        public void setOpenFor(Duration openFor) {
            this.openFor = openFor;
        }

        public Integer getHalfOpenCalls() {
            return halfOpenCalls;
        }

        public void setHalfOpenCalls(Integer halfOpenCalls) {
            this.halfOpenCalls = halfOpenCalls;
        }

        public Duration getHalfOpenMaxWait() {
            return halfOpenMaxWait;
        }

        public void setHalfOpenMaxWait(Duration halfOpenMaxWait) {
            this.halfOpenMaxWait = halfOpenMaxWait;
        }

        public Duration getSlowCallThreshold() {
            return slowCallThreshold;
        }

        public void setSlowCallThreshold(Duration slowCallThreshold) {
            this.slowCallThreshold = slowCallThreshold;
        }

        public Float getSlowCallRateThreshold() {
            return slowCallRateThreshold;
        }

        public void setSlowCallRateThreshold(Float slowCallRateThreshold) {
            this.slowCallRateThreshold = slowCallRateThreshold;
        }
    }

    /** Bulkhead of a model step. */
    public static class BulkheadProps {

        /** Calls of the step in flight at once; further calls are skipped. Unset: 25. */
        private Integer maxConcurrentCalls;

        public Integer getMaxConcurrentCalls() {
            return maxConcurrentCalls;
        }

        public void setMaxConcurrentCalls(Integer maxConcurrentCalls) {
            this.maxConcurrentCalls = maxConcurrentCalls;
        }
    }

    /** Rate limit of a model step. */
    public static class RateLimitProps {

        /** Calls allowed per period. */
        private Integer permits;

        /** The period, e.g. 1s. */
        private Duration period;

        public Integer getPermits() {
            return permits;
        }

        public void setPermits(Integer permits) {
            this.permits = permits;
        }

        public Duration getPeriod() {
            return period;
        }

        public void setPeriod(Duration period) {
            this.period = period;
        }
    }

    /** A chain's last resort (see {@code dev.cascade.config.LastResortSpec}); unset fields keep the default. */
    public static class LastResort {

        /** Wait for the earliest Retry-After that fits the deadline and try that step once more. Default true. */
        private Boolean waitForRetryAfter;

        /** The longest such wait, e.g. 3s. Default 5s. */
        private Duration maxWait;

        /** Executions per second (per step) that may probe a step whose breaker is open. Default 0: none. */
        private Double probeOpenBreakers;

        public Boolean getWaitForRetryAfter() {
            return waitForRetryAfter;
        }

        public void setWaitForRetryAfter(Boolean waitForRetryAfter) {
            this.waitForRetryAfter = waitForRetryAfter;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }

        public Double getProbeOpenBreakers() {
            return probeOpenBreakers;
        }

        public void setProbeOpenBreakers(Double probeOpenBreakers) {
            this.probeOpenBreakers = probeOpenBreakers;
        }
    }

    /** A change to one failure kind's policy; unset fields keep the kind's default. */
    public static class OnFailure {

        /** Whether the same model step retries. */
        private Boolean retry;

        /** Whether later model steps may still be tried. */
        private Boolean fallToModels;

        /** Whether the failure counts against the step's circuit breaker. */
        private Boolean countsForBreaker;

        /** Whether an alert event is raised. */
        private Boolean alert;

        public Boolean getRetry() {
            return retry;
        }

        public void setRetry(Boolean retry) {
            this.retry = retry;
        }

        public Boolean getFallToModels() {
            return fallToModels;
        }

        public void setFallToModels(Boolean fallToModels) {
            this.fallToModels = fallToModels;
        }

        public Boolean getCountsForBreaker() {
            return countsForBreaker;
        }

        public void setCountsForBreaker(Boolean countsForBreaker) {
            this.countsForBreaker = countsForBreaker;
        }

        public Boolean getAlert() {
            return alert;
        }

        public void setAlert(Boolean alert) {
            this.alert = alert;
        }
    }

    /** A chain's budget. Amounts are US dollars with at most 6 decimals, e.g. "0.05". */
    public static class ChainBudget {

        /** Most one execution may spend on model calls. */
        private BigDecimal perRequest;

        /** Hard limit on the chain's spend per hour. */
        private BigDecimal perHour;

        /** Hard limit on the chain's spend per day. */
        private BigDecimal perDay;

        /** Hard limit on the chain's spend per month. */
        private BigDecimal perMonth;

        /** Hard limit per tenant (CallContext tenant) per day. */
        private BigDecimal perTenantPerDay;

        /** Soft limit on the chain's spend per day: crossing it raises an alert but refuses nothing. */
        private BigDecimal softPerDay;

        /** Time zone in which hours, days and months begin, e.g. Europe/Berlin. Default: UTC. */
        private String zone;

        /** Money a step must leave for the steps after it (step name to dollars). */
        private Map<String, BigDecimal> headroom = new LinkedHashMap<>();

        /** Prices per model name, overriding the built-in catalog. */
        private Map<String, Price> prices = new LinkedHashMap<>();

        /** Output tokens assumed for the worst case when a request sets no cap. */
        private Integer defaultMaxOutputTokens;

        public BigDecimal getPerRequest() {
            return perRequest;
        }

        public void setPerRequest(BigDecimal perRequest) {
            this.perRequest = perRequest;
        }

        public BigDecimal getPerHour() {
            return perHour;
        }

        public void setPerHour(BigDecimal perHour) {
            this.perHour = perHour;
        }

        public BigDecimal getPerDay() {
            return perDay;
        }

        public void setPerDay(BigDecimal perDay) {
            this.perDay = perDay;
        }

        public BigDecimal getPerMonth() {
            return perMonth;
        }

        public void setPerMonth(BigDecimal perMonth) {
            this.perMonth = perMonth;
        }

        public BigDecimal getPerTenantPerDay() {
            return perTenantPerDay;
        }

        public void setPerTenantPerDay(BigDecimal perTenantPerDay) {
            this.perTenantPerDay = perTenantPerDay;
        }

        public BigDecimal getSoftPerDay() {
            return softPerDay;
        }

        public void setSoftPerDay(BigDecimal softPerDay) {
            this.softPerDay = softPerDay;
        }

        public String getZone() {
            return zone;
        }

        public void setZone(String zone) {
            this.zone = zone;
        }

        public Map<String, BigDecimal> getHeadroom() {
            return headroom;
        }

        public void setHeadroom(Map<String, BigDecimal> headroom) {
            this.headroom = headroom;
        }

        public Map<String, Price> getPrices() {
            return prices;
        }

        public void setPrices(Map<String, Price> prices) {
            this.prices = prices;
        }

        public Integer getDefaultMaxOutputTokens() {
            return defaultMaxOutputTokens;
        }

        public void setDefaultMaxOutputTokens(Integer defaultMaxOutputTokens) {
            this.defaultMaxOutputTokens = defaultMaxOutputTokens;
        }
    }

    /** A model's price in US dollars per million tokens. */
    public static class Price {

        /** Dollars per million input tokens. */
        private BigDecimal input;

        /** Dollars per million output tokens. */
        private BigDecimal output;

        /** Dollars per million cached input tokens. Default: the input price. */
        private BigDecimal cachedInput;

        public BigDecimal getInput() {
            return input;
        }

        public void setInput(BigDecimal input) {
            this.input = input;
        }

        public BigDecimal getOutput() {
            return output;
        }

        public void setOutput(BigDecimal output) {
            this.output = output;
        }

        public BigDecimal getCachedInput() {
            return cachedInput;
        }

        public void setCachedInput(BigDecimal cachedInput) {
            this.cachedInput = cachedInput;
        }
    }
}
