package dev.cascade.internal;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.FailurePolicy;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.config.LastResortSpec;
import dev.cascade.event.Alert;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.CircuitStateChanged;
import dev.cascade.event.RetryScheduled;
import dev.cascade.spi.AttemptInterceptor;
import dev.cascade.spi.AttemptResult;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.FailureClassifier.Classification;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.StepAdmission;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.opentelemetry.context.Context;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * Runs one model step: a retry loop around a fixed sequence of stages, built once when the chain is built.
 * <pre>
 * retry loop (this class; the decision: {@link RetryDecision}, the waits: {@link RetryPolicy})
 *   └ every attempt: deadline ▸ circuit breaker ▸ rate limiter ▸ bulkhead ▸ prompt ▸ interceptors (budget first)
 *                    ▸ timed call (attempt timeout)
 *                    then the breaker records the result, and an answer passes the {@link GateStage}
 * </pre>
 * (the order {@code Description.POLICY_ORDER} names: retry, deadline, circuit breaker, rate limiter, bulkhead,
 * admission, interceptors, attempt timeout, call). Each retry goes back through every stage, so a retry never knocks
 * on an open breaker, never waits for a rate limiter or for room in the bulkhead and never starts past the deadline. A
 * stage that says no skips the step at once with its kind and reason. The bulkhead slot an attempt takes passes to its
 * call, which holds it until the client really returns (see {@link BulkheadStage}); on every other path it is given
 * back here.
 * Thread-safe: one runner serves every execution of its step.
 */
final class ModelStepRunner<I, O> implements StepRunner<I, O> {
    private final ChainConfig<I, O> chain;
    private final StepDef.Model<I, O> step;
    // The stages, in the order an attempt passes them; null when the step has none of that kind. Fields called
    // directly, not a loop over a Stage[]: that loop's interface call sees every stage class of every chain in the
    // process (megamorphic: no inlining, a virtual call per stage per attempt); here each call site has one class.
    private final DeadlineStage deadline;
    private final BreakerStage breaker;
    private final LimiterStage limiter;
    private final BulkheadStage bulkhead;
    private final AttemptInterceptor[] interceptors;
    private final TimedCallStage<I, O> call;
    private final GateStage<I, O> gate;
    private final RetryPolicy retry;
    /** Whether the chain's last resort probes open breakers (only then is a skipped step remembered for it). */
    private final boolean probes;
    /** Ticker value before which no last resort probe of this step may start; Long.MIN_VALUE before the first. */
    private final AtomicLong nextProbe = new AtomicLong(Long.MIN_VALUE);

    ModelStepRunner(ChainConfig<I, O> chain, StepDef.Model<I, O> step, DoubleSupplier jitter) {
        this.chain = chain;
        this.step = step;
        this.deadline = chain.deadlineNanos() > 0 ? new DeadlineStage(chain.time()) : null;
        this.breaker = step.breaker() == null ? null : new BreakerStage(step.breaker(), chain.time());
        this.limiter = step.limiter() == null ? null : new LimiterStage(step.limiter());
        // After the limiter (a spent rate permit is not given back; a slot is), before the prompt and the interceptors.
        this.bulkhead = step.bulkhead() == null ? null : new BulkheadStage(step.bulkhead());
        this.interceptors = chain.interceptors().toArray(new AttemptInterceptor[0]);
        this.call = new TimedCallStage<>(chain, step, interceptors.length > 0);
        this.gate = new GateStage<>(chain, step);
        this.retry = step.retrySpec() == null ? null : new RetryPolicy(step.retrySpec(), jitter);
        this.probes = chain.lastResort().enabled() && chain.lastResort().probesPerSecond() > 0;
        if (step.breaker() != null && chain.events().wantsCircuitEvents()) {
            // Subscribed only when a listener wants transitions: with a consumer, resilience4j builds an event for
            // every call. A breaker shared by several chains reports to each chain's listeners.
            step.breaker().getEventPublisher().onStateTransition(e -> chain.events().fire(
                    CascadeListener::onCircuitStateChanged, new CircuitStateChanged(chain.name(), step.name(),
                            e.getCircuitBreakerName(), e.getStateTransition().getFromState().name(),
                            e.getStateTransition().getToState().name())));
        }
    }

