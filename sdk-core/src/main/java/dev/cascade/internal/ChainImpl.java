package dev.cascade.internal;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.CallContext;
import dev.cascade.api.Description;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import dev.cascade.api.ReviewDecision;
import dev.cascade.api.ReviewHandle;
import dev.cascade.api.ReviewRequest;
import dev.cascade.api.Route;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.cache.ResponseCache;
import dev.cascade.config.LastResortSpec;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.AttemptStarted;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.event.ExecutionStarted;
import dev.cascade.event.LastResort;
import dev.cascade.event.ReviewSubmitted;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import io.opentelemetry.context.Context;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;

/**
 * The engine: runs an execution through the steps, in order, from the routed first step. Immutable and thread-safe.
 * The front door ({@code dev.cascade.Cascade}) reaches it through a small adapter in the root package, so the engine
 * does not depend on the package that builds it.
 */
public final class ChainImpl<I, O> {
    private final ChainConfig<I, O> config;
    private final List<StepDef<I, O>> defs;
    /** The steps' runners, chosen once per step kind, in the loop that falls back from one to the next. */
    private final FallbackLoop<I, O> steps;
    private final LastResortRunner<I, O> lastResort;
    private final Map<String, Integer> index;
    private final Route defaultRoute;
    private final ExecutionIds ids = new ExecutionIds();
    /** The response cache in front of the steps; null when the chain has none. */
    private final ResponseCache<I, O> cache;
    /** Run after each outcome is built (shadow candidates), or null. */
    private final AfterExecution<I, O> after;

    public ChainImpl(ChainConfig<I, O> config, DoubleSupplier jitter) {
        this(config, jitter, null, null);
    }

    /**
     * @param cache the response cache in front of the steps, or {@code null}
     * @param after run after every execution's outcome is built and reported; {@code null} for nothing
     */
    public ChainImpl(ChainConfig<I, O> config, DoubleSupplier jitter, ResponseCache<I, O> cache,
                     AfterExecution<I, O> after) {
        this.cache = cache;
        this.after = after;
        this.config = config;
        this.defs = config.steps();
        this.lastResort = new LastResortRunner<>(config);
        List<StepRunner<I, O>> list = new java.util.ArrayList<>();
        for (StepDef<I, O> step : defs) {
            list.add(runner(step, jitter));
        }
        this.steps = new FallbackLoop<>(list, lastResort);
        this.index = config.index();
        this.defaultRoute = new Route(defs.get(0).name(), false, "no router");
    }

    private StepRunner<I, O> runner(StepDef<I, O> step, DoubleSupplier jitter) {
        // Once, at build time: the execution loop never asks a step what kind it is.
        if (step instanceof StepDef.Model<I, O> m) {
            return new ModelStepRunner<>(config, m, jitter);
        } else if (step instanceof StepDef.Rules<I, O> r) {
            return new RulesStepRunner<>(config, r);
        } else if (step instanceof StepDef.Custom<I, O> c) {
            return new CustomStepRunner<>(config, c);
        }
        return new ReviewStepRunner<>(config, (StepDef.Review<I, O>) step, lastResort);
    }

    public String name() {
        return config.name();
    }

    public Optional<ResponseCache<I, O>> cache() {
        return Optional.ofNullable(cache);
    }

    public Optional<io.github.resilience4j.circuitbreaker.CircuitBreaker> circuitBreaker(String step) {
        for (StepDef<I, O> d : config.steps()) {
            if (d instanceof StepDef.Model<I, O> m && m.name().equals(step)) {
                return Optional.ofNullable(m.breaker());
            }
        }
        return Optional.empty();
    }

