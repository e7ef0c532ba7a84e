package dev.cascade.internal;

import dev.cascade.api.FailureKind;
import dev.cascade.config.LastResortSpec;
import dev.cascade.spi.TimeSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.util.concurrent.TimeUnit;

/**
 * The step's circuit breaker: an open breaker skips the step at once ({@code CIRCUIT_OPEN}). The permission it grants
 * is held in {@code x.permitHeld} until the call's result is recorded ({@link #record}) or given back.
 *
 * <p>Why the breaker is asked before the rate limiter: a permit spent on a call that an open breaker then refuses is a
 * permit wasted, and under an outage it would starve the half-open trial calls. A last resort probe passes an open
 * breaker without asking it (and does not report to it): its half-open trials decide when it closes.
 */
final class BreakerStage implements Stage {
    private static final long REFUSAL_CACHE_NANOS = 1_000_000L;

    private final CircuitBreaker breaker;
    private final TimeSource time;
    /** The skip reason per state ordinal, built on first use. Racy by design: any thread builds the same text. */
    private final String[] reasons = new String[CircuitBreaker.State.values().length];
    /** Ticker value before which the breaker is known to refuse; 0 when not refusing. Racy by design: a hint. */
    private volatile long refusedUntil;

    BreakerStage(CircuitBreaker breaker, TimeSource time) {
        this.breaker = breaker;
        this.time = time;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public boolean enter(Execution<?, ?> x) {
        if (x.lastResortMode() == LastResortSpec.Mode.PROBE && open()) {
            return true;
        }
        // While a breaker refuses, ask it again at most once a millisecond: each refusal builds a resilience4j event
        // with a wall-clock timestamp, and an outage skips thousands of calls a second. A half-open trial starts at
        // most 1 ms late for it.
        long until = refusedUntil;
        if (until != 0) {
            CircuitBreaker.State state = breaker.getState();
            if (state == CircuitBreaker.State.FORCED_OPEN || now(x) - until < 0) {
                return refuse(x, state); // forced open refuses until an operator changes it: no clock needed
            }
        }
        if (!breaker.tryAcquirePermission()) {
            CircuitBreaker.State state = breaker.getState();
            if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
                refusedUntil = now(x) + REFUSAL_CACHE_NANOS;
            }
            return refuse(x, state);
        }
        if (until != 0) {
            refusedUntil = 0;
        }
        x.permitHeld = true;
        return true;
    }

    @Override
    public FailureKind refusal() {
        return FailureKind.CIRCUIT_OPEN;
    }

    @Override
    public void release(Execution<?, ?> x) {
        if (x.permitHeld) {
            x.permitHeld = false;
            breaker.releasePermission();
        }
    }

    /**
     * Records the call's result on the permission the attempt holds: a success, a failure that counts, or (a call
     * not made, a failure the policy does not count) the permission given back.
     */
    void record(Execution<?, ?> x, boolean success, boolean counts, Throwable error) {
        if (!x.permitHeld) {
            return;
        }
        x.permitHeld = false;
        long took = x.callEnd - x.now;
        if (success) {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        } else if (counts) {
            breaker.onError(took, TimeUnit.NANOSECONDS, error);
        } else {
            breaker.releasePermission();
        }
    }

    /** Whether the breaker refuses every call now (open or forced open; half-open still admits trials). */
    boolean refuses() {
        CircuitBreaker.State st = breaker.getState();
        return st == CircuitBreaker.State.OPEN || st == CircuitBreaker.State.FORCED_OPEN;
    }

    /** Whether it is open by its own measure (not forced open by an operator): probes may pass it. */
    boolean open() {
        return breaker.getState() == CircuitBreaker.State.OPEN;
    }

    private boolean refuse(Execution<?, ?> x, CircuitBreaker.State state) {
        // Built once per state: skips are the hot path of an outage.
        String reason = reasons[state.ordinal()];
        if (reason == null) {
            reason = "circuit breaker '" + breaker.getName() + "' is " + state;
            reasons[state.ordinal()] = reason;
        }
        x.refusalReason = reason;
        return false;
    }

    private long now(Execution<?, ?> x) {
        if (x.now < 0) {
            x.now = time.nanoTime();
        }
        return x.now;
    }
}
