package dev.cascade.internal;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.event.AttemptStarted;
import dev.cascade.spi.AttemptResult;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.FailureClassifier.Classification;
import dev.cascade.spi.ModelCallException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.opentelemetry.context.Context;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The call itself, innermost in the attempt: bounded by the step's timeout and the deadline, then a failure is
 * classified. A timed call hands off to a pool thread in the OpenTelemetry context current at the hand-off (an
 * interceptor's, when one made its context current around {@code proceed}); a handshake with that thread decides
 * whether the call happened and who settles it if the caller stops waiting first (see {@link InFlightCall}).
 *
 * <p>The call takes over the attempt's bulkhead slot ({@link BulkheadStage}) and gives it back when the client really
 * returns, or at once when the call never started. An executor with no thread for the hand-off refuses it: the call is
 * not made, and the attempt fails as {@code BULKHEAD_FULL} (no room, like a full bulkhead). Thread-safe: one serves
 * every execution of its step.
 */
final class TimedCallStage<I, O> {
    private final ChainConfig<I, O> chain;
    private final StepDef.Model<I, O> step;
    /** Whether interceptors own the call's context (else: the execution's context, when a listener set one). */
    private final boolean intercepted;
    /** Where timed calls run: the chain's executor, or the default executor's hand-off side (CascadeThreads). */
    private final ExecutorService callExecutor;

    TimedCallStage(ChainConfig<I, O> chain, StepDef.Model<I, O> step, boolean intercepted) {
        this.chain = chain;
        this.step = step;
        this.intercepted = intercepted;
        this.callExecutor = CascadeThreads.callExecutor(chain.executor());
    }

    /**
     * Makes the call. Returns the response, or {@code null} when it failed: then {@code x.result} holds the
     * classified failure. Sets {@code x.now} to the call's start and {@code x.callEnd}.
     */
    ModelResponse call(Execution<I, O> x, ModelRequest request) {
        Events events = chain.events();
        int number = x.attemptNumber;
        if (events.enabled()) {
            events.fire(CascadeListener::onAttemptStarted, new AttemptStarted(x.info, step.name(), StepKind.MODEL,
                    number, step.client().provider(), step.model(), request.maxOutputTokens().orElse(0), request,
                    x.permitHeld ? step.breaker().getState().name() : null));
        }
        long remaining = x.now >= 0 ? x.remainingNanos(x.now) : Long.MAX_VALUE; // the deadline stage read x.now
        long timeout = step.timeoutNanos() > 0 ? Math.min(step.timeoutNanos(), remaining) : remaining;
        // Reuse a reading when one is fresh: the stages', or the execution's own start when nothing before this took
        // measured time (no attempt yet, or only skips recorded at the start) (what lies between is a few map lookups, not worth ~40 ns of clock).
        long start = events.enabled() ? chain.time().nanoTime() : x.now >= 0 ? x.now
                : number == 1 && x.lastResortMode() == null && (x.lastNanos == 0 || x.lastNanos == x.startNanos)
                ? x.startNanos : chain.time().nanoTime();
        x.now = start;
        ModelResponse response = null;
        Throwable error = null;
        Bulkhead slot = null;
        if (x.slotHeld) {
            x.slotHeld = false; // the call owns the slot now: InFlightCall, or callHere's finally, gives it back
            slot = step.bulkhead();
        }
        InFlightCall flight = timeout == Long.MAX_VALUE ? null : new InFlightCall(step.client(), request, slot);
        try {
            response = flight == null
                    ? callHere(request, slot) // no timeout and no deadline: on the caller's thread, no hand-off
                    : chain.time().callWithTimeout(context(x).wrap(flight), timeout, callExecutor);
            if (response == null) {
                // A contract breach, recorded as UNAVAILABLE: see ModelClient's javadoc for why.
                error = new IllegalStateException("model client returned null");
            }
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && flight != null) {
                // Escaping: the flight's slot comes back only if the call never started.
                abandon(flight);
            }
            Failures.rethrowFatal(e);
            error = e;
        }
        x.callEnd = chain.time().nanoTime();
        if (error == null) {
            return response;
        }
        x.result = failed(x, error, flight, timeout);
        return null;
    }

    private static void abandon(InFlightCall flight) {
        try {
            flight.abandonIfNotStarted();
        } catch (Throwable ignored) {
            // Already failing: the original error is what the caller must see.
        }
    }

    private ModelResponse callHere(ModelRequest request, Bulkhead slot) throws Exception {
        try {
            return step.client().call(request);
        } finally {
            if (slot != null) {
                slot.onComplete();
            }
        }
    }

    private Context context(Execution<I, O> x) {
        if (!intercepted && x.info != null && x.info.executionContext() != null) {
            return x.info.executionContext();
        }
        return Context.current();
    }

    /** Classifies the failure and finds where the call is now that the caller stops waiting. */
    private AttemptResult failed(Execution<I, O> x, Throwable error, InFlightCall flight, long timeout) {
        boolean cancelled = isCancellation(x, error);
        // The executor had no thread for the hand-off: the call was never made; no room, like a full bulkhead.
        boolean noThread = error instanceof RejectedExecutionException && flight != null && !flight.started();
        Classification c = cancelled ? Classification.of(FailureKind.CANCELLED)
                : noThread ? Classification.of(FailureKind.BULKHEAD_FULL) : classify(chain, error);
        FailureKind kind = c.kind();
        // Never started: the provider never saw it. Still running: it may yet finish and be billed, so what the
        // attempt holds stays held until it ends (or the grace runs out).
        LateSettlement late = flight == null || !intercepted && !chain.events().enabled() ? null
                : new LateSettlement(x, kind, chain.events(), x.info, step.name(), x.attemptNumber, chain.time(),
                x.callEnd);
        InFlightCall.Fate fate = flight == null ? InFlightCall.Fate.ENDED : flight.leave(late);
        boolean neverStarted = fate == InFlightCall.Fate.NEVER_STARTED;
        x.neverStarted = neverStarted;
        // The client says its request never left the process: not the provider's failure either.
        boolean notSent = !neverStarted && notSent(error);
        // A failed call may still have been billed (a content-filtered completion); a call that ended on its own as
        // we gave up is settled on what it reported, a response's usage included.
        Usage billed = flight != null && fate == InFlightCall.Fate.ENDED ? flight.billed()
                : error instanceof ModelCallException m ? m.usage() : Usage.NONE;
        String reason = !(error instanceof TimeoutException) || kind != FailureKind.TIMEOUT ? Failures.describe(error)
                : "attempt timed out after " + TimeUnit.NANOSECONDS.toMillis(timeout) + "ms"
                + (neverStarted ? " before the call started (no executor thread was free in time)" : "");
        if (noThread) {
            reason = "not called: the chain's executor has no thread free for the timed call (" + reason + ")";
        } else if (notSent) {
            reason += " (request never sent; not counted by the circuit breaker)";
        }
        return AttemptResult.ofFailedCall(error, kind, c.retryAfter(), reason, !neverStarted,
                !neverStarted && !notSent, billed, fate == InFlightCall.Fate.STILL_RUNNING ? late : null);
    }

    /** The chain's classifiers in order, then the default one; a classifier may not answer with an admission kind. */
    static Classification classify(ChainConfig<?, ?> chain, Throwable error) {
        for (FailureClassifier c : chain.classifiers()) {
            try {
                Classification r = c.classify(error);
                if (r != null && r.kind() != null && !r.kind().isAdmission()) {
                    return r;
                }
            } catch (Throwable e) {
                Failures.rethrowFatal(e);
                // A broken classifier must not break the call; the next one decides.
            }
        }
        return DefaultClassifier.INSTANCE.classify(error);
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
    static boolean isCancellation(Execution<?, ?> x, Throwable error) {
        boolean interrupted = Thread.currentThread().isInterrupted() || x.cancelRequested();
        for (Throwable t = error; t != null && !interrupted; t = t.getCause() == t ? null : t.getCause()) {
            interrupted = t instanceof InterruptedException;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return interrupted;
    }
}