    @Override
    public String name() {
        return step.name();
    }

    /**
     * Runs the step; {@code null} when it did not answer and the chain falls back to the next step.
     *
     * <p>Whatever escapes (a {@link VirtualMachineError}, rethrown by design), the breaker permission and the bulkhead
     * slot the current attempt holds are given back first (interceptors settle what they hold themselves): a half-open
     * breaker must never wait for a trial call that will not report, and a bulkhead must not lose a slot for good. A
     * call that already runs keeps its slot until it ends.
     */
    @Override
    public Outcome.Status run(Execution<I, O> x) {
        if (x.barredBy() != null) {
            chain.skipped(x, step.name(), StepKind.MODEL, FailureKind.BARRED, x.barredBy() + " at '" + x.barredAt()
                    + "': policy forbids other models for this failure", chain.time().nanoTime());
            return null;
        }
        if (x.noThread() != null) {
            // An async execution the executor had no thread for runs on the caller's thread: no model call there.
            chain.skipped(x, step.name(), StepKind.MODEL, FailureKind.BULKHEAD_FULL, x.noThread(),
                    chain.time().nanoTime());
            return null;
        }
        if (run(x, 1)) {
            return Outcome.Status.ANSWERED;
        }
        return x.cancelled ? Outcome.Status.CANCELLED : null;
    }

    /**
     * One last resort attempt (see {@link LastResortSpec}): never retried; a probe passes an open breaker without
     * asking it (and does not report to it). Returns true when it answered.
     */
    boolean runLastResort(Execution<I, O> x, LastResortSpec.Mode mode) {
        x.rare().lastResortMode = mode;
        try {
            return run(x, x.nextNumber(step.name()));
        } finally {
            x.rare().lastResortMode = null;
        }
    }

    /** Whether the step's breaker refuses every call now. */
    boolean breakerRefuses() {
        return breaker != null && breaker.refuses();
    }

    /** Whether the step's breaker is open by its own measure (not forced open by an operator): probes may pass it. */
    boolean breakerOpen() {
        return breaker != null && breaker.open();
    }

    /** Takes this step's probe slot when one is free at {@code now}: at most one probe per {@code intervalNanos}. */
    boolean probePermit(long now, long intervalNanos) {
        long next = nextProbe.get();
        if (next != Long.MIN_VALUE && now - next < 0) {
            return false;
        }
        return nextProbe.compareAndSet(next, now + intervalNanos);
    }

    private boolean run(Execution<I, O> x, int firstNumber) {
        try {
            return retryLoop(x, firstNumber);
        } catch (Throwable t) {
            try {
                releaseStages(x);
            } catch (Throwable ignored) {
                // Already failing: the original error is what the caller must see.
            }
            throw t;
        }
    }

