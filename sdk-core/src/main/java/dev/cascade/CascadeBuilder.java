package dev.cascade;

import dev.cascade.api.Description;
import dev.cascade.api.FailureKind;
import dev.cascade.api.FailurePolicy;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Route;
import dev.cascade.budget.Budget;
import dev.cascade.config.BulkheadSpec;
import dev.cascade.config.CircuitBreakerSpec;
import dev.cascade.config.LastResortSpec;
import dev.cascade.config.ModelStepSpec;
import dev.cascade.config.RateLimitSpec;
import dev.cascade.config.RetrySpec;
import dev.cascade.config.Specs;
import dev.cascade.event.Anomaly;
import dev.cascade.internal.CascadeThreads;
import dev.cascade.internal.ChainConfig;
import dev.cascade.internal.ChainImpl;
import dev.cascade.internal.Retries;
import dev.cascade.internal.StepDef;
import dev.cascade.review.DurableReviewQueue;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.ModelClient;
import dev.cascade.spi.ReviewQueue;
import dev.cascade.spi.StepAdmission;
import dev.cascade.spi.TimeSource;
import dev.cascade.telemetry.CascadeTelemetry;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import io.opentelemetry.api.OpenTelemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Builds a {@link Cascade}. Steps run in the order they are added. Each model step's policies nest in one fixed
 * order, outermost first (see {@link ModelStepSpec}):
 * <pre>
 * deadline ▸ circuit breaker ▸ rate limiter ▸ bulkhead ▸ admission (budgets) ▸ retry ▸ attempt timeout ▸ call
 * </pre>
 * Setters check their own argument at once; {@code build()} checks the whole chain and fails with a message naming
 * the field and the value. The builder is not thread-safe; {@code build()} copies what it needs, so the builder can
 * be reused and a built chain never changes.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class CascadeBuilder<I, O> {

    private sealed interface Pending<I, O> {
        String name();
    }

    private record PendingModel<I, O>(String name, ModelClient client, ModelStepSpec<I, O> spec)
            implements Pending<I, O> {
    }

    private record PendingRules<I, O>(String name, RuleSet<I, O> rules) implements Pending<I, O> {
    }

    private record PendingCustom<I, O>(String name, Function<? super I, Optional<O>> function)
            implements Pending<I, O> {
    }

    private record PendingReview<I, O>(String name, ReviewQueue<I, O> queue) implements Pending<I, O> {
    }

    private final String name;
    private final List<Pending<I, O>> steps = new ArrayList<>();
    private Function<? super I, ModelRequest> prompt;
    private Function<? super ModelResponse, ? extends O> parse;
    private Predicate<? super O> accept;
    private Function<? super I, String> router;
    private Duration deadline;
    private final Map<FailureKind, FailurePolicy> policies = new EnumMap<>(FailureKind.class);
    private final List<FailureClassifier> classifiers = new ArrayList<>();
    private final List<CascadeListener> listeners = new ArrayList<>();
    private StepAdmission admission;
    private TimeSource time;
    private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
    private ExecutorService executor;
    private boolean virtualThreads = true;
    private CascadeRegistries registries;
    private Duration lateCompletionGrace = DEFAULT_LATE_COMPLETION_GRACE;

    /** The default {@link #lateCompletionGrace}: 60 s. */
    public static final Duration DEFAULT_LATE_COMPLETION_GRACE = Duration.ofSeconds(60);
    private final LastResortSpec lastResort = new LastResortSpec();
    /** Whether lastResort(...) was called: describe() shows the policies a chain was given, not the defaults. */
    private boolean lastResortSet;

    CascadeBuilder(String name) {
        this.name = Specs.name("chain name", name);
    }

    /** The chain's prompt mapper: input to model request. Model steps may override it. Required if any model step lacks its own. */
    public CascadeBuilder<I, O> prompt(Function<? super I, ModelRequest> mapper) {
        this.prompt = Objects.requireNonNull(mapper, "prompt");
        return this;
    }

    /** The chain's parser: model response to output. Model steps may override it. Required if any model step lacks its own. */
    public CascadeBuilder<I, O> parse(Function<? super ModelResponse, ? extends O> parser) {
        this.parse = Objects.requireNonNull(parser, "parse");
        return this;
    }

    /**
     * The quality gate for model answers: an answer it refuses falls through as {@code REJECTED}. Default: every
     * parsed, non-empty answer is accepted. Model steps may override it; rules and custom steps are not gated.
     */
    public CascadeBuilder<I, O> accept(Predicate<? super O> gate) {
        this.accept = Objects.requireNonNull(gate, "accept");
        return this;
    }

    /** Adds a model step with default policies (no timeout, retry, breaker or limit). */
    public CascadeBuilder<I, O> model(String name, ModelClient client) {
        return model(name, client, s -> { });
    }

    /** Adds a model step; {@code configure} sets its timeout, retry, circuit breaker, rate limit and overrides. */
    public CascadeBuilder<I, O> model(String name, ModelClient client, Consumer<ModelStepSpec<I, O>> configure) {
        Objects.requireNonNull(client, () -> "model step '" + name + "': client must not be null");
        ModelStepSpec<I, O> spec = new ModelStepSpec<>();
        Objects.requireNonNull(configure, "configure");
        try {
            configure.accept(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chain '" + this.name + "', model step '" + name + "': "
                    + e.getMessage(), e);
        }
        steps.add(new PendingModel<>(Specs.name("step name", name), client, spec));
        return this;
    }

    /** Adds a rules step: the first matching rule answers; none matching passes the input on. */
    public CascadeBuilder<I, O> rules(String name, RuleSet<I, O> rules) {
        steps.add(new PendingRules<>(Specs.name("step name", name),
                Objects.requireNonNull(rules, () -> "rules step '" + name + "': rules must not be null")));
        return this;
    }

    /**
     * Adds a custom step: any function that answers ({@code Optional.of(answer)}) or passes ({@code Optional.empty()}).
     * An exception is the step's failure ({@code UNAVAILABLE}). Skipped when the deadline has passed.
     */
    public CascadeBuilder<I, O> step(String name, Function<? super I, Optional<O>> function) {
        steps.add(new PendingCustom<>(Specs.name("step name", name),
                Objects.requireNonNull(function, () -> "custom step '" + name + "': function must not be null")));
        return this;
    }

    /** Adds the human review step, which takes every input no earlier step answered. Must be the last step. */
    public CascadeBuilder<I, O> humanReview(String name, ReviewQueue<I, O> queue) {
        steps.add(new PendingReview<>(Specs.name("step name", name),
                Objects.requireNonNull(queue, () -> "review step '" + name + "': queue must not be null")));
        return this;
    }

    /**
     * Picks the first step from the input, by step name (e.g. short inputs start at the cheap model). A router that
     * throws or names no step starts the execution at the first step; the outcome's {@link Route} says so.
     */
    public CascadeBuilder<I, O> router(Function<? super I, String> router) {
        this.router = Objects.requireNonNull(router, "router");
        return this;
    }

    /**
     * The end-to-end deadline of an execution. Model attempts are shortened to fit it, retries that would pass it are
     * not made, and model and custom steps are skipped once it has passed ({@code NO_TIME}); rules and human review
     * still run, so the input is not lost. Default: none. Must be > 0.
     */
    public CascadeBuilder<I, O> deadline(Duration deadline) {
        this.deadline = Specs.positive("deadline", deadline);
        return this;
    }

    /**
     * What the chain does when every step it ran failed or was skipped while the deadline still has room: wait for
     * the earliest Retry-After that fits and try that step once more, and/or let a few executions per second probe a
     * step whose breaker is open. Default: wait for Retry-After up to 5 s (and the deadline), no probes; e.g.
     * {@code lastResort(l -> l.probeOpenBreakers(2))}, or {@code lastResort(LastResortSpec::off)}. See
     * {@link LastResortSpec}.
     */
    public CascadeBuilder<I, O> lastResort(Consumer<LastResortSpec> configure) {
        Objects.requireNonNull(configure, "lastResort");
        try {
            configure.accept(lastResort);
            lastResortSet = true;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chain '" + name + "': " + e.getMessage(), e);
        }
        return this;
    }

    /** Overrides the policy for one failure kind, starting from its current policy (the default, or an earlier override). */
    public CascadeBuilder<I, O> onFailure(FailureKind kind, UnaryOperator<FailurePolicy> change) {
        Objects.requireNonNull(kind, "kind");
        FailurePolicy current = policies.getOrDefault(kind, kind.defaultPolicy());
        FailurePolicy next = Objects.requireNonNull(change.apply(current), () -> "onFailure(" + kind + ") returned null");
        if (kind.isAdmission() && !next.withAlert(current.alert()).equals(current)) {
            throw new IllegalArgumentException("onFailure(" + kind + "): an admission refusal is never retried, always"
                    + " falls through and never counts for the breaker; only its alert may be changed, was " + next);
        }
        policies.put(kind, next);
        return this;
    }

    /** Adds a classifier, asked before the earlier ones' fallback, the built-in classifier, which always runs last. */
    public CascadeBuilder<I, O> classifier(FailureClassifier classifier) {
        classifiers.add(Objects.requireNonNull(classifier, "classifier"));
        return this;
    }

    /** Adds a listener. A listener that throws is ignored; with no listener, no event is built. */
    public CascadeBuilder<I, O> listener(CascadeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Adds {@link CascadeTelemetry} (spans and metrics, no content capture) for {@code openTelemetry}, e.g. the
     * application's SDK or {@code GlobalOpenTelemetry.get()}. When it is the API's no-op (no SDK installed), nothing
     * is added, so the chain pays nothing. For content capture or a shared instance, use
     * {@code listener(CascadeTelemetry.builder(otel)...build())}.
     */
    public CascadeBuilder<I, O> openTelemetry(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        if (!CascadeTelemetry.isNoop(openTelemetry)) {
            listeners.add(CascadeTelemetry.create(openTelemetry));
        }
        return this;
    }

    /**
     * The admission hook asked before every model call, after the breaker and the limiter. A chain has one: a
     * {@link #budget(Budget)} is one too.
     */
    public CascadeBuilder<I, O> admission(StepAdmission admission) {
        Objects.requireNonNull(admission, "admission");
        if (this.admission != null && this.admission != admission) {
            throw new IllegalStateException("chain '" + name + "' already has an admission hook (" + this.admission
                    + "); a chain has one, and a budget is one");
        }
        this.admission = admission;
        return this;
    }

    /**
     * Caps spending: every model attempt reserves its worst case on the budget's limits first, and is skipped with
     * {@code OVER_BUDGET} when they cannot cover it, so a cheaper step answers. See {@link Budget}.
     */
    public CascadeBuilder<I, O> budget(Budget budget) {
        return admission(Objects.requireNonNull(budget, "budget"));
    }

    /** Time for deadlines, timeouts, backoff, breakers and limiters. Default: {@link TimeSource#system()}. */
    public CascadeBuilder<I, O> timeSource(TimeSource time) {
        this.time = Objects.requireNonNull(time, "timeSource");
        return this;
    }

    /** Jitter source: each call returns a number in [0, 1). Default: {@link ThreadLocalRandom}. */
    public CascadeBuilder<I, O> jitter(DoubleSupplier jitter) {
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        return this;
    }

    /**
     * Threads for {@code executeAsync} and for the hand-off of model calls with a timeout (the call runs on one, the
     * caller waits on its own). Should not queue tasks: a queued hand-off eats its attempt's timeout (recorded as a
     * {@code TIMEOUT} "before the call started"). When it refuses a task ({@code RejectedExecutionException}), the
     * hand-off is recorded as the attempt's {@code BULKHEAD_FULL} failure, and a refused {@code executeAsync} runs
     * on the caller's thread with model and custom steps skipped ({@code BULKHEAD_FULL}) so rules and review still take
     * the input. Default: Cascade's shared bounded executor, on virtual threads on JDK 21+ (see
     * {@link #virtualThreads(boolean)}), else at most 1,024 daemon platform threads for executions and 1,024 for
     * hand-offs; a full one refuses at once.
     */
    public CascadeBuilder<I, O> executor(ExecutorService executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Whether the default executor runs executions and timed-call hand-offs on virtual threads when the JVM has them
     * (JDK 21+; detected at run time). A model call blocked on the network then holds a virtual thread, not a platform
     * one. {@code false} uses the bounded platform pool on every JDK (e.g. for a client that pins its carrier thread
     * in long {@code synchronized} blocks on JDK 21-23). Ignored when {@link #executor} is set. Default: {@code true}.
     */
    public CascadeBuilder<I, O> virtualThreads(boolean enabled) {
        this.virtualThreads = enabled;
        return this;
    }

    /**
     * How long a model call the chain gave up on (its attempt timed out, or the caller cancelled) may still end and
     * report its usage. Providers bill completions they finish, so the attempt's budget reservation stays open until
     * the call really ends and is then settled on what it reported (the late response's usage, or a
     * {@link dev.cascade.spi.ModelCallException}'s billed usage); a
     * {@link dev.cascade.event.LateCompletion} event reports it. A call still running when the grace runs out is
     * settled at its reserved worst case, so real spend never passes a hard limit (the caller was freed at once
     * either way). {@code Duration.ZERO} settles the worst case at once. Measured on real time. Default 60 s.
     * Must be >= 0.
     */
    public CascadeBuilder<I, O> lateCompletionGrace(Duration grace) {
        Objects.requireNonNull(grace, "lateCompletionGrace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("lateCompletionGrace must be >= 0, was " + grace);
        }
        try {
            grace.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("lateCompletionGrace is too large (at most about 292 years, the range"
                    + " of a long of nanoseconds), was " + grace);
        }
        this.lateCompletionGrace = grace;
        return this;
    }

    /** Where breakers and limiters live; give two chains the same registries to share them. Default: fresh ones. */
    public CascadeBuilder<I, O> registries(CascadeRegistries registries) {
        this.registries = Objects.requireNonNull(registries, "registries");
        return this;
    }

    /**
     * Checks the whole chain and builds it.
     *
     * @throws IllegalStateException    if the chain is incomplete (no steps, a model step with no prompt or parser), or
     *                                  it has a {@link Budget} and a model step that the budget can never price (no
     *                                  {@link ModelStepSpec#pricing price} of its own, and no model name, or one the
     *                                  budget's catalogue does not know): every call of it would be skipped
     * @throws IllegalArgumentException if options conflict (duplicate names, human review not last, ...)
     */
    public Cascade<I, O> build() {
        String where = "chain '" + name + "'";
        if (steps.isEmpty()) {
            throw new IllegalStateException(where + " has no steps; add one with model(), rules(), step() or humanReview()");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            Pending<I, O> p = steps.get(i);
            if (!names.add(p.name())) {
                throw new IllegalArgumentException(where + ": duplicate step name '" + p.name() + "'; step names must be unique");
            }
            if (p instanceof PendingReview && i != steps.size() - 1) {
                throw new IllegalArgumentException(where + ": human review step '" + p.name() + "' must be the last step,"
                        + " but '" + steps.get(i + 1).name() + "' follows it");
            }
        }
        TimeSource clock = time != null ? time : registries != null ? registries.timeSource() : TimeSource.system();
        CascadeRegistries regs = registries != null ? registries : CascadeRegistries.create(clock);
        if (regs.timeSource() != clock) {
            throw new IllegalArgumentException(where + ": timeSource differs from the registries' timeSource;"
                    + " create the registries with CascadeRegistries.create(timeSource)");
        }

        // Check every model step before registering anything: a failed build leaves the registries untouched.
        Map<String, Object[]> resources = new java.util.HashMap<>();
        for (Pending<I, O> p : steps) {
            if (p instanceof PendingModel<I, O> m) {
                checkModelStep(m, regs, resources);
                if (admission instanceof Budget budget) {
                    checkPriced(m, budget);
                }
            }
        }
        List<StepDef<I, O>> defs = new ArrayList<>();
        List<Description.Step> described = new ArrayList<>();
        for (Pending<I, O> p : steps) {
            StepDef<I, O> def;
            if (p instanceof PendingModel<I, O> m) {
                def = modelStep(m, regs);
            } else if (p instanceof PendingRules<I, O> r) {
                def = new StepDef.Rules<>(r.name(), r.rules(), Map.of("rules", String.valueOf(r.rules().rules().size())));
            } else if (p instanceof PendingCustom<I, O> c) {
                def = new StepDef.Custom<>(c.name(), c.function(), Map.of());
            } else {
                PendingReview<I, O> r = (PendingReview<I, O>) p;
                def = new StepDef.Review<>(r.name(), r.queue(), Map.of("queue", r.queue().getClass().getSimpleName()));
            }
            defs.add(def);
            described.add(new Description.Step(def.name(), def.kind(), def.policies()));
        }

        FailurePolicy[] resolved = new FailurePolicy[FailureKind.values().length];
        for (FailureKind k : FailureKind.values()) {
            resolved[k.ordinal()] = policies.getOrDefault(k, k.defaultPolicy());
        }
        Description description = new Description(name, deadline, router != null, described,
                Description.POLICY_ORDER);
        for (CascadeListener l : listeners) {
            if (l instanceof CascadeTelemetry telemetry) {
                for (StepDef<I, O> d : defs) {
                    if (d instanceof StepDef.Model<I, O> m && m.breaker() != null) {
                        telemetry.observeCircuitBreaker(name, m.name(), m.breaker());
                    } else if (d instanceof StepDef.Review<I, O> r) {
                        LongSupplier depth = reviewDepth(r.queue());
                        if (depth != null) {
                            telemetry.observeReviewQueue(r.name(), depth);
                        }
                    }
                }
            }
        }
        Events events = new Events(listeners);
        if (events.enabled()) {
            for (Pending<I, O> p : steps) {
                if (p instanceof PendingModel<I, O> m) {
                    for (String warning : m.client().warnings()) {
                        events.fire(CascadeListener::onAnomaly,
                                new Anomaly("model-client", name + "/" + m.name(), 0, 0, warning));
                    }
                }
            }
        }
        ChainConfig<I, O> config = new ChainConfig<>(name, List.copyOf(defs),
                deadline == null ? 0 : deadline.toNanos(), router, resolved, List.copyOf(classifiers),
                events, admission, clock,
                executor != null ? executor : CascadeThreads.defaultExecutor(virtualThreads), description,
                lateCompletionGrace.toNanos(), lastResort.copy());
        return new ChainImpl<>(config);
    }

    /** How to read the depth of the queues Cascade ships; {@code null} for a queue of the user's own. */
    private static LongSupplier reviewDepth(ReviewQueue<?, ?> queue) {
        if (queue instanceof InMemoryReviewQueue<?, ?> memory) {
            return memory::depth;
        }
        if (queue instanceof DurableReviewQueue<?, ?> durable) {
            return durable.store()::depth;
        }
        return null;
    }

    private String where(PendingModel<I, O> m) {
        return "chain '" + name + "', model step '" + m.name() + "'";
    }

    /** The step's model name: its own, else the client's; null when neither knows it. */
    private static String modelOf(PendingModel<?, ?> m) {
        return m.spec().modelNameValue() != null ? m.spec().modelNameValue() : m.client().model();
    }

    private String resourceOf(PendingModel<I, O> m) {
        ModelStepSpec<I, O> s = m.spec();
        String model = modelOf(m);
        return s.resourceNameValue() != null ? s.resourceNameValue()
                : model != null ? m.client().provider() + "/" + model
                : name + "/" + m.name();
    }

    /**
     * A budget fails closed on a call it cannot price, so a budgeted step with neither a price of its own nor a model
     * the budget knows would be skipped on every call: refuse to build it, saying how to price it.
     */
    private void checkPriced(PendingModel<I, O> m, Budget budget) {
        if (m.spec().pricingValue() != null) {
            return;
        }
        String model = modelOf(m);
        String fix = "name the model it calls, .model(\"" + m.name() + "\", client, s -> s.modelName(\"gpt-4o\")),"
                + " or give the step its price, .model(\"" + m.name() + "\", client, s -> s.pricing("
                + "Pricing.perMillionTokens(\"2.50\", \"10.00\")))";
        if (model == null) {
            throw new IllegalStateException(where(m) + ": the chain has a budget, but this step cannot be priced: its"
                    + " client reports no model name (ModelClient.model() is null) and the step sets neither"
                    + " modelName(...) nor pricing(...). A budget fails closed, so every call of the step would be"
                    + " skipped as OVER_BUDGET. Fix: have the client report model(), or " + fix + ".");
        }
        if (budget.price(model).isEmpty()) {
            throw new IllegalStateException(where(m) + ": the chain's budget has no price for model '" + model
                    + "' (provider " + m.client().provider() + "). A budget fails closed, so every call of the step"
                    + " would be skipped as OVER_BUDGET. Fix: add the price to the budget, Budget.builder().price(\""
                    + model + "\", Pricing.perMillionTokens(\"<input USD per 1M tokens>\", \"<output USD per 1M"
                    + " tokens>\")), or give the step its price, .model(\"" + m.name() + "\", client, s -> s.pricing("
                    + "Pricing.perMillionTokens(...))), or correct the model name if it is misspelled.");
        }
    }

    /** Every check of a model step that needs no side effect; {@code seen} catches conflicts within this chain. */
    private void checkModelStep(PendingModel<I, O> m, CascadeRegistries regs, Map<String, Object[]> seen) {
        String where = where(m);
        ModelStepSpec<I, O> s = m.spec();
        if (s.promptMapper() == null && prompt == null) {
            throw new IllegalStateException(where + ": no prompt mapper; set prompt(...) on the chain or the step");
        }
        if (s.parser() == null && parse == null) {
            throw new IllegalStateException(where + ": no parser; set parse(...) on the chain or the step");
        }
        CircuitBreakerSpec cb = s.circuitBreakerSpec();
        if (cb != null) {
            cb.validate(where);
        }
        RetrySpec rs = s.retrySpec();
        if (rs != null) {
            rs.validate(where);
        }
        RateLimitSpec rl = s.rateLimitSpec();
        BulkheadSpec bh = s.bulkheadSpec();
        String resource = resourceOf(m);
        regs.checkCompatible(resource, cb, rl, where);
        regs.checkCompatible(resource, bh, where);
        Object[] earlier = seen.putIfAbsent(resource, new Object[] {cb, rl, bh});
        if (earlier != null) {
            if (cb != null && earlier[0] != null && !cb.equals(earlier[0])) {
                throw CascadeRegistries.conflict(where, "circuit breaker", resource, earlier[0], cb);
            }
            if (rl != null && earlier[1] != null && !rl.equals(earlier[1])) {
                throw CascadeRegistries.conflict(where, "rate limiter", resource, earlier[1], rl);
            }
            if (bh != null && earlier[2] != null && !bh.equals(earlier[2])) {
                throw CascadeRegistries.conflict(where, "bulkhead", resource, earlier[2], bh);
            }
            earlier[0] = earlier[0] != null ? earlier[0] : cb;
            earlier[1] = earlier[1] != null ? earlier[1] : rl;
            earlier[2] = earlier[2] != null ? earlier[2] : bh;
        }
    }

    private StepDef.Model<I, O> modelStep(PendingModel<I, O> m, CascadeRegistries regs) {
        String where = where(m);
        ModelStepSpec<I, O> s = m.spec();
        Function<? super I, ModelRequest> p = s.promptMapper() != null ? s.promptMapper() : prompt;
        Function<? super ModelResponse, ? extends O> q = s.parser() != null ? s.parser() : parse;
        String resource = resourceOf(m);
        Map<String, String> policies = new LinkedHashMap<>();
        policies.put("provider", m.client().provider());
        String model = modelOf(m);
        if (model != null) {
            policies.put("model", model);
        }
        if (s.pricingValue() != null) {
            policies.put("pricing", "step " + s.pricingValue().inputPerMillion() + "/"
                    + s.pricingValue().outputPerMillion() + " per 1M tokens");
        }
        if (s.timeout() != null) {
            policies.put("timeout", s.timeout().toString());
        }
        CircuitBreaker breaker = null;
        CircuitBreakerSpec cb = s.circuitBreakerSpec();
        if (cb != null) {
            breaker = regs.circuitBreaker(resource, cb, where);
            policies.put("circuitBreaker", resource + " " + cb);
        }
        RateLimiter limiter = null;
        RateLimitSpec rl = s.rateLimitSpec();
        if (rl != null) {
            limiter = regs.rateLimiter(resource, rl, where);
            policies.put("rateLimit", resource + " " + rl);
        }
        Bulkhead bulkhead = s.ownBulkhead();
        if (bulkhead != null) {
            policies.put("bulkhead", bulkhead.getName() + " (application's) "
                    + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " concurrent calls");
        } else if (s.bulkheadSpec() != null) {
            bulkhead = regs.bulkhead(resource, s.bulkheadSpec(), where);
            policies.put("bulkhead", resource + " " + s.bulkheadSpec());
        }
        Retry retry = null;
        RetrySpec rs = s.retrySpec();
        if (rs != null) {
            retry = Retries.create(name + "/" + m.name(), rs, jitter);
            policies.put("retry", rs.toString());
        }
        if (s.maxOutputTokensValue() > 0) {
            policies.put("maxOutputTokens", String.valueOf(s.maxOutputTokensValue()));
        }
        if (lastResortSet) {
            policies.put("lastResort", lastResort.toString()); // the chain's, which every model step is subject to
        }
        Predicate<? super O> gate = s.acceptGate() != null ? s.acceptGate() : accept;
        if (gate != null) {
            policies.put("accept", s.acceptGate() != null ? "step" : "chain");
        }
        return new StepDef.Model<>(m.name(), m.client(), s.modelNameValue(), s.pricingValue(), s.timeout() == null ? 0 : s.timeout().toNanos(), rs, retry,
                breaker, limiter, bulkhead, p, q, gate, s.maxOutputTokensValue(), java.util.Collections.unmodifiableMap(policies));
    }
}
