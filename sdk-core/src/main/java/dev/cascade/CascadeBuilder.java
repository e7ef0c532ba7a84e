package dev.cascade;

import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.Description;
import dev.cascade.api.FailureKind;
import dev.cascade.api.FailurePolicy;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Route;
import dev.cascade.budget.Budget;
import dev.cascade.cache.CacheSpec;
import dev.cascade.cache.ResponseCache;
import dev.cascade.config.BulkheadSpec;
import dev.cascade.config.CircuitBreakerSpec;
import dev.cascade.config.LastResortSpec;
import dev.cascade.config.ModelStepSpec;
import dev.cascade.config.RateLimitSpec;
import dev.cascade.config.RetrySpec;
import dev.cascade.config.Specs;
import dev.cascade.event.Anomaly;
import dev.cascade.event.ChainBuilt;
import dev.cascade.internal.CascadeThreads;
import dev.cascade.internal.ChainConfig;
import dev.cascade.internal.ChainImpl;
import dev.cascade.internal.StepDef;
import dev.cascade.review.DurableReviewQueue;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.shadow.ShadowCandidate;
import dev.cascade.shadow.ShadowSpec;
import dev.cascade.spi.AdmissionInterceptor;
import dev.cascade.spi.AttemptInterceptor;
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
 * Builds a {@link Cascade}. Steps run in the order they are added. Each attempt of a model step passes, in order:
 * <pre>
 * retry ▸ deadline ▸ circuit breaker ▸ rate limiter ▸ bulkhead ▸ admission (budgets) ▸ interceptors ▸ attempt timeout ▸ call
 * </pre>
 * The retry loop is the outer layer: every attempt, each retry included, passes every other stage again (see
 * {@link ModelStepSpec}).
 *
 * <p>Setters check their own argument at once; {@code build()} checks the whole chain. Every check throws
 * {@link CascadeConfigurationException} with the field's path from the chain ({@code steps[1].retry.maxAttempts},
 * {@code deadline}, ...), the rejected value and the fix. The builder is not thread-safe; {@code build()} copies
 * what it needs, so the builder can be reused and a built chain never changes.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class CascadeBuilder<I, O> {

    private sealed interface Pending<I, O> {
        String name();
    }

    private record PendingModel<I, O>(String name, int index, ModelClient client, ModelStepSpec<I, O> spec)
            implements Pending<I, O> {
    }

    private record PendingRules<I, O>(String name, RuleSet<I, O> rules) implements Pending<I, O> {
    }

    private record PendingCustom<I, O>(String name, Function<? super I, Optional<O>> function)
            implements Pending<I, O> {
    }

    private record PendingReview<I, O>(String name, ReviewQueue<I, O> queue) implements Pending<I, O> {
    }

    private record PendingShadow<I, O>(String name, ModelClient client, ShadowSpec<I, O> spec) {
    }

    private final String name;
    private final List<Pending<I, O>> steps = new ArrayList<>();
    private final List<PendingShadow<I, O>> shadows = new ArrayList<>();
    private Function<? super I, ModelRequest> prompt;
    private Function<? super ModelResponse, ? extends O> parse;
    private Predicate<? super O> accept;
    private Function<? super I, String> router;
    private Duration deadline;
    private final Map<FailureKind, FailurePolicy> policies = new EnumMap<>(FailureKind.class);
    private final List<FailureClassifier> classifiers = new ArrayList<>();
    private final List<CascadeListener> listeners = new ArrayList<>();
    private final List<AttemptInterceptor> interceptors = new ArrayList<>();
    /** At most this many interceptors per chain (the budget's included): the seam tracks them in a long's bits. */
    private static final int MAX_INTERCEPTORS = 63;
    private StepAdmission admission;
    private TimeSource time;
    private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
    private ExecutorService executor;
    private boolean virtualThreads = true;
    private CascadeRegistries registries;
    private Duration lateCompletionGrace = DEFAULT_LATE_COMPLETION_GRACE;

    /** The default {@link #lateCompletionGrace}: 60 s. */
    public static final Duration DEFAULT_LATE_COMPLETION_GRACE = Duration.ofSeconds(60);
    private LastResortSpec lastResort = LastResortSpec.ofDefaults();
    /** Whether lastResort(...) was called: describe() shows the policies a chain was given, not the defaults. */
    private boolean lastResortSet;
    /** The response cache in front of the steps; null when none. */
    private CacheSpec<I, O> cache;

    CascadeBuilder(String name) {
        this.name = Specs.name("name", name);
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

    /**
     * Adds a model step; {@code configure} sets its timeout, retry, circuit breaker, rate limit, bulkhead and
     * overrides, e.g.
     * {@code s -> s.timeout(Duration.ofSeconds(8)).retry(r -> r.maxAttempts(2))}: shorthand for
     * {@link #model(String, ModelClient, ModelStepSpec)} with a spec built in place.
     *
     * @throws CascadeConfigurationException if an option is out of range; its path starts at {@code steps[n]}
     */
    public CascadeBuilder<I, O> model(String name, ModelClient client,
                                      Consumer<ModelStepSpec.Builder<I, O>> configure) {
        Objects.requireNonNull(configure, "configure");
        ModelStepSpec.Builder<I, O> b = ModelStepSpec.builder();
        ModelStepSpec<I, O> spec;
        try {
            configure.accept(b);
            spec = b.build();
        } catch (CascadeConfigurationException e) {
            throw e.within(stepContext("model", name), "steps[" + steps.size() + "]");
        }
        return model(name, client, spec);
    }

    /**
     * Adds a model step with a spec built before ({@link ModelStepSpec#builder()}); one spec can be given to many
     * steps and chains.
     */
    public CascadeBuilder<I, O> model(String name, ModelClient client, ModelStepSpec<I, O> spec) {
        Objects.requireNonNull(client, () -> "model step '" + name + "': client must not be null");
        Objects.requireNonNull(spec, () -> "model step '" + name + "': spec must not be null");
        steps.add(new PendingModel<>(stepName(name), steps.size(), client, spec));
        return this;
    }

    private String stepContext(String kind, String step) {
        return "chain '" + this.name + "', " + kind + " step '" + step + "'";
    }

    private String stepName(String step) {
        try {
            return Specs.name("name", step);
        } catch (CascadeConfigurationException e) {
            throw e.within("chain '" + name + "'", "steps[" + steps.size() + "]");
        }
    }

    /** Adds a rules step: the first matching rule answers; none matching passes the input on. */
    public CascadeBuilder<I, O> rules(String name, RuleSet<I, O> rules) {
        steps.add(new PendingRules<>(stepName(name),
                Objects.requireNonNull(rules, () -> "rules step '" + name + "': rules must not be null")));
        return this;
    }

    /**
     * Adds a custom step: any function that answers ({@code Optional.of(answer)}) or passes ({@code Optional.empty()}).
     * An exception is the step's failure ({@code UNAVAILABLE}). Skipped when the deadline has passed.
     */
    public CascadeBuilder<I, O> step(String name, Function<? super I, Optional<O>> function) {
        steps.add(new PendingCustom<>(stepName(name),
                Objects.requireNonNull(function, () -> "custom step '" + name + "': function must not be null")));
        return this;
    }

    /** Adds the human review step, which takes every input no earlier step answered. Must be the last step. */
    public CascadeBuilder<I, O> humanReview(String name, ReviewQueue<I, O> queue) {
        steps.add(new PendingReview<>(stepName(name),
                Objects.requireNonNull(queue, () -> "review step '" + name + "': queue must not be null")));
        return this;
    }

    /**
     * Adds a shadow candidate: a sampled share of live executions (default 5%) is sent, after the caller has its
     * outcome, to {@code client} on the candidate's own worker threads, with the chain's prompt mapper and parser
     * (unless the spec gives its own), under its own budget, rate limit and bounded queue; its parsed answer is scored
     * against the answer the chain returned. A full queue drops the sample (counted); nothing the candidate does
     * changes or delays the caller's outcome. Only answered executions are compared. Read the agreement with
     * {@link Cascade#shadows()}; listeners get a {@link dev.cascade.event.ShadowCompared} per sample, e.g.
     * {@code .shadow("mini", miniClient, s -> s.share(0.05).pricing(price).budget(Budget.builder().perDay("2.00")
     * .build()))}. See {@link ShadowSpec} for the defaults.
     *
     * @throws CascadeConfigurationException if an option is out of range; its path starts at {@code shadows[n]}
     */
    public CascadeBuilder<I, O> shadow(String name, ModelClient client, Consumer<ShadowSpec.Builder<I, O>> configure) {
        Objects.requireNonNull(client, () -> "shadow '" + name + "': client must not be null");
        Objects.requireNonNull(configure, "configure");
        String at = "shadows[" + shadows.size() + "]";
        String checked;
        ShadowSpec<I, O> spec;
        try {
            checked = Specs.name("name", name);
            ShadowSpec.Builder<I, O> b = ShadowSpec.builder();
            configure.accept(b);
            spec = b.build();
        } catch (CascadeConfigurationException e) {
            throw e.within("chain '" + this.name + "', shadow '" + name + "'", at);
        }
        for (PendingShadow<I, O> other : shadows) {
            if (other.name().equals(checked)) {
                throw new CascadeConfigurationException("name", checked, "duplicate shadow candidate name '"
                        + checked + "'", "give each shadow candidate of the chain a distinct name")
                        .within("chain '" + this.name + "'", at);
            }
        }
        shadows.add(new PendingShadow<>(checked, client, spec));
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
        try {
            this.deadline = Specs.positive("deadline", deadline);
        } catch (CascadeConfigurationException e) {
            throw e.within("chain '" + name + "'", "");
        }
        return this;
    }

    /**
     * What the chain does when every step it ran failed or was skipped while the deadline still has room: wait for
     * the earliest Retry-After that fits and try that step once more, and/or let a few executions per second probe a
     * step whose breaker is open. Default: wait for Retry-After up to 5 s (and the deadline), no probes; e.g.
     * {@code lastResort(l -> l.probeOpenBreakers(2))}, or {@code lastResort(l -> l.off())}. Starts from the
     * chain's current last resort. See {@link LastResortSpec}.
     */
    public CascadeBuilder<I, O> lastResort(Consumer<LastResortSpec.Builder> configure) {
        Objects.requireNonNull(configure, "lastResort");
        LastResortSpec.Builder b = LastResortSpec.from(lastResort);
        try {
            configure.accept(b);
        } catch (CascadeConfigurationException e) {
            throw e.within("chain '" + name + "'", "");
        }
        return lastResort(b.build());
    }

    /** The chain's last resort as a spec built before, e.g. {@link LastResortSpec#disabled()}. */
    public CascadeBuilder<I, O> lastResort(LastResortSpec spec) {
        this.lastResort = Objects.requireNonNull(spec, "lastResort");
        this.lastResortSet = true;
        return this;
    }

    /**
     * Puts a response cache in front of the steps: an exact, then semantic, hit in the caller's scope answers with
     * {@code answeredBy = "cache"}, no model call and no budget reservation; a complete model answer is stored after
     * the chain answers. Shorthand for {@link #cache(CacheSpec)} with a spec built in place, e.g.
     * {@code cache(c -> c.namespace("faq-v3").ttl(Duration.ofHours(12)))}. Default: no cache.
     *
     * @throws CascadeConfigurationException if an option is out of range; its path starts at {@code cache}
     */
    public CascadeBuilder<I, O> cache(Consumer<CacheSpec.Builder<I, O>> configure) {
        Objects.requireNonNull(configure, "cache");
        CacheSpec.Builder<I, O> b = CacheSpec.builder();
        try {
            configure.accept(b);
        } catch (CascadeConfigurationException e) {
            throw e.within("chain '" + name + "'", "cache");
        }
        return cache(b.build());
    }

    /** The response cache as a spec built before ({@link CacheSpec#builder()}); see {@link #cache(Consumer)}. */
    public CascadeBuilder<I, O> cache(CacheSpec<I, O> spec) {
        this.cache = Objects.requireNonNull(spec, "cache");
        return this;
    }

    /** Overrides the policy for one failure kind, starting from its current policy (the default, or an earlier override). */
    public CascadeBuilder<I, O> onFailure(FailureKind kind, UnaryOperator<FailurePolicy> change) {
        Objects.requireNonNull(kind, "kind");
        FailurePolicy current = policies.getOrDefault(kind, kind.defaultPolicy());
        FailurePolicy next = Objects.requireNonNull(change.apply(current),
                () -> "onFailure(" + kind + ") returned null");
        if (kind.isAdmission() && !next.withAlert(current.alert()).equals(current)) {
            throw new CascadeConfigurationException("onFailure." + kind, next, "an admission refusal is never"
                    + " retried, always falls through and never counts for the breaker; only its alert may be"
                    + " changed, was " + next, "change only the alert of " + kind + " (p -> p.withAlert(true))")
                    .within("chain '" + name + "'", "");
        }
        policies.put(kind, next);
        return this;
    }

    /** Adds a classifier, asked before the earlier ones' fallback, the built-in classifier, which always runs last. */
    public CascadeBuilder<I, O> classifier(FailureClassifier classifier) {
        classifiers.add(Objects.requireNonNull(classifier, "classifier"));
        return this;
    }

    /**
     * Adds a listener. A listener that throws is ignored; with no listener, no event is built. A listener that is also
     * an {@link AttemptInterceptor} (as {@link CascadeTelemetry} is) is added as an interceptor too, at this point in
     * the interceptors' order.
     */
    public CascadeBuilder<I, O> listener(CascadeListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        if (listener instanceof AttemptInterceptor interceptor && !interceptors.contains(interceptor)) {
            interceptors.add(interceptor);
        }
        return this;
    }

    /**
     * Adds an interceptor around every model attempt of every model step: it sees the request before the call and the
     * result after, and may answer, refuse or wrap the call (see {@link AttemptInterceptor}). Interceptors run in the
     * order they are added, the first outermost, inside the chain's {@link #budget budget} (which is always
     * outermost) and after the deadline, breaker, rate limiter and bulkhead. An interceptor that is also a
     * {@link CascadeListener} is added as a listener too. Adding the same interceptor again changes nothing. Default:
     * none; at most 62 besides a budget.
     */
    public CascadeBuilder<I, O> intercept(AttemptInterceptor interceptor) {
        Objects.requireNonNull(interceptor, "interceptor");
        if (interceptor instanceof CascadeListener listener && !listeners.contains(listener)) {
            listeners.add(listener);
        }
        if (!interceptors.contains(interceptor)) {
            interceptors.add(interceptor);
        }
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
            listener(CascadeTelemetry.create(openTelemetry));
        }
        return this;
    }

    /**
     * The admission hook asked before every model call, after the breaker, the limiter and the bulkhead. A chain has one: a
     * {@link #budget(Budget)} is one too.
     */
    public CascadeBuilder<I, O> admission(StepAdmission admission) {
        Objects.requireNonNull(admission, "admission");
        if (this.admission != null && this.admission != admission) {
            throw new CascadeConfigurationException("admission", admission, "the chain already has an admission"
                    + " hook (" + this.admission + "); a chain has one, and a budget is one",
                    "call admission(...) or budget(...) once").within("chain '" + name + "'", "");
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
        try {
            Specs.nonNegative("lateCompletionGrace", grace);
        } catch (CascadeConfigurationException e) {
            throw e.within("chain '" + name + "'", "");
        }
        try {
            grace.toNanos();
        } catch (ArithmeticException e) {
            throw new CascadeConfigurationException("lateCompletionGrace", grace, "is too large (at most about 292"
                    + " years, the range of a long of nanoseconds), was " + grace, "use a grace of minutes or hours,"
                    + " e.g. Duration.ofSeconds(60)").within("chain '" + name + "'", "");
        }
        this.lateCompletionGrace = grace;
        return this;
    }

    /**
     * Where breakers, limiters and bulkheads live; give two chains the same registries to share them. Default: fresh
     * ones.
     */
    public CascadeBuilder<I, O> registries(CascadeRegistries registries) {
        this.registries = Objects.requireNonNull(registries, "registries");
        return this;
    }

    /**
     * Checks the whole chain and builds it.
     *
     * @throws CascadeConfigurationException if the chain is incomplete ({@code steps}: none; {@code steps[n].prompt}
     *                                       or {@code steps[n].parse}: a model step with no prompt mapper or parser),
     *                                       inconsistent ({@code steps[n].name}: a duplicate;
     *                                       {@code steps[n].humanReview}: human review not last; {@code timeSource};
     *                                       {@code steps[n].circuitBreaker}, {@code steps[n].rateLimit} or
     *                                       {@code steps[n].bulkhead}: a shared breaker, limiter or bulkhead
     *                                       configured differently), or has a {@link Budget} and a
     *                                       model step that the budget can never price ({@code steps[n].modelName} or
     *                                       {@code steps[n].model}: no {@link ModelStepSpec#pricing() price} of its
     *                                       own, and no model name, or one the budget's catalogue does not know),
     *                                       whose every call would be skipped; or has a {@link #cache cache} it
     *                                       cannot key ({@code cache.inputText}: no model step to take the input's
     *                                       text from) or store ({@code cache.store}: the default in-memory store
     *                                       needs Caffeine on the classpath)
     */
    public Cascade<I, O> build() {
        String where = "chain '" + name + "'";
        if (steps.isEmpty()) {
            throw new CascadeConfigurationException("steps", null, "the chain has no steps",
                    "add one with model(), rules(), step() or humanReview()").within(where, "");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            Pending<I, O> p = steps.get(i);
            if (!names.add(p.name())) {
                throw new CascadeConfigurationException("name", p.name(), "duplicate step name '" + p.name()
                        + "'; step names must be unique", "give each step of the chain a distinct name")
                        .within(where, "steps[" + i + "]");
            }
            if (p instanceof PendingReview && i != steps.size() - 1) {
                throw new CascadeConfigurationException("steps[" + i + "].humanReview", p.name(), "human review"
                        + " step '" + p.name() + "' must be the last step, but '" + steps.get(i + 1).name() + "'"
                        + " follows it; it takes every input that reaches it, so the steps after it would never run",
                        "move the human review step to the end of the chain's steps").within(where, "");
            }
        }
        TimeSource clock = time != null ? time : registries != null ? registries.timeSource() : TimeSource.system();
        CascadeRegistries regs = registries != null ? registries : CascadeRegistries.create(clock);
        if (regs.timeSource() != clock) {
            throw new CascadeConfigurationException("timeSource", clock, "timeSource differs from the registries'"
                    + " timeSource", "create the registries with CascadeRegistries.create(timeSource)")
                    .within(where, "");
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
                def = new StepDef.Rules<>(r.name(), r.rules(),
                        Map.of("rules", String.valueOf(r.rules().rules().size())));
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
        List<AttemptInterceptor> seam = new ArrayList<>();
        if (admission != null) {
            seam.add(AdmissionInterceptor.of(admission)); // the budget is reserved first, outermost
        }
        seam.addAll(interceptors);
        if (seam.size() > MAX_INTERCEPTORS) {
            throw new IllegalArgumentException(where + ": interceptors has " + seam.size() + " entries (a budget"
                    + " counts as one), at most " + MAX_INTERCEPTORS + " are allowed; combine some into one");
        }
        Events events = new Events(listeners);
        if (events.enabled()) {
            events.fire(CascadeListener::onChainBuilt, chainBuilt(description, defs));
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
                events, List.copyOf(seam), clock,
                executor != null ? executor : CascadeThreads.defaultExecutor(virtualThreads), description,
                lateCompletionGrace.toNanos(), lastResort);
        ResponseCache<I, O> responseCache = responseCache(defs, clock, where);
        List<ShadowCandidate<I, O>> candidates = shadowCandidates(where, events, clock);
        if (candidates.isEmpty()) {
            return new CascadeChain<>(new ChainImpl<>(config, jitter, responseCache, null));
        }
        return new CascadeChain<>(new ChainImpl<>(config, jitter, responseCache, (input, context, outcome, info) -> {
            for (ShadowCandidate<I, O> c : candidates) {
                c.offer(input, context, outcome, info);
            }
        }), candidates);
    }

    /** The chain's cache, keyed on what its steps are and what its prompts build; null when it has none. */
    private ResponseCache<I, O> responseCache(List<StepDef<I, O>> defs, TimeSource clock, String where) {
        if (cache == null) {
            return null;
        }
        StringBuilder shape = new StringBuilder();
        List<Function<? super I, ModelRequest>> prompts = new ArrayList<>();
        for (StepDef<I, O> d : defs) {
            shape.append(d.kind()).append(':').append(d.name());
            if (d instanceof StepDef.Model<I, O> m) {
                shape.append(':').append(m.client().provider()).append('/').append(m.model()).append(':')
                        .append(m.maxOutputTokens());
                if (prompts.stream().noneMatch(p -> p == m.prompt())) {
                    prompts.add(m.prompt());
                }
            }
            shape.append('\n');
        }
        try {
            return ResponseCache.create(cache, name, shape.toString(), prompts, clock);
        } catch (CascadeConfigurationException e) {
            throw e.within(where, "");
        }
    }

    /** Checks the shadow candidates against the chain (prompt, parse, price) and starts them. */
    private List<ShadowCandidate<I, O>> shadowCandidates(String where, Events events, TimeSource clock) {
        List<ShadowCandidate<I, O>> out = new ArrayList<>();
        for (int i = 0; i < shadows.size(); i++) {
            PendingShadow<I, O> p = shadows.get(i);
            ShadowSpec<I, O> s = p.spec();
            String at = "shadows[" + i + "]";
            String ctx = where + ", shadow '" + p.name() + "'";
            Function<? super I, ModelRequest> pr = s.prompt() != null ? s.prompt() : prompt;
            Function<? super ModelResponse, ? extends O> pa = s.parse() != null ? s.parse() : parse;
            if (pr == null) {
                throw new CascadeConfigurationException(at + ".prompt", null, "no prompt mapper for the shadow"
                        + " candidate", "set prompt(...) on the chain or on the shadow's spec").within(ctx, "");
            }
            if (pa == null) {
                throw new CascadeConfigurationException(at + ".parse", null, "no parser for the shadow candidate",
                        "set parse(...) on the chain or on the shadow's spec").within(ctx, "");
            }
            String model = s.modelName() != null ? s.modelName() : p.client().model();
            if (s.budget() instanceof Budget budget && s.pricing() == null
                    && (model == null || budget.price(model).isEmpty())) {
                throw new CascadeConfigurationException(at + ".pricing", model, "the shadow candidate has a budget"
                        + " but no price: " + (model == null ? "its client reports no model name" : "the budget's"
                        + " catalogue has no price for model '" + model + "'") + ", so the budget would refuse"
                        + " every call", "give the shadow its price, s -> s.pricing(Pricing.perMillionTokens(\"0.15\","
                        + " \"0.60\")), or a model name the budget knows").within(ctx, "");
            }
            out.add(new ShadowCandidate<>(name, p.name(), p.client(), s, pr, pa, events, clock));
        }
        return List.copyOf(out);
    }

    /** What the chain's listeners may observe of its parts: its breakers, its review queue's depth. */
    private ChainBuilt chainBuilt(Description description, List<StepDef<I, O>> defs) {
        Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
        Map<String, LongSupplier> depths = new LinkedHashMap<>();
        for (StepDef<I, O> d : defs) {
            if (d instanceof StepDef.Model<I, O> m && m.breaker() != null) {
                breakers.put(m.name(), m.breaker());
            } else if (d instanceof StepDef.Review<I, O> r) {
                LongSupplier depth = reviewDepth(r.queue());
                if (depth != null) {
                    depths.put(r.name(), depth);
                }
            }
        }
        return new ChainBuilt(name, description, breakers, depths);
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
        return stepContext("model", m.name());
    }

    /** The path of one of the step's fields, e.g. {@code steps[1].modelName}. */
    private static String at(PendingModel<?, ?> m, String field) {
        return "steps[" + m.index() + "]" + (field.isEmpty() ? "" : "." + field);
    }

    /** The step's model name: its own, else the client's; null when neither knows it. */
    private static String modelOf(PendingModel<?, ?> m) {
        return m.spec().modelName() != null ? m.spec().modelName() : m.client().model();
    }

    private String resourceOf(PendingModel<I, O> m) {
        ModelStepSpec<I, O> s = m.spec();
        String model = modelOf(m);
        return s.resourceName() != null ? s.resourceName()
                : model != null ? m.client().provider() + "/" + model
                : name + "/" + m.name();
    }

    /**
     * A budget fails closed on a call it cannot price, so a budgeted step with neither a price of its own nor a model
     * the budget knows would be skipped on every call: refuse to build it, saying how to price it.
     */
    private void checkPriced(PendingModel<I, O> m, Budget budget) {
        if (m.spec().pricing() != null) {
            return;
        }
        String model = modelOf(m);
        String fix = "name the model it calls, .model(\"" + m.name() + "\", client, s -> s.modelName(\"gpt-4o\")),"
                + " or give the step its price, .model(\"" + m.name() + "\", client, s -> s.pricing("
                + "Pricing.perMillionTokens(\"2.50\", \"10.00\")))";
        if (model == null) {
            throw new CascadeConfigurationException(at(m, "modelName"), null, "the chain has a budget, but this step"
                    + " cannot be priced: its client reports no model name (ModelClient.model() is null) and the step"
                    + " sets neither modelName(...) nor pricing(...). A budget fails closed, so every call of the"
                    + " step would be skipped as OVER_BUDGET", "have the client report model(), or " + fix)
                    .within(where(m), "");
        }
        if (budget.price(model).isEmpty()) {
            boolean own = m.spec().modelName() != null;
            throw new CascadeConfigurationException(at(m, own ? "modelName" : "model"), model, "the chain's budget"
                    + " has no price for model '" + model + "' (" + (own ? "named by the step's modelName" : "provider "
                    + m.client().provider()) + "). A budget fails closed, so every call"
                    + " of the step would be skipped as OVER_BUDGET", "add the price to the budget,"
                    + " Budget.builder().price(\"" + model + "\", Pricing.perMillionTokens(\"<input USD per 1M"
                    + " tokens>\", \"<output USD per 1M tokens>\")), or give the step its price, .model(\""
                    + m.name() + "\", client, s -> s.pricing(Pricing.perMillionTokens(...))), or correct the model"
                    + " name if it is misspelled").within(where(m), "");
        }
    }

    /** Every check of a model step that needs no side effect; {@code seen} catches conflicts within this chain. */
    private void checkModelStep(PendingModel<I, O> m, CascadeRegistries regs, Map<String, Object[]> seen) {
        String where = where(m);
        ModelStepSpec<I, O> s = m.spec();
        if (s.prompt() == null && prompt == null) {
            throw new CascadeConfigurationException(at(m, "prompt"), null, "no prompt mapper",
                    "set prompt(...) on the chain or the step").within(where, "");
        }
        if (s.parse() == null && parse == null) {
            throw new CascadeConfigurationException(at(m, "parse"), null, "no parser",
                    "set parse(...) on the chain or the step").within(where, "");
        }
        CircuitBreakerSpec cb = s.circuitBreaker();
        RateLimitSpec rl = s.rateLimit();
        BulkheadSpec bh = s.bulkhead();
        String resource = resourceOf(m);
        regs.checkCompatible(resource, cb, rl, bh, where, at(m, ""));
        Object[] earlier = seen.putIfAbsent(resource, new Object[] {cb, rl, bh});
        if (earlier != null) {
            if (cb != null && earlier[0] != null && !cb.equals(earlier[0])) {
                throw CascadeRegistries.conflict(where, at(m, "circuitBreaker"), "circuit breaker", resource,
                        earlier[0], cb);
            }
            if (rl != null && earlier[1] != null && !rl.equals(earlier[1])) {
                throw CascadeRegistries.conflict(where, at(m, "rateLimit"), "rate limiter", resource, earlier[1],
                        rl);
            }
            if (bh != null && earlier[2] != null && !bh.equals(earlier[2])) {
                throw CascadeRegistries.conflict(where, at(m, "bulkhead"), "bulkhead", resource, earlier[2], bh);
            }
            earlier[0] = earlier[0] != null ? earlier[0] : cb;
            earlier[1] = earlier[1] != null ? earlier[1] : rl;
            earlier[2] = earlier[2] != null ? earlier[2] : bh;
        }
    }

    /**
     * The step's prompt mapper, naming {@code template} on the requests that name none; the mapper itself when the
     * step has no template, so a chain without templates pays nothing.
     */
    private static <I> Function<? super I, ModelRequest> withTemplate(Function<? super I, ModelRequest> mapper,
                                                                     String template) {
        if (template == null) {
            return mapper;
        }
        return input -> {
            ModelRequest r = mapper.apply(input);
            return r == null || r.templateId() != null ? r : r.withTemplateId(template);
        };
    }

    private StepDef.Model<I, O> modelStep(PendingModel<I, O> m, CascadeRegistries regs) {
        String where = where(m);
        ModelStepSpec<I, O> s = m.spec();
        Function<? super I, ModelRequest> p = withTemplate(s.prompt() != null ? s.prompt() : prompt, s.template());
        Function<? super ModelResponse, ? extends O> q = s.parse() != null ? s.parse() : parse;
        String resource = resourceOf(m);
        Map<String, String> policies = new LinkedHashMap<>();
        if (s.template() != null) {
            policies.put("template", s.template());
        }
        policies.put("provider", m.client().provider());
        String model = modelOf(m);
        if (model != null) {
            policies.put("model", model);
        }
        if (s.pricing() != null) {
            policies.put("pricing", "step " + s.pricing().inputPerMillion() + "/"
                    + s.pricing().outputPerMillion() + " per 1M tokens");
        }
        if (s.timeout() != null) {
            policies.put("timeout", s.timeout().toString());
        }
        CircuitBreaker breaker = null;
        CircuitBreakerSpec cb = s.circuitBreaker();
        if (cb != null) {
            breaker = regs.circuitBreaker(resource, cb, where, at(m, "circuitBreaker"));
            policies.put("circuitBreaker", resource + " " + cb);
        }
        RateLimiter limiter = null;
        RateLimitSpec rl = s.rateLimit();
        if (rl != null) {
            limiter = regs.rateLimiter(resource, rl, where, at(m, "rateLimit"));
            policies.put("rateLimit", resource + " " + rl);
        }
        Bulkhead bulkhead = s.ownBulkhead();
        if (bulkhead != null) {
            policies.put("bulkhead", bulkhead.getName() + " (application's) "
                    + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " concurrent calls");
        } else if (s.bulkhead() != null) {
            bulkhead = regs.bulkhead(resource, s.bulkhead(), where, at(m, "bulkhead"));
            policies.put("bulkhead", resource + " " + s.bulkhead());
        }
        RetrySpec rs = s.retry();
        if (rs != null) {
            policies.put("retry", rs.toString());
        }
        if (s.maxOutputTokens() > 0) {
            policies.put("maxOutputTokens", String.valueOf(s.maxOutputTokens()));
        }
        if (lastResortSet) {
            policies.put("lastResort", lastResort.toString()); // the chain's, which every model step is subject to
        }
        Predicate<? super O> gate = s.accept() != null ? s.accept() : accept;
        if (gate != null) {
            policies.put("accept", s.accept() != null ? "step" : "chain");
        }
        long timeoutNanos = s.timeout() == null ? 0 : s.timeout().toNanos();
        return new StepDef.Model<>(m.name(), m.client(), s.modelName(), s.pricing(), timeoutNanos, rs, breaker, limiter,
                bulkhead, p, q, gate, s.maxOutputTokens(), java.util.Collections.unmodifiableMap(policies));
    }
}