    /** The retry loop: attempts until one answers, a stage refuses, or the {@link RetryDecision} says stop. */
    private boolean retryLoop(Execution<I, O> x, int firstNumber) {
        ModelRequest request = null;
        int failures = 0;
        for (int number = firstNumber; ; number++) {
            x.attemptNumber = number;
            x.now = -1;
            Stage refused = enterStages(x);
            if (refused != null) {
                skip(x, number, refused.refusal(), x.refusalReason, x.now);
                return false;
            }
            if (request == null && (request = prompt(x)) == null) {
                // Built after the stages said yes: a skipped step does not pay for its prompt.
                releaseStages(x);
                return false;
            }
            ModelResponse response = attempt(x, request);
            if (bulkhead != null) {
                bulkhead.release(x); // still held only when no call was made (an interceptor answered or refused)
            }
            AttemptResult result = x.result; // null when the call answered and no interceptor ran
            x.result = null;
            if (response != null) {
                if (breaker != null) {
                    breaker.record(x, result == null || result.called(), false, null);
                }
                return gate.pass(x, number, response, x.now, x.callEnd, result == null ? Money.ZERO : result.cost());
            }
            if (result.kind() == AttemptResult.Kind.REFUSED) {
                releaseStages(x);
                skip(x, number, result.failure(), result.reason(), x.now);
                return false;
            }
            RetryDecision decision = failed(x, result, number, ++failures);
            if (!decision.retry() || x.cancelled) {
                return false;
            }
            if (x.cancelRequested()) {
                x.cancelled = true;
                return false;
            }
            if (x.neverStarted) {
                number--; // the next real call keeps this attempt's number
            }
            if (chain.events().wantsRetryEvents()) {
                chain.events().fire(CascadeListener::onRetryScheduled, new RetryScheduled(x.info, step.name(),
                        number + 1, result.failure(), Duration.ofNanos(decision.delayNanos())));
            }
            try {
                chain.time().sleep(decision.delayNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                x.cancelled = true;
                return false;
            }
        }
    }

    /**
     * One attempt past the stages: the interceptors around the timed call, or the call alone when there are none (no
     * seam object is made then). Returns the answer, or {@code null} with the failure or refusal in {@code x.result};
     * an answer through the interceptors leaves its result there too (for its cost).
     */
    private ModelResponse attempt(Execution<I, O> x, ModelRequest request) {
        x.neverStarted = false;
        x.result = null;
        if (interceptors.length == 0) {
            ModelResponse response = call.call(x, request);
            if (response == null) {
                armLate(x.result);
            }
            return response;
        }
        AttemptChain<I, O> attempt = new AttemptChain<>(chain, step, interceptors, call, x, request);
        AttemptResult result = attempt.run();
        AttemptResult made = attempt.callResult();
        if (made == null) {
            x.now = x.callEnd = chain.time().nanoTime(); // answered, failed or refused without a call
        } else {
            armLate(made);
        }
        x.result = result;
        return result.kind() == AttemptResult.Kind.ANSWERED ? result.response() : null;
    }

    /** Starts the late settlement of a call left running, now that every interceptor has registered its settler. */
    private void armLate(AttemptResult made) {
        if (made.stillRunning() instanceof LateSettlement late) {
            late.arm(chain.lateGraceNanos());
        }
    }

    /**
     * A failed attempt: the breaker records it, the {@link RetryDecision} is taken, the attempt is recorded and
     * reported, and a policy that bars other models or a cancel takes effect.
     */
    private RetryDecision failed(Execution<I, O> x, AttemptResult result, int number, int failures) {
        FailureKind kind = result.failure();
        LastResortSpec.Mode lastResort = x.lastResortMode();
        boolean cancelled = kind == FailureKind.CANCELLED && TimedCallStage.isCancellation(x, result.error());
        FailurePolicy policy = chain.policy(kind);
        if (breaker != null) {
            breaker.record(x, false, policy.countsForBreaker() && result.called() && result.requestSent(),
                    result.error());
        }
        String reason = result.reason() != null ? result.reason() : Failures.describe(result.error());
        RetryDecision decision = RetryDecision.decide(result, reason, policy, retry, lastResort, cancelled, breaker,
                failures, number, x, chain.time());
        if (lastResort == null && !decision.retry() && !cancelled && policy.retry() && result.retryAfter() != null) {
            lastResortCandidate(x, x.callEnd, result.retryAfter().toNanos());
        }
        recordFailure(x, x.neverStarted ? 0 : number, result, decision, policy);
        if (cancelled) {
            x.cancelled = true;
        } else if (!policy.fallToModels()) {
            x.bar(kind, step.name());
        }
        return decision;
    }

    /**
     * Passes the attempt through the stages in order: deadline ▸ breaker ▸ limiter ▸ bulkhead. Returns the stage that
     * refused it (what the stages before it took is given back), or null when every stage let it go on.
     */
    private Stage enterStages(Execution<I, O> x) {
        if (deadline != null && !deadline.enter(x)) {
            return deadline;
        }
        if (breaker != null && !breaker.enter(x)) {
            return breaker;
        }
        if (limiter != null && !limiter.enter(x)) {
            releaseStages(x);
            return limiter;
        }
        if (bulkhead != null && !bulkhead.enter(x)) {
            releaseStages(x);
            return bulkhead;
        }
        return null;
    }

    /**
     * Gives back what the stages hold for the attempt, innermost first: the bulkhead slot (unless its call took it
     * over) and the breaker permission (unless its result was recorded). The deadline and the limiter hold nothing (a
     * spent rate permit is not given back). Each release is a no-op when nothing is held.
     */
    private void releaseStages(Execution<I, O> x) {
        if (bulkhead != null) {
            bulkhead.release(x);
        }
        if (breaker != null) {
            breaker.release(x);
        }
    }

    private void recordFailure(Execution<I, O> x, int number, AttemptResult result, RetryDecision decision,
                               FailurePolicy policy) {
        Attempt a = x.record(step.name(), StepKind.MODEL, number, Status.FAILED, result.failure(), decision.reason(),
                x.now, x.callEnd, result.billed(), null, null, result.cost());
        if (chain.events().enabled()) {
            chain.events().fire(CascadeListener::onAttemptFailed, new AttemptFailed(x.info, a, result.error(),
                    decision.retry() ? Duration.ofNanos(decision.delayNanos()) : null));
            if (policy.alert()) {
                chain.events().fire(CascadeListener::onAlert, new Alert(x.info, step.name(), result.failure(),
                        decision.reason()));
            }
        }
    }

    /** The step's request for this input, or {@code null} when the prompt mapper failed (recorded). */
    private ModelRequest prompt(Execution<I, O> x) {
        ModelRequest request;
        try {
            request = step.prompt().apply(x.input);
            if (request == null) {
                throw new IllegalStateException("prompt mapper returned null");
            }
        } catch (Throwable e) {
            Failures.rethrowFatal(e);
            failNoCall(x, FailureKind.INVALID_REQUEST, "prompt mapper threw " + Failures.describe(e),
                    chain.time().nanoTime(), e);
            return null;
        }
        if (step.maxOutputTokens() > 0 && request.maxOutputTokens().isEmpty()) {
            request = request.withMaxOutputTokens(step.maxOutputTokens());
        }
        if (request.templateId() != null) {
            x.rare().template = request.templateId(); // once per step run, not per attempt: the outcome names it
        }
        return request;
    }

    /** Keeps this step as the last resort's Retry-After candidate if its wait ends before the current one's. */
    private void lastResortCandidate(Execution<I, O> x, long failedAt, long retryAfterNanos) {
        if (retry != null && retryAfterNanos > retry.maxRetryAfterNanos()) {
            return; // the step's own limit on Retry-After waits holds for the last resort too
        }
        long readyAt = failedAt + retryAfterNanos;
        Execution.Rare<I, O> r = x.rare();
        if (r.retryAfterStep == null || readyAt - r.retryAfterReadyAt < 0) {
            r.retryAfterStep = this;
            r.retryAfterReadyAt = readyAt;
        }
    }

    private void skip(Execution<I, O> x, int number, FailureKind kind, String reason, long at) {
        long now = at >= 0 ? at : x.nothingRecorded() ? x.startNanos : chain.time().nanoTime();
        LastResortSpec.Mode lastResort = x.lastResortMode();
        if (kind == FailureKind.CIRCUIT_OPEN && lastResort == null && probes && x.rare().probeStep == null) {
            x.rare().probeStep = this;
        }
        // A skip after failed attempts is the end of the retry loop, not a skip of the step.
        chain.skipped(x, step.name(), StepKind.MODEL, kind, lastResort != null
                ? reason + "; last resort (" + lastResort.label() + ")"
                : number == 1 ? reason : reason + " (before retry " + number + ")", now);
    }

    private void failNoCall(Execution<I, O> x, FailureKind kind, String reason, long at, Throwable error) {
        Attempt a = x.record(step.name(), StepKind.MODEL, 0, Status.FAILED, kind, reason, at, chain.time().nanoTime(),
                Usage.NONE, null, null);
        if (!chain.policy(kind).fallToModels()) {
            x.bar(kind, step.name());
        }
        if (chain.events().enabled()) {
            chain.events().fire(CascadeListener::onAttemptFailed, new AttemptFailed(x.info, a, error, false));
        }
    }
}
