package dev.cascade.internal;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.FailurePolicy;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.config.LastResortSpec;
import dev.cascade.event.Alert;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.AttemptStarted;
import dev.cascade.event.CircuitStateChanged;
import dev.cascade.event.RetryScheduled;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.FailureClassifier.Classification;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.StepAdmission;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.opentelemetry.context.Context;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one model step of one execution: admission, call, retry, settle, gate. The nesting, outermost first:
 * deadline, circuit breaker, rate limiter, bulkhead, admission hook, retry, attempt timeout, call. Admission is checked again
 * before every retry, so a retry never knocks on an open breaker.
 *
 * <p>Why the breaker is asked before the rate limiter (the design sketch lists the limiter first): a permit spent on a
 * call that an open breaker then refuses is a permit wasted, and under an outage it would starve the half-open trial
 * calls. When the limiter refuses after the breaker granted a (half-open trial) permission, that permission is
 * released.
 */
final class ModelStepRunner<I, O> {
    private static final int MAX_REASON = 200;

    private final ChainConfig<I, O> chain;
    private final StepDef.Model<I, O> step;
    private final Map<CircuitBreaker.State, String> breakerReasons = new ConcurrentHashMap<>();
    private static final long REFUSAL_CACHE_NANOS = 1_000_000L;
    /** Ticker value before which the breaker is known to refuse; 0 when not refusing. Racy by design: a hint. */
    private volatile long refusedUntil;
    private final String limiterReason;
    private final String bulkheadReason;
    /** Where timed calls run: the chain's executor, or the default executor's hand-off side (CascadeThreads). */
    private final java.util.concurrent.ExecutorService callExecutor;
    /** Ticker value before which no last resort probe of this step may start; Long.MIN_VALUE before the first. */
    private final AtomicLong nextProbe = new AtomicLong(Long.MIN_VALUE);

    ModelStepRunner(ChainConfig<I, O> chain, StepDef.Model<I, O> step) {
        this.chain = chain;
        this.step = step;
        this.limiterReason = step.limiter() == null ? null
                : "rate limiter '" + step.limiter().getName() + "' has no permit";
        this.bulkheadReason = step.bulkhead() == null ? null : "bulkhead '" + step.bulkhead().getName()
                + "' is full (" + step.bulkhead().getBulkheadConfig().getMaxConcurrentCalls() + " calls in flight)";
        this.callExecutor = CascadeThreads.callExecutor(chain.executor());
        if (step.breaker() != null && chain.events().wantsCircuitEvents()) {
            // Subscribed only when a listener wants transitions: with a consumer, resilience4j builds an event for
            // every call.
            // A breaker shared by several chains reports to each chain's listeners.
            step.breaker().getEventPublisher().onStateTransition(e -> chain.events().fire(
                    CascadeListener::onCircuitStateChanged, new CircuitStateChanged(chain.name(), step.name(),
                            e.getCircuitBreakerName(), e.getStateTransition().getFromState().name(),
                            e.getStateTransition().getToState().name())));
        }
    }

    StepDef.Model<I, O> step() {
        return step;
    }

    /**
     * Returns true when the step answered (the answer is on {@code x}); otherwise the chain moves on.
     *
     * <p>Whatever escapes (a {@link VirtualMachineError} from user code or a client, which is rethrown by design; any
     * other throwable only through an engine bug), the breaker permission and the admission ticket the current
     * attempt holds are released and settled first: an escaping error must never leave a half-open breaker waiting
     * for a trial call that will not report, nor a reservation open.
     */
    boolean run(Execution<I, O> x) {
        return run(x, 1);
    }

    /**
     * One last resort attempt (see {@link LastResortSpec}): never retried; a probe passes an open breaker without
     * asking it (and does not report to it). Returns true when it answered.
     */
    boolean runLastResort(Execution<I, O> x, LastResortSpec.Mode mode) {
        x.lastResortMode = mode;
        try {
            return run(x, x.nextNumber(step.name()));
        } finally {
            x.lastResortMode = null;
        }
    }

