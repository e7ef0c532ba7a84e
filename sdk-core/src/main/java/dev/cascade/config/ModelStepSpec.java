package dev.cascade.config;

import dev.cascade.CascadeBuilder;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;
import io.github.resilience4j.bulkhead.Bulkhead;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The options of one model step: an immutable value, given to
 * {@link CascadeBuilder#model(String, dev.cascade.spi.ModelClient, ModelStepSpec)} or configured in place with
 * {@link CascadeBuilder#model(String, dev.cascade.spi.ModelClient, Consumer)}. Build one with {@link #builder()} or
 * {@link #from(ModelStepSpec)}; one spec can be given to many steps and chains. Immutable and thread-safe (as far as
 * the functions it holds are); its {@link Builder} is not thread-safe.
 *
 * <p>Every option is off unless set ({@link #ofDefaults()}): no timeout (the chain's deadline still bounds the call),
 * one attempt, no breaker, no rate limit, no bulkhead, the chain's prompt mapper, parser and accept gate, the
 * client's model name and the budget's price.
 *
 * <p>Each attempt of a model step passes, in this order:
 * <pre>
 * retry ▸ deadline ▸ circuit breaker ▸ rate limiter ▸ bulkhead ▸ admission (budgets) ▸ interceptors ▸ attempt timeout ▸ call
 * </pre>
 * Any "no" (no time left, no breaker permission, no rate permit, no room in the bulkhead, no budget) skips the step
 * at once. The retry loop is the outer layer: a retry does not run inside the breaker, it goes back through deadline,
 * breaker, limiter, bulkhead and admission like the first attempt, so a retry never knocks on an open breaker, never
 * waits for a rate limiter or for room in the bulkhead and never starts past the deadline; the breaker records each
 * attempt on its own.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public final class ModelStepSpec<I, O> {
    private final Duration timeout;
    private final RetrySpec retry;
    private final CircuitBreakerSpec circuitBreaker;
    private final RateLimitSpec rateLimit;
    private final BulkheadSpec bulkhead;
    private final Bulkhead ownBulkhead;
    private final Function<? super I, ModelRequest> prompt;
    private final Function<? super ModelResponse, ? extends O> parse;
    private final Predicate<? super O> accept;
    private final int maxOutputTokens;
    private final String resourceName;
    private final String modelName;
    private final Pricing pricing;
    private final String template;

    private ModelStepSpec(Builder<I, O> b) {
        this.timeout = b.timeout;
        this.retry = b.retry;
        this.circuitBreaker = b.circuitBreaker;
        this.rateLimit = b.rateLimit;
        this.bulkhead = b.bulkhead;
        this.ownBulkhead = b.ownBulkhead;
        this.prompt = b.prompt;
        this.parse = b.parse;
        this.accept = b.accept;
        this.maxOutputTokens = b.maxOutputTokens;
        this.resourceName = b.resourceName;
        this.modelName = b.modelName;
        this.pricing = b.pricing;
        this.template = b.template;
    }

    /** A spec with no option set. */
    public static <I, O> ModelStepSpec<I, O> ofDefaults() {
        return new Builder<I, O>().build();
    }

    /** A builder with no option set. */
    public static <I, O> Builder<I, O> builder() {
        return new Builder<>();
    }

    /** A builder starting from {@code base}'s options. */
    public static <I, O> Builder<I, O> from(ModelStepSpec<I, O> base) {
        return new Builder<>(Objects.requireNonNull(base, "base"));
    }

    /** The attempt timeout, or {@code null} for none. */
    public Duration timeout() {
        return timeout;
    }

    /** The retry policy, or {@code null} for one attempt. */
    public RetrySpec retry() {
        return retry;
    }

    /** The circuit breaker, or {@code null} for none. */
    public CircuitBreakerSpec circuitBreaker() {
        return circuitBreaker;
    }

    /** The rate limit, or {@code null} for none. */
    public RateLimitSpec rateLimit() {
        return rateLimit;
    }

    /** The bulkhead kept in the chain's registries, or {@code null} for none (or the application's own). */
    public BulkheadSpec bulkhead() {
        return bulkhead;
    }

    /** The application's own resilience4j bulkhead the step uses, or {@code null} for none (or a spec'd one). */
    public Bulkhead ownBulkhead() {
        return ownBulkhead;
    }

    /** The step's own prompt mapper, or {@code null} for the chain's. */
    public Function<? super I, ModelRequest> prompt() {
        return prompt;
    }

    /** The step's own parser, or {@code null} for the chain's. */
    public Function<? super ModelResponse, ? extends O> parse() {
        return parse;
    }

    /** The step's own accept gate, or {@code null} for the chain's. */
    public Predicate<? super O> accept() {
        return accept;
    }

    /** The output-token cap for requests that set none, or 0 for none. */
    public int maxOutputTokens() {
        return maxOutputTokens;
    }

    /** The breaker's, limiter's and bulkhead's registry name, or {@code null} for the default. */
    public String resourceName() {
        return resourceName;
    }

    /** The model name, or {@code null} for the client's. */
    public String modelName() {
        return modelName;
    }

    /** The step's own price, or {@code null} for the budget catalogue's. */
    public Pricing pricing() {
        return pricing;
    }

    /** The prompt template id given to this step's requests that name none, or {@code null}. */
    public String template() {
        return template;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelStepSpec<?, ?> s && Objects.equals(s.timeout, timeout)
                && Objects.equals(s.retry, retry) && Objects.equals(s.circuitBreaker, circuitBreaker)
                && Objects.equals(s.rateLimit, rateLimit) && Objects.equals(s.bulkhead, bulkhead)
                && s.ownBulkhead == ownBulkhead && s.prompt == prompt && s.parse == parse
                && s.accept == accept && s.maxOutputTokens == maxOutputTokens
                && Objects.equals(s.resourceName, resourceName) && Objects.equals(s.modelName, modelName)
                && Objects.equals(s.pricing, pricing) && Objects.equals(s.template, template);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timeout, retry, circuitBreaker, rateLimit, bulkhead, System.identityHashCode(ownBulkhead),
                System.identityHashCode(prompt),
                System.identityHashCode(parse), System.identityHashCode(accept), maxOutputTokens, resourceName,
                modelName, pricing, template);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("modelStep(");
        String sep = "";
        if (timeout != null) {
            s.append("timeout=").append(timeout);
            sep = ", ";
        }
        Object own = ownBulkhead == null ? null : "bulkhead=" + ownBulkhead.getName() + " (application's)";
        for (Object part : new Object[] {retry, circuitBreaker, rateLimit, bulkhead, own}) {
            if (part != null) {
                s.append(sep).append(part);
                sep = ", ";
            }
        }
        if (maxOutputTokens > 0) {
            s.append(sep).append("maxOutputTokens=").append(maxOutputTokens);
            sep = ", ";
        }
        if (resourceName != null) {
            s.append(sep).append("resourceName=").append(resourceName);
            sep = ", ";
        }
        if (modelName != null) {
            s.append(sep).append("modelName=").append(modelName);
            sep = ", ";
        }
        if (pricing != null) {
            s.append(sep).append("pricing=").append(pricing);
            sep = ", ";
        }
        if (template != null) {
            s.append(sep).append("template=").append(template);
        }
        return s.append(')').toString();
    }

    /**
     * Builds a {@link ModelStepSpec}. Each setter checks its value at once, throwing
     * {@link CascadeConfigurationException} with the option's path ({@code timeout}, {@code retry.maxAttempts},
     * ...). Not thread-safe; reusable: {@link #build()} takes a snapshot.
     *
     * @param <I> the chain's input type
     * @param <O> the chain's output type
     */
    public static final class Builder<I, O> {
        private Duration timeout;
        private RetrySpec retry;
        private CircuitBreakerSpec circuitBreaker;
        private RateLimitSpec rateLimit;
        private BulkheadSpec bulkhead;
        private Bulkhead ownBulkhead;
        private Function<? super I, ModelRequest> prompt;
        private Function<? super ModelResponse, ? extends O> parse;
        private Predicate<? super O> accept;
        private int maxOutputTokens;
        private String resourceName;
        private String modelName;
        private Pricing pricing;
        private String template;

        Builder() {
        }

        Builder(ModelStepSpec<I, O> base) {
            this.timeout = base.timeout;
            this.retry = base.retry;
            this.circuitBreaker = base.circuitBreaker;
            this.rateLimit = base.rateLimit;
            this.bulkhead = base.bulkhead;
            this.ownBulkhead = base.ownBulkhead;
            this.prompt = base.prompt;
            this.parse = base.parse;
            this.accept = base.accept;
            this.maxOutputTokens = base.maxOutputTokens;
            this.resourceName = base.resourceName;
            this.modelName = base.modelName;
            this.pricing = base.pricing;
            this.template = base.template;
        }

        /**
         * Bounds each attempt. Enforced by Cascade on a pooled thread, so the caller is freed on time even when the
         * client ignores interrupts. Default: none (the chain's deadline, if any, still applies). Must be > 0.
         */
        public Builder<I, O> timeout(Duration value) {
            this.timeout = Specs.positive("timeout", value);
            return this;
        }

        /** Retries failures whose policy allows it (see {@link FailureKind}), from the retry defaults. Default: no retries. */
        public Builder<I, O> retry(Consumer<RetrySpec.Builder> configure) {
            RetrySpec.Builder b = RetrySpec.custom();
            Objects.requireNonNull(configure, "retry").accept(b);
            this.retry = b.build();
            return this;
        }

        /** Retries with a spec built before, e.g. one shared by many steps. Default: no retries. */
        public Builder<I, O> retry(RetrySpec spec) {
            this.retry = Objects.requireNonNull(spec, "retry");
            return this;
        }

        /** Guards the model with a circuit breaker; an open breaker skips the step instantly. Default: none. */
        public Builder<I, O> circuitBreaker(Consumer<CircuitBreakerSpec.Builder> configure) {
            CircuitBreakerSpec.Builder b = CircuitBreakerSpec.custom();
            Objects.requireNonNull(configure, "circuitBreaker").accept(b);
            this.circuitBreaker = b.build();
            return this;
        }

        /** Guards the model with a breaker spec built before. Default: none. */
        public Builder<I, O> circuitBreaker(CircuitBreakerSpec spec) {
            this.circuitBreaker = Objects.requireNonNull(spec, "circuitBreaker");
            return this;
        }

        /** Limits calls per period; with no permit the step is skipped, never waited for. Default: none. */
        public Builder<I, O> rateLimit(Consumer<RateLimitSpec.Builder> configure) {
            RateLimitSpec.Builder b = RateLimitSpec.custom();
            Objects.requireNonNull(configure, "rateLimit").accept(b);
            this.rateLimit = b.build();
            return this;
        }

        /** Limits calls with a rate-limit spec built before. Default: none. */
        public Builder<I, O> rateLimit(RateLimitSpec spec) {
            this.rateLimit = Objects.requireNonNull(spec, "rateLimit");
            return this;
        }

        /**
         * Bounds the calls of this step in flight at once; a call beyond the bound is skipped at once
         * ({@link FailureKind#BULKHEAD_FULL}), never queued, e.g. {@code s.bulkhead(b -> b.maxConcurrentCalls(50))}.
         * A call abandoned by its timeout keeps its place until the client really returns. Default: none (off: a
         * bound that fits one provider's quota is wrong for another, and a hidden one would turn load peaks into
         * fallbacks). See {@link BulkheadSpec}.
         */
        public Builder<I, O> bulkhead(Consumer<BulkheadSpec.Builder> configure) {
            BulkheadSpec.Builder b = BulkheadSpec.custom();
            Objects.requireNonNull(configure, "bulkhead").accept(b);
            return bulkhead(b.build());
        }

        /** Bounds calls in flight with a bulkhead spec built before (one spec may serve many steps). Default: none. */
        public Builder<I, O> bulkhead(BulkheadSpec spec) {
            this.bulkhead = Objects.requireNonNull(spec, "bulkhead");
            this.ownBulkhead = null;
            return this;
        }

        /**
         * Uses the application's own resilience4j bulkhead (e.g. from its {@code BulkheadRegistry}, shared with other
         * code calling the same provider) instead of one in the chain's registries. Cascade asks it with
         * {@code tryAcquirePermission()}, so a bulkhead configured with a {@code maxWaitDuration} makes the caller
         * wait that long when it is full; keep it zero for an instant skip. Default: none.
         */
        public Builder<I, O> bulkhead(Bulkhead bulkhead) {
            this.ownBulkhead = Objects.requireNonNull(bulkhead, "bulkhead");
            this.bulkhead = null;
            return this;
        }

        /** This step's own prompt mapper, instead of the chain's. */
        public Builder<I, O> prompt(Function<? super I, ModelRequest> mapper) {
            this.prompt = Objects.requireNonNull(mapper, "prompt");
            return this;
        }

        /** This step's own parser, instead of the chain's. */
        public Builder<I, O> parse(Function<? super ModelResponse, ? extends O> parser) {
            this.parse = Objects.requireNonNull(parser, "parse");
            return this;
        }

        /** This step's own accept gate, instead of the chain's. */
        public Builder<I, O> accept(Predicate<? super O> gate) {
            this.accept = Objects.requireNonNull(gate, "accept");
            return this;
        }

        /** Caps output tokens on requests that do not set a cap themselves. Default: none. Must be > 0. */
        public Builder<I, O> maxOutputTokens(int tokens) {
            if (tokens <= 0) {
                throw new CascadeConfigurationException("maxOutputTokens", tokens, "must be > 0, was " + tokens,
                        "use a positive token count, e.g. 1024, or leave it unset for no cap");
            }
            this.maxOutputTokens = tokens;
            return this;
        }

        /**
         * The name of this step's breaker, rate limiter and bulkhead in the chain's {@link CascadeRegistries}. Steps
         * of different chains that name the same resource (and use the same registries) share one breaker, one
         * limiter and one bulkhead. Default: {@code provider/model} when the client reports a model, else {@code chain/step}.
         */
        public Builder<I, O> resourceName(String name) {
            this.resourceName = Specs.name("resourceName", name);
            return this;
        }

        /**
         * The model this step calls, by the name a budget prices it under ({@link dev.cascade.budget.PriceCatalog})
         * and telemetry reports ({@code gen_ai.request.model}). Needed when the client does not report
         * {@link dev.cascade.spi.ModelClient#model()} (a lambda, a test double, a home-grown client); when it does,
         * this name wins. Default: the client's {@code model()}.
         */
        public Builder<I, O> modelName(String name) {
            this.modelName = Specs.name("modelName", name);
            return this;
        }

        /**
         * This step's own price: a chain's budget reserves and settles this step's calls at it instead of looking the
         * model up in the budget's price catalogue, so a model the catalogue does not know (or a client that reports
         * no model name) can be budgeted. Its {@link Pricing#effectiveFrom()} is not consulted: it applies to every
         * call of the step. Default: none (the catalogue's price for the step's model).
         */
        public Builder<I, O> pricing(Pricing pricing) {
            this.pricing = Objects.requireNonNull(pricing, "pricing");
            return this;
        }

        /**
         * The prompt template id of this step's requests, e.g. {@code "triage-v3"}: set on every request the prompt
         * mapper builds that names no template of its own ({@link ModelRequest#withTemplateId}), so telemetry reports
         * tokens, cost, latency, quality score and completion rate per template. Default: none (no per-template
         * attribute, and no cost on the call path).
         */
        public Builder<I, O> template(String templateId) {
            Objects.requireNonNull(templateId, "template");
            if (templateId.isBlank() || templateId.length() > 128) {
                throw new CascadeConfigurationException("template", templateId, "must be 1 to 128 non-blank"
                        + " characters (it becomes a metric attribute)", "use a short stable id, e.g. \"triage-v3\"");
            }
            this.template = templateId;
            return this;
        }

        /** The spec. */
        public ModelStepSpec<I, O> build() {
            return new ModelStepSpec<>(this);
        }
    }
}
