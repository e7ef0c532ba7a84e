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

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The engine: runs an execution through the steps, in order, from the routed first step. Immutable and thread-safe. */
public final class ChainImpl<I, O> implements Cascade<I, O> {
    private final ChainConfig<I, O> config;
    private final List<StepDef<I, O>> steps;
    /** The runner of each model step, by position; null at non-model positions. */
    private final List<ModelStepRunner<I, O>> models;
    private final Map<String, Integer> index;
    private final Route defaultRoute;
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    /** Whether the chain ends in a review step: only then are unused model answers kept (for the reviewer). */
    private final boolean hasReview;

    public ChainImpl(ChainConfig<I, O> config) {
        this.config = config;
        this.steps = config.steps();
        List<ModelStepRunner<I, O>> runners = new java.util.ArrayList<>();
        for (StepDef<I, O> step : steps) {
            runners.add(step instanceof StepDef.Model<I, O> m ? new ModelStepRunner<>(config, m) : null);
        }
        this.models = java.util.Collections.unmodifiableList(runners);
        this.index = config.index();
        this.hasReview = steps.stream().anyMatch(s -> s instanceof StepDef.Review);
        this.defaultRoute = new Route(steps.get(0).name(), false, "no router");
        // Ids unique across chains and restarts without UUID's SecureRandom cost on every call.
        this.idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffffL) + "-";
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Optional<io.github.resilience4j.circuitbreaker.CircuitBreaker> circuitBreaker(String step) {
        for (StepDef<I, O> d : config.steps()) {
            if (d instanceof StepDef.Model<I, O> m && m.name().equals(step)) {
                return Optional.ofNullable(m.breaker());
            }
        }
        return Optional.empty();
    }