    /** Whether the step's breaker refuses every call now. */
    boolean breakerRefuses() {
        return step.breaker() != null && refuses(step.breaker());
    }

    /** Whether the step's breaker is open by its own measure (not forced open by an operator): probes may pass it. */
    boolean breakerOpen() {
        return step.breaker() != null && step.breaker().getState() == CircuitBreaker.State.OPEN;
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
            return attempts(x, firstNumber);
        } catch (Throwable t) {
            releaseHeld(x);
            throw t;
        }
    }

    private boolean attempts(Execution<I, O> x, int firstNumber) {
        Events events = chain.events();
        boolean hasDeadline = x.deadlineNanos != Long.MAX_VALUE;
        ModelRequest request = null;
        Retry.AsyncContext<Object> retry = null;
        LastResortSpec.Mode lastResort = x.lastResortMode;
        for (int number = firstNumber; ; number++) {
            // ---- admission: deadline, breaker, limiter, hook. Any "no" skips at once. The clock is read here only
            // when there is a deadline: clock reads are a large share of a fast execution's cost.
            long now = hasDeadline ? chain.time().nanoTime() : -1;
            long remaining = hasDeadline ? x.deadlineNanos - now : Long.MAX_VALUE;
            if (remaining <= 0) {
                skip(x, number, FailureKind.NO_TIME, "deadline reached before attempt " + number, now);
                return false;
            }
            // A probe neither asks the open breaker nor reports to it; its half-open trials decide when it closes.
            CircuitBreaker breaker = lastResort == LastResortSpec.Mode.PROBE && breakerOpen() ? null
                    : step.breaker();
            if (breaker != null) {
                // While a breaker refuses, ask it again at most once a millisecond: each refusal builds a resilience4j
                // event with a wall-clock timestamp, and an outage skips thousands of calls a second. A half-open
                // trial starts at most 1 ms late for it.
                long until = refusedUntil;
                if (until != 0) {
                    if (now < 0) {
                        now = chain.time().nanoTime();
                    }
                    if (now - until < 0) {
                        skip(x, number, FailureKind.CIRCUIT_OPEN, breakerReason(breaker), now);
                        return false;
                    }
                }
                if (!breaker.tryAcquirePermission()) {
                    CircuitBreaker.State st = breaker.getState();
                    if (st == CircuitBreaker.State.OPEN || st == CircuitBreaker.State.FORCED_OPEN) {
                        if (now < 0) {
                            now = chain.time().nanoTime();
                        }
                        refusedUntil = now + REFUSAL_CACHE_NANOS;
                    }
                    skip(x, number, FailureKind.CIRCUIT_OPEN, breakerReason(breaker), now);
                    return false;
                }
                if (until != 0) {
                    refusedUntil = 0;
                }
                x.heldPermit = breaker;
            }
            if (step.limiter() != null && !step.limiter().acquirePermission()) {
                if (breaker != null) {
                    x.heldPermit = null;
                    breaker.releasePermission();
                }
                skip(x, number, FailureKind.NO_PERMIT, limiterReason, now);
                return false;
            }
            // ---- bulkhead: at most N calls of this step in flight; full = skip now, never wait. The slot goes with the
            // call (InFlightCall, or call()'s finally) and comes back when the call really ends, so a call abandoned by
            // its timeout that ignores the interrupt keeps it: a hanging client ties up at most N threads. Until the
            // hand-off, x.heldSlot holds it, and every early return below (and releaseHeld) gives it back.
            if (step.bulkhead() != null) {
                if (!step.bulkhead().tryAcquirePermission()) {
                    if (breaker != null) {
                        x.heldPermit = null;
                        breaker.releasePermission();
                    }
                    skip(x, number, FailureKind.BULKHEAD_FULL, bulkheadReason, now);
                    return false;
                }
                x.heldSlot = step.bulkhead();
            }
            if (request == null) {
                // Built after the breaker and limiter said yes: a skipped step does not pay for its prompt.
                request = prompt(x);
                if (request == null) {
                    if (breaker != null) {
                        x.heldPermit = null;
                        breaker.releasePermission();
                    }
                    releaseSlot(x);
                    return false;
                }
            }
            StepAdmission.Ticket ticket = StepAdmission.ADMITTED;
            if (chain.admission() != null) {
                try {
                    ticket = chain.admission().admit(new StepAdmission.Request(chain.name(), step.name(), x.id(),
                            number, step.client(), request, x.context, x.spent(), step.model(), step.pricing()));
                } catch (Throwable e) {
                    rethrowFatal(e);
                    ticket = StepAdmission.refuse(FailureKind.OVER_BUDGET, "admission threw " + describe(e));
                }
                if (ticket == null || !ticket.admitted()) {
                    if (breaker != null) {
                        x.heldPermit = null;
                        breaker.releasePermission();
                    }
                    releaseSlot(x);
                    FailureKind kind = ticket == null ? null : ticket.refusal();
                    if (kind == null || !kind.isAdmission()) {
                        kind = FailureKind.OVER_BUDGET; // a refusal is an admission outcome whatever the hook said
                    }
                    skip(x, number, kind, ticket == null ? "admission returned null" : ticket.reason(), now);
                    return false;
                }
                x.heldTicket = ticket;
            }

            // ---- the call, bounded by the step timeout and the deadline
            if (events.enabled()) {
                events.fire(CascadeListener::onAttemptStarted, new AttemptStarted(x.info, step.name(), StepKind.MODEL,
                        number, step.client().provider(), step.model(),
                        request.maxOutputTokens().orElse(0), request,
                        breaker == null ? null : breaker.getState().name()));
            }
            long timeout = step.timeoutNanos() > 0 ? Math.min(step.timeoutNanos(), remaining) : remaining;
            // Reuse a reading when one is fresh: the admission's, or the execution's own start when this is the first
            // thing the execution does (what lies between is a few map lookups, not worth ~40 ns of clock).
            long start = events.enabled() ? chain.time().nanoTime() : now >= 0 ? now
                    : x.nothingRecorded() && number == 1 ? x.startNanos : chain.time().nanoTime();
            ModelResponse response = null;
            Throwable error = null;
            // Timed calls hand off to a pool thread: a handshake decides whether the call happened, and who settles it
            // when the caller stops waiting first (see InFlightCall).
            Bulkhead slot = x.heldSlot;
            x.heldSlot = null; // the call owns the slot now: see InFlightCall, and call()'s finally
            InFlightCall flight = timeout == Long.MAX_VALUE ? null : new InFlightCall(step.client(), request, slot);
            x.heldFlight = flight;
            try {
                response = call(x, timeout, flight, request, slot);
                if (response == null) {
                    // A contract breach, recorded as UNAVAILABLE: see ModelClient's javadoc for why.
                    error = new IllegalStateException("model client returned null");
                }
            } catch (Throwable e) {
                rethrowFatal(e); // run() releases the permission and settles the ticket on the way out
                error = e;
            }
            x.heldFlight = null;
            long end = chain.time().nanoTime();

            if (error == null) {
                Money cost = settle(x, ticket, response.usage(), null);
                if (breaker != null) {
                    x.heldPermit = null;
                    breaker.onSuccess(end - start, TimeUnit.NANOSECONDS);
                }
                if (retry != null) {
                    retry.onComplete(); // lets resilience4j's Retry count a success after retries
                }
                return gate(x, number, response, start, end, cost);
            }

            // ---- failure: classify, tell the breaker, decide on a retry, then record and report
            boolean cancelled = isCancellation(x, error);
            // The executor had no thread for the hand-off: the call was never made; no room, like a full bulkhead.
            boolean noThread = error instanceof RejectedExecutionException && flight != null && !flight.started();
            Classification c = cancelled ? Classification.of(FailureKind.CANCELLED)
                    : noThread ? Classification.of(FailureKind.BULKHEAD_FULL) : classify(error);
            FailureKind kind = c.kind();
            // Where is the call now that we stop waiting? Never started: the provider never saw it. Still running:
            // it may yet finish and be billed, so its ticket stays open until it ends (or the grace runs out).
            LateSettlement late = flight == null || ticket == StepAdmission.ADMITTED && !events.enabled() ? null
                    : new LateSettlement(ticket, kind, events, x.info, step.name(), number, chain.time(), end);
            InFlightCall.Fate fate = flight == null ? InFlightCall.Fate.ENDED : flight.leave(late);
            if (fate == InFlightCall.Fate.STILL_RUNNING) {
                // The ticket is the settlement's now: nothing on the way out may settle it again, and its grace runs
                // before any user code (the ticket's reserved()) can throw.
                x.heldTicket = null;
                if (late != null) {
                    late.start(chain.lateGraceNanos());
                }
            }
            boolean neverStarted = fate == InFlightCall.Fate.NEVER_STARTED;
            // The client says its request never left the process: not the provider's failure either.
            boolean notSent = !neverStarted && notSent(error);
            // A failed call may still have been billed (a content-filtered completion): settle on what was billed.
            // A call that ended on its own as we gave up is settled on what it reported, a response's usage included.
            Usage billed = flight != null && fate == InFlightCall.Fate.ENDED ? flight.billed()
                    : error instanceof ModelCallException m ? m.usage() : Usage.NONE;
            Money cost;
            if (fate == InFlightCall.Fate.STILL_RUNNING) {
                x.holdUntilSettled(ticket);
                cost = Money.ZERO; // settled later: see LateCompletion
            } else {
                cost = settle(x, ticket, billed, kind);
            }
            FailurePolicy policy = chain.policy(kind);
            if (breaker != null) {
                x.heldPermit = null;
                if (policy.countsForBreaker() && !neverStarted && !notSent) {
                    breaker.onError(end - start, TimeUnit.NANOSECONDS, error);
                } else {
                    breaker.releasePermission();
                }
            }
            String reason = !(error instanceof TimeoutException) || kind != FailureKind.TIMEOUT ? describe(error)
                    : "attempt timed out after " + TimeUnit.NANOSECONDS.toMillis(timeout) + "ms"
                    + (neverStarted ? " before the call started (no executor thread was free in time)" : "");
            if (noThread) {
                reason = "not called: the chain's executor has no thread free for the timed call (" + reason + ")";
            } else if (notSent) {
                reason += " (request never sent; not counted by the circuit breaker)";
            }
            long delay = -1;
            if (lastResort != null) {
                reason += "; last resort (" + lastResort.label() + "), not retried";
            } else if (!cancelled && policy.retry() && step.retry() != null && breaker != null && refuses(breaker)) {
                // This failure opened the breaker: the retry would be refused after its wait. Fall through now, so the
                // failure is the step's fallback and no retry is announced that never runs.
                reason += "; circuit breaker '" + breaker.getName() + "' opened, not retried";
            } else if (!cancelled && policy.retry() && step.retry() != null) {
                long retryAfter = c.retryAfter() == null ? 0 : c.retryAfter().toNanos();
                long maxRetryAfter = step.retrySpec().maxRetryAfter().toNanos();
                if (retryAfter > maxRetryAfter) {
                    reason += "; Retry-After " + c.retryAfter().toMillis() + "ms exceeds retry.maxRetryAfter "
                            + step.retrySpec().maxRetryAfter().toMillis() + "ms, not retried";
                } else {
                    if (retry == null) {
                        retry = step.retry().asyncContext();
                    }
                    long delayMillis = retry.onError(new AttemptFailure(kind, retryAfter, null));
                    long left = x.remainingNanos(chain.time().nanoTime());
                    if (delayMillis < 0) {
                        reason += "; retries exhausted (" + number + " of " + step.retrySpec().maxAttempts() + ")";
                    } else if (left != Long.MAX_VALUE && TimeUnit.MILLISECONDS.toNanos(delayMillis) >= left) {
                        reason += "; retry in " + delayMillis + "ms would pass the deadline ("
                                + TimeUnit.NANOSECONDS.toMillis(left) + "ms left), not retried";
                    } else {
                        delay = TimeUnit.MILLISECONDS.toNanos(delayMillis);
                    }
                }
            }
            if (lastResort == null && delay < 0 && !cancelled && policy.retry() && c.retryAfter() != null) {
                lastResortCandidate(x, end, c.retryAfter().toNanos());
            }
            Attempt a = x.record(step.name(), StepKind.MODEL, neverStarted ? 0 : number, Status.FAILED, kind, reason,
                    start, end, billed, null, null, cost);
            if (events.enabled()) {
                events.fire(CascadeListener::onAttemptFailed, new AttemptFailed(x.info, a, error,
                        delay >= 0 ? Duration.ofNanos(delay) : null));
                if (policy.alert()) {
                    events.fire(CascadeListener::onAlert, new Alert(x.info, step.name(), kind, reason));
                }
            }
            if (cancelled) {
                x.cancelled = true;
                return false;
            }
            if (!policy.fallToModels()) {
                x.barredBy = kind;
                x.barredAt = step.name();
            }
            if (delay < 0) {
                return false;
            }
            if (x.cancelRequested()) {
                x.cancelled = true;
                return false;
            }
            if (neverStarted) {
                number--; // the next real call keeps this attempt's number
            }
            if (events.enabled()) {
                events.fire(CascadeListener::onRetryScheduled, new RetryScheduled(x.info, step.name(), number + 1, kind,
                        Duration.ofNanos(delay)));
            }
            try {
                chain.time().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                x.cancelled = true;
                return false;
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
            rethrowFatal(e);
            failNoCall(x, FailureKind.INVALID_REQUEST, "prompt mapper threw " + describe(e), chain.time().nanoTime(),
                    e);
            return null;
        }
        if (step.maxOutputTokens() > 0 && request.maxOutputTokens().isEmpty()) {
            request = request.withMaxOutputTokens(step.maxOutputTokens());
        }
        return request;
    }

    /** Whether {@code breaker} refuses every call now (open or forced open; half-open still admits trials). */
    private static boolean refuses(CircuitBreaker breaker) {
        CircuitBreaker.State st = breaker.getState();
        return st == CircuitBreaker.State.OPEN || st == CircuitBreaker.State.FORCED_OPEN;
    }

    /** The skip reason for a refusing breaker; built once per state, since skips are the hot path of an outage. */
    private String breakerReason(CircuitBreaker breaker) {
        CircuitBreaker.State state = breaker.getState();
        return breakerReasons.computeIfAbsent(state, st -> "circuit breaker '" + breaker.getName() + "' is " + st);
    }

    /**
     * Calls the client, on this thread when there is no time bound, else on a pool thread with a timeout through
     * {@code flight}, whose handshake decides whether the call was made and who settles it if the caller leaves first.
     */
    private ModelResponse call(Execution<I, O> x, long timeoutNanos, InFlightCall flight, ModelRequest request,
                               Bulkhead slot) throws Exception {
        Context set = x.info == null ? null : x.info.callContext();
        if (set != null) {
            x.info.setCallContext(null);
        }
        Context otel = set != null ? set : x.info != null && x.info.executionContext() != null
                ? x.info.executionContext() : Context.current();
        if (timeoutNanos == Long.MAX_VALUE) {
            // No timeout and no deadline: call on the caller's thread, no hand-off.
            try {
                if (set == null) {
                    return step.client().call(request);
                }
                try (var scope = otel.makeCurrent()) {
                    return step.client().call(request);
                }
            } finally {
                if (slot != null) {
                    slot.onComplete();
                }
            }
        }
        return chain.time().callWithTimeout(otel.wrap(flight), timeoutNanos, callExecutor);
    }

    /** The answer passed the parser and the accept gate? */
    private boolean gate(Execution<I, O> x, int number, ModelResponse response, long start, long end, Money cost) {
        String rejection = null;
        O answer = null;
        if (response.isEmpty()) {
            rejection = "empty answer";
        } else {
            try {
                answer = step.parse().apply(response);
                if (answer == null) {
                    rejection = "parser returned null";
                }
            } catch (Throwable e) {
                rethrowFatal(e);
                // Only the type: parser messages often quote the model's output, which is not ours to log.
                rejection = "parser threw " + e.getClass().getName();
            }
            if (rejection == null && step.accept() != null) {
                try {
                    if (!step.accept().test(answer)) {
                        rejection = "accept gate refused the answer";
                    }
                } catch (Throwable e) {
                    rethrowFatal(e);
                    rejection = "accept gate threw " + e.getClass().getName();
                }
            }
        }
        Attempt a = x.record(step.name(), StepKind.MODEL, number, rejection == null ? Status.ANSWERED : Status.REJECTED,
                rejection == null ? null : FailureKind.REJECTED, rejection, start, end, response.usage(),
                response.model(), response.finishReason(), cost);
        if (chain.events().enabled()) {
            chain.events().fire(CascadeListener::onAttemptFinished, new AttemptFinished(x.info, a, response));
        }
        if (rejection != null) {
            if (x.keepsAnswers && !response.isEmpty()) {
                x.keepUnusedAnswer(response.text()); // for the reviewer only; never in events, spans or logs
            }
            return false;
        }
        x.answer = answer;
        x.answeredBy = step.name();
        return true;
    }

    /** Keeps this step as the last resort's Retry-After candidate if its wait ends before the current one's. */
    private void lastResortCandidate(Execution<I, O> x, long failedAt, long retryAfterNanos) {
        if (step.retrySpec() != null && retryAfterNanos > step.retrySpec().maxRetryAfter().toNanos()) {
            return; // the step's own limit on Retry-After waits holds for the last resort too
        }
        long readyAt = failedAt + retryAfterNanos;
        if (x.retryAfterStep == null || readyAt - x.retryAfterReadyAt < 0) {
            x.retryAfterStep = this;
            x.retryAfterReadyAt = readyAt;
        }
    }

    private void skip(Execution<I, O> x, int number, FailureKind kind, String reason, long at) {
        long now = at >= 0 ? at : x.nothingRecorded() ? x.startNanos : chain.time().nanoTime();
        if (kind == FailureKind.CIRCUIT_OPEN && x.probeStep == null && x.lastResortMode == null) {
            x.probeStep = this;
        }
        // A skip after failed attempts is the end of the retry loop, not a skip of the step.
        chain.skipped(x, step.name(), StepKind.MODEL, kind, x.lastResortMode != null
                ? reason + "; last resort (" + x.lastResortMode.label() + ")"
                : number == 1 ? reason : reason + " (before retry " + number + ")", now);
    }

    private void failNoCall(Execution<I, O> x, FailureKind kind, String reason, long at, Throwable error) {
        Attempt a = x.record(step.name(), StepKind.MODEL, 0, Status.FAILED, kind, reason, at, chain.time().nanoTime(),
                Usage.NONE, null, null);
        if (!chain.policy(kind).fallToModels()) {
            x.barredBy = kind;
            x.barredAt = step.name();
        }
        if (chain.events().enabled()) {
            chain.events().fire(CascadeListener::onAttemptFailed, new AttemptFailed(x.info, a, error, false));
        }
    }

    /** Settles the ticket exactly once and returns what the attempt cost. */
    private static Money settle(Execution<?, ?> x, StepAdmission.Ticket ticket, Usage usage, FailureKind failure) {
        x.heldTicket = null;
        return settle(ticket, usage, failure);
    }

    static Money settle(StepAdmission.Ticket ticket, Usage usage, FailureKind failure) {
        if (ticket == StepAdmission.ADMITTED) {
            return Money.ZERO;
        }
        try {
            ticket.settle(usage, failure);
        } catch (Throwable e) {
            rethrowFatal(e);
            // A failing settle must not turn an answer into a failure; the admission owns and reports its errors.
        }
        try {
            Money cost = ticket.cost();
            return cost == null ? Money.ZERO : cost;
        } catch (Throwable e) {
            rethrowFatal(e);
            return Money.ZERO;
        }
    }

    /**
     * Returns what the current attempt still holds: its breaker permission (released: the call was not made, or its
     * result is unknown, so it is not the provider's failure) and its admission ticket (settled as a failure with no
     * usage). Runs on the way out of an escaping error; never throws itself.
     */
    private static void releaseHeld(Execution<?, ?> x) {
        try {
            releaseSlot(x);
            InFlightCall flight = x.heldFlight;
            x.heldFlight = null;
            if (flight != null) {
                flight.abandonIfNotStarted();
            }
        } catch (Throwable ignored) {
            // Already failing: the original error is what the caller must see.
        }
        StepAdmission.Ticket ticket = x.heldTicket;
        CircuitBreaker permit = x.heldPermit;
        x.heldTicket = null;
        x.heldPermit = null;
        if (ticket != null) {
            try {
                settle(ticket, Usage.NONE, FailureKind.UNAVAILABLE);
            } catch (Throwable ignored) {
                // Already failing: the original error is what the caller must see.
            }
        }
        if (permit != null) {
            try {
                permit.releasePermission();
            } catch (Throwable ignored) {
                // As above.
            }
        }
    }

    /** Gives back a bulkhead slot taken for an attempt whose call will not be made. */
    private static void releaseSlot(Execution<?, ?> x) {
        Bulkhead slot = x.heldSlot;
        if (slot != null) {
            x.heldSlot = null;
            slot.releasePermission();
        }
    }

    /**
     * Rethrows the errors that mean the JVM itself is failing (out of memory, stack overflow, internal error). Every
     * other throwable from user code, {@code Error}s included, is that hook's failure and is recorded like a
     * {@code RuntimeException}: an {@code AssertionError} or {@code ExceptionInInitializerError} in a mapper is a bug
     * in one hook, and the chain's promise (the input still reaches the rules and the review step) holds for it.
     */
    static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    /** Whether a {@link ModelCallException#notSent} is the error or in its cause chain. */
    private static boolean notSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ModelCallException m) {
                return !m.requestSent();
            }
        }
        return false;
    }

    /**
     * Whether the caller cancelled. A timeout is not a cancellation. Clients that wrap the InterruptedException (and
     * so clear the flag) are caught by the cause chain and by the execution's own cancel flag.
     */
    private static boolean isCancellation(Execution<?, ?> x, Throwable error) {
        boolean interrupted = Thread.currentThread().isInterrupted() || x.cancelRequested();
        for (Throwable t = error; t != null && !interrupted; t = t.getCause() == t ? null : t.getCause()) {
            interrupted = t instanceof InterruptedException;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return interrupted;
    }

    private Classification classify(Throwable error) {
        for (FailureClassifier c : chain.classifiers()) {
            try {
                Classification r = c.classify(error);
                if (r != null && r.kind() != null && !r.kind().isAdmission()) {
                    return r;
                }
            } catch (Throwable e) {
                rethrowFatal(e);
                // A broken classifier must not break the call; the next one decides.
            }
        }
        return DefaultClassifier.INSTANCE.classify(error);
    }

    static String describe(Throwable e) {
        String msg = e.getMessage();
        // A ModelCallException's message was written for this reason; any other exception is named by its type.
        String s = e instanceof ModelCallException && msg != null ? msg
                : e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "..." : s;
    }
}
