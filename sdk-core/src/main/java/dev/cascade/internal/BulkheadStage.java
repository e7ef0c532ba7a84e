package dev.cascade.internal;

import dev.cascade.api.FailureKind;
import io.github.resilience4j.bulkhead.Bulkhead;

/**
 * The step's bulkhead: at most N calls of the step in flight; full means the step is skipped at once
 * ({@code BULKHEAD_FULL}), never waited for. After the rate limiter: a rate permit is spent whether or not a call
 * follows, while a bulkhead slot is given back, so asking the limiter first wastes nothing.
 *
 * <p>The slot it takes sits in {@code x.slotHeld} until the timed call takes it over ({@link TimedCallStage}); from
 * then on the call owns it and gives it back only when the client really returns (or the call never started), so a
 * call abandoned by its timeout that ignores the interrupt keeps its slot and a hanging client ties up at most N
 * threads. While no call holds it, {@link #release} gives it back: a later stage or an interceptor refused, the prompt
 * failed, an interceptor answered without calling, or an error escaped.
 */
final class BulkheadStage implements Stage {
    private final Bulkhead bulkhead;
    private final String reason;

    BulkheadStage(Bulkhead bulkhead) {
        this.bulkhead = bulkhead;
        this.reason = "bulkhead '" + bulkhead.getName() + "' is full ("
                + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " calls in flight)";
    }

    @Override
    public boolean enter(Execution<?, ?> x) {
        if (bulkhead.tryAcquirePermission()) {
            x.slotHeld = true;
            return true;
        }
        x.refusalReason = reason;
        return false;
    }

    @Override
    public FailureKind refusal() {
        return FailureKind.BULKHEAD_FULL;
    }

    /** Gives back the slot the attempt still holds; nothing when its call took it over. */
    @Override
    public void release(Execution<?, ?> x) {
        if (x.slotHeld) {
            x.slotHeld = false;
            bulkhead.releasePermission(); // no call was made: nothing for the bulkhead's events to report
        }
    }
}
