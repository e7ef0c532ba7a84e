package dev.cascade.internal;

import dev.cascade.api.CallContext;
import dev.cascade.api.Outcome;
import dev.cascade.event.ExecutionInfo;

/**
 * Work the front door hangs after every execution, once its outcome is built and reported (shadow candidates): it
 * must not block, and whatever it throws is contained, so it never changes the caller's outcome.
 */
@FunctionalInterface
public interface AfterExecution<I, O> {
    /** @param info the execution as the chain's events saw it, or {@code null} when the chain has no listener */
    void finished(I input, CallContext context, Outcome<O> outcome, ExecutionInfo info);
}
