package dev.cascade.config;

import dev.cascade.CascadeBuilder;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The options of one model step, set inside {@link CascadeBuilder#model(String, dev.cascade.spi.ModelClient, Consumer)}.
 * Every option is off unless set: no timeout (the chain's deadline still bounds the call), one attempt, no breaker,
 * no rate limit, no bulkhead, the chain's prompt mapper, parser and accept gate, the client's model name and the budget's price. Not thread-safe; copied at {@code build()}.
 *
 * <p>The policies nest in one fixed order, outermost first:
 * <pre>
 * deadline ▸ circuit breaker ▸ rate limiter ▸ bulkhead ▸ admission (budgets) ▸ retry ▸ attempt timeout ▸ call
 * </pre>
 * Admission is re-checked before every retry, so a retry never knocks on an open breaker, never waits for a rate
 * limiter, and never starts past the deadline; each attempt is recorded by the breaker on its own.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public final class ModelStepSpec<I, O> {
    private Duration timeout;
    private RetrySpec retry;
    private CircuitBreakerSpec circuitBreaker;
    private RateLimitSpec rateLimit;
    private BulkheadSpec bulkhead;
    private io.github.resilience4j.bulkhead.Bulkhead ownBulkhead;
    private Function<? super I, ModelRequest> prompt;
    private Function<? super ModelResponse, ? extends O> parse;
    private Predicate<? super O> accept;
    private int maxOutputTokens;
    private String resourceName;
    private String modelName;
    private Pricing pricing;

    ModelStepSpec() {
    }

    /**
     * Bounds each attempt. Enforced by Cascade on a pooled thread, so the caller is freed on time even when the client
     * ignores interrupts. Default: none (the chain's deadline, if any, still applies). Must be > 0.
     */
    public ModelStepSpec<I, O> timeout(Duration value) {
        this.timeout = Specs.positive("timeout", value);
        return this;
    }

    /** Retries failures whose policy allows it (see {@link FailureKind}). Default: no retries. */
    public ModelStepSpec<I, O> retry(Consumer<RetrySpec> configure) {
        RetrySpec spec = new RetrySpec();
        Objects.requireNonNull(configure, "retry").accept(spec);
        this.retry = spec;
        return this;
    }

    /** Guards the model with a circuit breaker; an open breaker skips the step instantly. Default: none. */
    public ModelStepSpec<I, O> circuitBreaker(Consumer<CircuitBreakerSpec> configure) {
        CircuitBreakerSpec spec = new CircuitBreakerSpec();
        Objects.requireNonNull(configure, "circuitBreaker").accept(spec);
        this.circuitBreaker = spec;
        return this;
    }

    /** Limits calls per period; with no permit the step is skipped, never waited for. Default: none. */
    public ModelStepSpec<I, O> rateLimit(Consumer<RateLimitSpec> configure) {
        RateLimitSpec spec = new RateLimitSpec();
        Objects.requireNonNull(configure, "rateLimit").accept(spec);
        this.rateLimit = spec;
        return this;
    }

    /**
     * Bounds the calls of this step in flight at once; a call beyond the bound is skipped at once
     * ({@link FailureKind#BULKHEAD_FULL}), never queued, e.g. {@code s.bulkhead(b -> b.maxConcurrentCalls(50))}. A call
     * abandoned by its timeout keeps its place until the client really returns. Default: none (off: a bound that fits
     * one provider's quota is wrong for another, and a hidden one would turn load peaks into fallbacks). See
     * {@link BulkheadSpec}.
     */
    public ModelStepSpec<I, O> bulkhead(Consumer<BulkheadSpec.Builder> configure) {
        BulkheadSpec.Builder b = BulkheadSpec.builder();
        Objects.requireNonNull(configure, "bulkhead").accept(b);
        return bulkhead(b.build());
    }

    /** As {@link #bulkhead(Consumer)}, with a spec built earlier (one spec may serve many steps). */
    public ModelStepSpec<I, O> bulkhead(BulkheadSpec spec) {
        this.bulkhead = Objects.requireNonNull(spec, "bulkhead");
        this.ownBulkhead = null;
        return this;
    }

    /**
     * Uses the application's own resilience4j bulkhead (e.g. from its {@code BulkheadRegistry}, shared with other
     * code calling the same provider) instead of one in the chain's registries. Cascade asks it with
     * {@code tryAcquirePermission()}, so a bulkhead configured with a {@code maxWaitDuration} makes the caller wait
     * that long when it is full; keep it zero for an instant skip.
     */
    public ModelStepSpec<I, O> bulkhead(io.github.resilience4j.bulkhead.Bulkhead bulkhead) {
        this.ownBulkhead = Objects.requireNonNull(bulkhead, "bulkhead");
        this.bulkhead = null;
        return this;
    }

    /** This step's own prompt mapper, instead of the chain's. */
    public ModelStepSpec<I, O> prompt(Function<? super I, ModelRequest> mapper) {
        this.prompt = Objects.requireNonNull(mapper, "prompt");
        return this;
    }

    /** This step's own parser, instead of the chain's. */
    public ModelStepSpec<I, O> parse(Function<? super ModelResponse, ? extends O> parser) {
        this.parse = Objects.requireNonNull(parser, "parse");
        return this;
    }

    /** This step's own accept gate, instead of the chain's. */
    public ModelStepSpec<I, O> accept(Predicate<? super O> gate) {
        this.accept = Objects.requireNonNull(gate, "accept");
        return this;
    }

    /** Caps output tokens on requests that do not set a cap themselves. Default: none. Must be > 0. */
    public ModelStepSpec<I, O> maxOutputTokens(int tokens) {
        if (tokens <= 0) {
            throw new IllegalArgumentException("maxOutputTokens must be > 0, was " + tokens);
        }
        this.maxOutputTokens = tokens;
        return this;
    }

    /**
     * The name of this step's breaker, rate limiter and bulkhead in the chain's {@link CascadeRegistries}. Steps of different
     * chains that name the same resource (and use the same registries) share one breaker, one limiter and one bulkhead. Default:
     * {@code provider/model} when the client reports a model, else {@code chain/step}.
     */
    public ModelStepSpec<I, O> resourceName(String name) {
        this.resourceName = Specs.name("resourceName", name);
        return this;
    }

    /**
     * The model this step calls, by the name a budget prices it under ({@link dev.cascade.budget.PriceCatalog}) and
     * telemetry reports ({@code gen_ai.request.model}). Needed when the client does not report
     * {@link dev.cascade.spi.ModelClient#model()} (a lambda, a test double, a home-grown client); when it does, this
     * name wins. Default: the client's {@code model()}.
     */
    public ModelStepSpec<I, O> modelName(String name) {
        this.modelName = Specs.name("modelName", name);
        return this;
    }

    /**
     * This step's own price: a chain's budget reserves and settles this step's calls at it instead of looking the
     * model up in the budget's price catalogue, so a model the catalogue does not know (or a client that reports no
     * model name) can be budgeted. Its {@link Pricing#effectiveFrom()} is not consulted: it applies to every call of
     * the step. Default: none (the catalogue's price for the step's model).
     */
    public ModelStepSpec<I, O> pricing(Pricing pricing) {
        this.pricing = Objects.requireNonNull(pricing, "pricing");
        return this;
    }

    Duration timeout() {
        return timeout;
    }

    RetrySpec retrySpec() {
        return retry == null ? null : retry.copy();
    }

    CircuitBreakerSpec circuitBreakerSpec() {
        return circuitBreaker == null ? null : circuitBreaker.copy();
    }

    RateLimitSpec rateLimitSpec() {
        return rateLimit == null ? null : rateLimit.copy();
    }

    BulkheadSpec bulkheadSpec() {
        return bulkhead;
    }

    io.github.resilience4j.bulkhead.Bulkhead ownBulkhead() {
        return ownBulkhead;
    }

    Function<? super I, ModelRequest> promptMapper() {
        return prompt;
    }

    Function<? super ModelResponse, ? extends O> parser() {
        return parse;
    }

    Predicate<? super O> acceptGate() {
        return accept;
    }

    int maxOutputTokensValue() {
        return maxOutputTokens;
    }

    String resourceNameValue() {
        return resourceName;
    }

    String modelNameValue() {
        return modelName;
    }

    Pricing pricingValue() {
        return pricing;
    }
}