    @Override
    public CompletableFuture<List<String>> warmUp() {
        // One warm-up per client object: steps sharing a client warm it once.
        Map<dev.cascade.spi.ModelClient, String> clients = new java.util.IdentityHashMap<>();
        for (StepDef<I, O> step : steps) {
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
                problem = stepName + ": " + ModelStepRunner.describe(e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (config.events().enabled()) {
                    config.events().fire(CascadeListener::onAnomaly, new dev.cascade.event.Anomaly("warm-up",
                            config.name() + "/" + stepName, 0, 0, "warm-up of model client for step '" + stepName
                            + "' failed: " + ModelStepRunner.describe(e)));
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

    @Override
    public Description describe() {
        return config.description();
    }

    @Override
    public Outcome<O> execute(I input, CallContext context) {
        requireInput(input, context);
        return run(input, context, null, null, null);
    }

    @Override
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
                    + ModelStepRunner.describe(e) + "); rules and review ran on the caller's thread";
            try {
                future.complete(run(input, context, parent, future.cancelRequested, reason));
            } catch (Throwable t) {
                future.completeExceptionally(t);
                ModelStepRunner.rethrowFatal(t);
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
     * @param parent the caller's OpenTelemetry context, or {@code null} to read it here (only when someone listens)
     */
    private Outcome<O> run(I input, CallContext context, Context parent, AtomicBoolean cancelFlag, String noThread) {
        long start = config.time().nanoTime();
        long seq = ids.incrementAndGet();
        long deadline = config.deadlineNanos() == 0 ? Long.MAX_VALUE : start + config.deadlineNanos();
        Events events = config.events();
        ExecutionInfo info = events.enabled() ? new ExecutionInfo(config.name(), idPrefix + Long.toHexString(seq),
                context, parent != null ? parent : Context.current(), start) : null;
        Execution<I, O> x = new Execution<>(input, context, idPrefix, seq, start, deadline, info, cancelFlag,
                hasReview);
        x.noThread = noThread;

        Route route = route(input);
        if (info != null) {
            events.fire(CascadeListener::onExecutionStarted, new ExecutionStarted(info, route.firstStep()));
        }
        Outcome.Status status = Outcome.Status.UNANSWERED;
        ReviewHandle<O> review = null;
        for (int i = route == defaultRoute ? 0 : index.get(route.firstStep()); i < steps.size(); i++) {
            if (Thread.currentThread().isInterrupted() || x.cancelRequested()) {
                x.cancelled = true;
            }
            if (x.cancelled) {
                status = Outcome.Status.CANCELLED;
                break;
            }
            StepDef<I, O> step = steps.get(i);
            if (x.noThread != null && (step.kind() == StepKind.MODEL || step.kind() == StepKind.CUSTOM)) {
                config.skipped(x, step.name(), step.kind(), FailureKind.BULKHEAD_FULL, x.noThread,
                        config.time().nanoTime());
                continue;
            }
            if (step instanceof StepDef.Model<I, O>) {
                ModelStepRunner<I, O> model = models.get(i);
                if (x.barredBy != null) {
                    long now = config.time().nanoTime();
                    config.skipped(x, model.step().name(), StepKind.MODEL, FailureKind.BARRED, x.barredBy + " at '"
                            + x.barredAt + "': policy forbids other models for this failure", now);
                } else if (model.run(x)) {
                    status = Outcome.Status.ANSWERED;
                    break;
                }
                if (x.cancelled) {
                    status = Outcome.Status.CANCELLED;
                    break;
                }
            } else if (step instanceof StepDef.Rules<I, O> rules) {
                if (runRules(x, rules)) {
                    status = Outcome.Status.ANSWERED;
                    break;
                }
            } else if (step instanceof StepDef.Custom<I, O> custom) {
                if (runCustom(x, custom)) {
                    status = Outcome.Status.ANSWERED;
                    break;
                }
            } else if (step instanceof StepDef.Review<I, O> r) {
                // The last resort comes before a person: a short wait costs less than a reviewer's time.
                if (lastResort(x)) {
                    status = Outcome.Status.ANSWERED;
                    break;
                }
                if (x.cancelled) {
                    status = Outcome.Status.CANCELLED;
                    break;
                }
                review = runReview(x, r);
                if (review != null) {
                    status = reviewStatus(x, r, review);
                }
                break;
            }
        }
        if (status == Outcome.Status.UNANSWERED && review == null && lastResort(x)) {
            status = Outcome.Status.ANSWERED;
        } else if (status == Outcome.Status.UNANSWERED && x.cancelled) {
            status = Outcome.Status.CANCELLED;
        }
        if (status == Outcome.Status.CANCELLED) {
            // Leave the interrupt for the caller to see; the outcome says what happened before it.
            Thread.currentThread().interrupt();
        }
        // The end of the last attempt is the end of the execution: what follows is building this value.
        long end = x.lastNanos != 0 ? x.lastNanos : config.time().nanoTime();
        Outcome<O> outcome = Outcome.create(config.name(), idPrefix, seq, status, x.answer, x.answeredBy,
                x.attempts(), route, review, Duration.ofNanos(end - start));
        if (info != null) {
            events.fire(CascadeListener::onExecutionFinished, new ExecutionFinished(info, outcome));
        }
        return outcome;
    }

    private Route route(I input) {
        if (config.router() == null) {
            return defaultRoute;
        }
        String first;
        try {
            first = config.router().apply(input);
        } catch (Throwable e) {
            ModelStepRunner.rethrowFatal(e);
            return new Route(defaultRoute.firstStep(), false, "router threw "
                    + ModelStepRunner.describe(e) + "; started at the first step");
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

    /**
     * The chain's last resort, at most once per execution (see {@link LastResortSpec}): a rate-limited probe past an
     * open breaker, then one more try of the step whose Retry-After ends first, when the wait fits. Returns true when
     * it answered; sets {@code x.cancelled} when the wait was interrupted.
     */
    private boolean lastResort(Execution<I, O> x) {
        LastResortSpec policy = config.lastResort();
        if (x.lastResortTried || x.cancelled || x.barredBy != null || x.noThread != null || !policy.enabled()
                || (x.probeStep == null && x.retryAfterStep == null)) {
            return false;
        }
        x.lastResortTried = true;
        if (Thread.currentThread().isInterrupted() || x.cancelRequested()) {
            x.cancelled = true;
            return false;
        }
        ModelStepRunner<I, O> probe = x.probeStep;
        if (probe != null && policy.probesPerSecond() > 0) {
            long now = config.time().nanoTime();
            // A step's own Retry-After holds for its probe too: no call before the wait the provider asked for.
            boolean waitingRetryAfter = probe == x.retryAfterStep && x.retryAfterReadyAt - now > 0;
            if (x.remainingNanos(now) > 0 && !waitingRetryAfter && probe.breakerOpen()
                    && probe.probePermit(now, (long) (1e9 / policy.probesPerSecond()))) {
                announce(x, probe, LastResortSpec.Mode.PROBE, 0);
                if (probe.runLastResort(x, LastResortSpec.Mode.PROBE)) {
                    return true;
                }
                if (x.cancelled || x.barredBy != null) {
                    return false; // a failure whose policy bars other models ends the last resort too
                }
            }
        }
        ModelStepRunner<I, O> retry = x.retryAfterStep;
        if (retry == null || !policy.waitForRetryAfter()) {
            return false;
        }
        long now = config.time().nanoTime();
        long wait = Math.max(0, x.retryAfterReadyAt - now);
        if (wait > policy.maxWait().toNanos() || wait >= x.remainingNanos(now) || retry.breakerRefuses()) {
            return false; // nothing waits when the wait cannot fit, or an open breaker would refuse the try
        }
        announce(x, retry, LastResortSpec.Mode.RETRY_AFTER, wait);
        if (wait > 0) {
            try {
                config.time().sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                x.cancelled = true;
                return false;
            }
        }
        if (x.cancelRequested()) {
            x.cancelled = true;
            return false;
        }
        return retry.runLastResort(x, LastResortSpec.Mode.RETRY_AFTER);
    }

    private void announce(Execution<I, O> x, ModelStepRunner<I, O> runner, LastResortSpec.Mode mode, long wait) {
        if (x.info != null) {
            config.events().fire(CascadeListener::onLastResort, new LastResort(x.info, runner.step().name(), mode,
                    Duration.ofNanos(wait)));
        }
    }

    private boolean runRules(Execution<I, O> x, StepDef.Rules<I, O> step) {
        long t0 = started(x, step.name(), StepKind.RULES);
        Optional<RuleSet.Match<O>> match;
        try {
            match = step.rules().evaluate(x.input);
        } catch (Throwable e) {
            ModelStepRunner.rethrowFatal(e);
            failed(x, step.name(), StepKind.RULES, FailureKind.UNAVAILABLE, "rule threw "
                    + ModelStepRunner.describe(e), t0, e);
            return false;
        }
        if (match.isEmpty()) {
            finished(x, step.name(), StepKind.RULES, Status.PASSED, "no rule matched", t0);
            return false;
        }
        finished(x, step.name(), StepKind.RULES, Status.ANSWERED, "rule '" + match.get().rule() + "'", t0);
        x.answer = match.get().answer();
        x.answeredBy = step.name();
        return true;
    }

    private boolean runCustom(Execution<I, O> x, StepDef.Custom<I, O> step) {
        long now = config.time().nanoTime();
        if (x.remainingNanos(now) <= 0) {
            config.skipped(x, step.name(), StepKind.CUSTOM, FailureKind.NO_TIME, "deadline reached", now);
            return false;
        }
        long t0 = started(x, step.name(), StepKind.CUSTOM);
        Optional<O> answer;
        try {
            answer = step.function().apply(x.input);
            if (answer == null) {
                throw new IllegalStateException("custom step returned null instead of Optional.empty()");
            }
        } catch (Throwable e) {
            ModelStepRunner.rethrowFatal(e);
            failed(x, step.name(), StepKind.CUSTOM, FailureKind.UNAVAILABLE, ModelStepRunner.describe(e), t0, e);
            return false;
        }
        if (answer.isEmpty()) {
            finished(x, step.name(), StepKind.CUSTOM, Status.PASSED, "no answer", t0);
            return false;
        }
        finished(x, step.name(), StepKind.CUSTOM, Status.ANSWERED, null, t0);
        x.answer = answer.get();
        x.answeredBy = step.name();
        return true;
    }

    private ReviewHandle<O> runReview(Execution<I, O> x, StepDef.Review<I, O> step) {
        long t0 = started(x, step.name(), StepKind.HUMAN_REVIEW);
        // Scoped to the chain: two chains sharing a queue must never collapse each other's inputs into one item.
        String key = config.name() + ":" + x.context.idempotencyKey().orElse(x.id());
        ReviewHandle<O> handle;
        try {
            handle = step.queue().submit(new ReviewRequest<>(config.name(), step.name(), x.id(), key, x.input,
                    x.attempts(), x.context, TraceContexts.inject(x.info != null && x.info.executionContext() != null
                    ? x.info.executionContext() : Context.current()), x.unusedAnswers()));
            if (handle == null) {
                throw new IllegalStateException("review queue returned no handle");
            }
        } catch (Throwable e) {
            ModelStepRunner.rethrowFatal(e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failed(x, step.name(), StepKind.HUMAN_REVIEW, FailureKind.UNAVAILABLE, "review queue failed: "
                    + ModelStepRunner.describe(e), t0, e);
            return null;
        }
        finished(x, step.name(), StepKind.HUMAN_REVIEW, Status.QUEUED, "review item " + handle.id(), t0);
        if (x.info != null) {
            config.events().fire(CascadeListener::onReviewSubmitted, new ReviewSubmitted(x.info, step.name(),
                    handle.id()));
        }
        return handle;
    }

    /**
     * A resubmitted idempotency key may find its item already decided: then the decision is the answer (or, when
     * rejected, there is none) instead of a "pending" that would never change.
     */
    private Outcome.Status reviewStatus(Execution<I, O> x, StepDef.Review<I, O> step, ReviewHandle<O> handle) {
        CompletableFuture<ReviewDecision<O>> decision = handle.decision();
        if (!decision.isDone() || decision.isCompletedExceptionally()) {
            return Outcome.Status.PENDING_REVIEW;
        }
        ReviewDecision<O> d = decision.join();
        if (d.answer().isPresent()) {
            x.answer = d.answer().get();
            x.answeredBy = step.name();
            return Outcome.Status.ANSWERED;
        }
        return Outcome.Status.UNANSWERED;
    }

    private long started(Execution<I, O> x, String step, StepKind kind) {
        if (x.info != null) {
            config.events().fire(CascadeListener::onAttemptStarted, new AttemptStarted(x.info, step, kind, 1, null,
                    null, 0, null, null));
        }
        return config.time().nanoTime();
    }

    private void finished(Execution<I, O> x, String step, StepKind kind, Status status, String reason, long t0) {
        Attempt a = x.record(step, kind, 1, status, null, reason, t0, config.time().nanoTime(), Usage.NONE, null,
                null);
        if (x.info != null) {
            config.events().fire(CascadeListener::onAttemptFinished, new AttemptFinished(x.info, a, null));
        }
    }

    private void failed(Execution<I, O> x, String step, StepKind kind, FailureKind failure, String reason, long t0,
                        Throwable error) {
        Attempt a = x.record(step, kind, 1, Status.FAILED, failure, reason, t0, config.time().nanoTime(), Usage.NONE,
                null, null);
        if (x.info != null) {
            config.events().fire(CascadeListener::onAttemptFailed, new AttemptFailed(x.info, a, error, false));
        }
    }

    @Override
    public String toString() {
        return config.description().toString();
    }
}
