package dev.cascade.internal;

import dev.cascade.api.FailureKind;

/**
 * One check a model attempt passes before its call: the deadline, the circuit breaker, the rate limiter, the bulkhead.
 * A step's stages are built once, in that order, when the chain is built; every attempt, each retry
 * included, passes all of them again. A stage that says no costs no waiting and builds no exception: the step is
 * skipped at once with the stage's kind ({@link #refusal()}) and reason. Stages are immutable or thread-safe: one
 * serves every execution.
 */
interface Stage {

    /**
     * Lets the attempt go on (true), or refuses it (false) after setting {@code x.refusalReason}. May read the clock
     * into {@code x.now}.
     */
    boolean enter(Execution<?, ?> x);

    /** The failure kind a refusal of this stage is recorded with. */
    FailureKind refusal();

    /** Gives back what {@link #enter} took, when a later stage refused or no call was made. Never throws. */
    default void release(Execution<?, ?> x) {
    }
}