    public CompletableFuture<List<String>> warmUp() {
        // One warm-up per client object: steps sharing a client warm it once.
        Map<dev.cascade.spi.ModelClient, String> clients = new java.util.IdentityHashMap<>();
        for (StepDef<I, O> step : defs) {
            if (step instanceof StepDef.Model<I, O> m) {
                clients.putIfAbsent(m.client(), m.name());
            }
        }
        List<CompletableFuture<String>> runs = new java.util.ArrayList<>();
        clients.forEach((client, stepName) -> runs.add(warmUp(client, stepName)));
        return CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> runs.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull)
                        .toList());
    }

    /** Completes with null when the warm-up worked, else with "step: reason" (also reported as an Anomaly). */
    private CompletableFuture<String> warmUp(dev.cascade.spi.ModelClient client, String stepName) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Runnable task = () -> {
            String problem = null;
            try {
                client.warmUp();
            } catch (Throwable e) {
                problem = stepName + ": " + Failures.describe(e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (config.events().enabled()) {
                    config.events().fire(CascadeListener::onAnomaly, new dev.cascade.event.Anomaly("warm-up",
                            config.name() + "/" + stepName, 0, 0, "warm-up of model client for step '" + stepName
                            + "' failed: " + Failures.describe(e)));
                }
                if (e instanceof VirtualMachineError fatal) {
                    result.complete(problem);
                    throw fatal;
                }
            }
            result.complete(problem);
        };
        try {
            config.executor().execute(task);
        } catch (RejectedExecutionException e) {
            result.complete(stepName + ": warm-up not run, the chain's executor refused it");
        }
        return result;
    }

    public Description describe() {
        return config.description();
    }

    /** The chain's listeners, for events the front door fires (scores recorded later). */
    public Events events() {
        return config.events();
    }

    public Outcome<O> execute(I input, CallContext context) {
        requireInput(input, context);
        return run(input, context, null, null, null);
    }

    public CompletableFuture<Outcome<O>> executeAsync(I input, CallContext context) {
        requireInput(input, context);
        Context parent = Context.current();
        ExecutionFuture<Outcome<O>> future = new ExecutionFuture<>();
        try {
            config.executor().execute(parent.wrap(() -> future.runAs(() -> run(input, context, parent,
                    future.cancelRequested, null))));
        } catch (RejectedExecutionException e) {
            // No thread for it: never drop the input. Run here, on the caller's thread, without anything that may
            // block for long: model and custom steps are skipped (BULKHEAD_FULL, recorded), rules and review run.
            String reason = "not run: the chain's executor has no thread free for executeAsync ("
                    + Failures.describe(e) + "); rules and review ran on the caller's thread";
            try {
                future.complete(run(input, context, parent, future.cancelRequested, reason));
            } catch (Throwable t) {
                future.completeExceptionally(t);
                Failures.rethrowFatal(t);
            }
        }
        return future;
    }

    private void requireInput(I input, CallContext context) {
        if (input == null) {
            throw new NullPointerException("chain '" + config.name() + "': input must not be null;"
                    + " pass a value, or handle the missing input before calling execute or executeAsync");
        }
        if (context == null) {
            throw new NullPointerException("chain '" + config.name() + "': context must not be null;"
                    + " use CallContext.empty()");
        }
    }

    /**
     * Runs one execution: routes it, runs the steps ({@link FallbackLoop}), reports it and builds its outcome.
     *
     * @param parent   the caller's OpenTelemetry context, or {@code null} to read it here (only when someone listens)
     * @param noThread why this async execution runs on the caller's thread (the executor refused it), else null
     */
    private Outcome<O> run(I input, CallContext context, Context parent, AtomicBoolean cancelFlag, String noThread) {
        long start = config.time().nanoTime();
        long deadline = config.deadlineNanos() == 0 ? Long.MAX_VALUE : start + config.deadlineNanos();
        Events events = config.events();
        // With listeners the id is needed now; without, it is drawn when first needed (see Execution#idSeq).
        long seq = events.enabled() ? ids.getAsLong() : 0;
        ExecutionInfo info = events.enabled() ? new ExecutionInfo(config.name(), ids.id(seq),
                context, parent != null ? parent : Context.current(), start) : null;
        Execution<I, O> x = new Execution<>(input, context, ids, seq, start, deadline, info, cancelFlag);
        if (noThread != null) {
            x.rare().noThread = noThread;
        }

        Route route = route(input);
        if (info != null) {
            events.fire(CascadeListener::onExecutionStarted, new ExecutionStarted(info, route.firstStep()));
        }
        ResponseCache.Lookup<O> lookup = cache == null ? null : cache.lookup(input, context);
        Outcome.Status status;
        if (lookup != null && lookup.hit()) {
            // Answered before any step: no model call, no budget reservation.
            x.answer = lookup.answer();
            x.answeredBy = ResponseCache.ANSWERED_BY;
            status = Outcome.Status.ANSWERED;
        } else {
            status = steps.run(x, route == defaultRoute ? 0 : index.get(route.firstStep()));
        }
        if (status == Outcome.Status.CANCELLED) {
            // Leave the interrupt for the caller to see; the outcome says what happened before it.
            Thread.currentThread().interrupt();
        }
        // The end of the last attempt is the end of the execution: what follows is building this value.
        long end = x.lastNanos != 0 ? x.lastNanos : config.time().nanoTime();
        Outcome<O> outcome = Outcome.create(config.name(), ids.prefix, x.idSeqOrZero(), ids, status, x.answer,
                x.answeredBy, x.attempts(), route, x.review(), end - start);
        Execution.Rare<I, O> rare = x.rareOrNull();
        if (rare != null && rare.template != null) {
            outcome = outcome.withTemplateId(rare.template);
        }
        if (lookup != null) {
            outcome = outcome.withCacheLookup(lookup.report(lookup.hit() ? null : store(x, status, lookup, outcome)));
        }
        if (info != null) {
            events.fire(CascadeListener::onExecutionFinished, new ExecutionFinished(info, outcome));
        }
        if (after != null) {
            try {
                after.finished(input, context, outcome, info);
            } catch (Throwable t) {
                Failures.rethrowFatal(t); // the outcome is the caller's, whatever the after-work does
            }
        }
        return outcome;
    }

    /**
     * Stores the execution's answer when it may be cached: a complete answer of a model step (it passed the parser and
     * the accept gate), not the last resort's; a reviewer's approved or edited answer later, when opted in.
     *
     * @return "stored", or why not (see {@link dev.cascade.api.CacheLookup#stored()})
     */
    private String store(Execution<I, O> x, Outcome.Status status, ResponseCache.Lookup<O> lookup, Outcome<O> o) {
        if (status == Outcome.Status.PENDING_REVIEW) {
            ReviewHandle<O> review = x.review();
            if (!cache.spec().cacheReviewedAnswers() || review == null || lookup.key() == null) {
                return "pending review";
            }
            String reviewStep = defs.get(defs.size() - 1).name();
            review.decision().thenAccept(d -> {
                if ((d.verdict() == ReviewDecision.Verdict.APPROVED || d.verdict() == ReviewDecision.Verdict.EDITED)
                        && d.answer().isPresent()) {
                    cache.store(lookup, d.answer().get(), o.cost(), reviewStep);
                }
            });
            return "on review decision";
        }
        if (status != Outcome.Status.ANSWERED) {
            return "not answered (" + status + ")";
        }
        Execution.Rare<I, O> rare = x.rareOrNull();
        if (rare != null && rare.lastResortTried) {
            return "answered by the last resort";
        }
        Attempt answered = null;
        for (Attempt a : o.attempts()) {
            if (a.status() == Status.ANSWERED) {
                answered = a;
            }
        }
        if (answered == null || answered.stepKind() != StepKind.MODEL) {
            return "not answered by a model step";
        }
        String finish = answered.finishReason();
        if (finish != null && (finish.equalsIgnoreCase("length") || finish.equalsIgnoreCase("max_tokens"))) {
            return "cut short by the output cap (finish reason " + finish + ")";
        }
        return cache.store(lookup, x.answer, o.cost(), answered.step());
    }

    private Route route(I input) {
        if (config.router() == null) {
            return defaultRoute;
        }
        String first;
        try {
            first = config.router().apply(input);
        } catch (Throwable e) {
            Failures.rethrowFatal(e);
            return new Route(defaultRoute.firstStep(), false, "router threw "
                    + Failures.describe(e) + "; started at the first step");
        }
        if (first == null) {
            return new Route(defaultRoute.firstStep(), false, "router returned null; started at the first step");
        }
        if (!index.containsKey(first)) {
            return new Route(defaultRoute.firstStep(), false, "router chose unknown step '" + first
                    + "'; started at the first step");
        }
        return new Route(first, true, "router");
    }

    @Override
    public String toString() {
        return config.description().toString();
    }
}
