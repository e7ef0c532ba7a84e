package dev.cascade.internal;

import dev.cascade.api.FailureKind;
import dev.cascade.spi.TimeSource;

/**
 * The end-to-end deadline: no attempt starts once it has passed ({@code NO_TIME}); the time left bounds the call.
 * Only in chains with a deadline: clock reads are a large share of a fast execution's cost.
 */
final class DeadlineStage implements Stage {
    private final TimeSource time;

    DeadlineStage(TimeSource time) {
        this.time = time;
    }

    @Override
    public boolean enter(Execution<?, ?> x) {
        long now = time.nanoTime();
        x.now = now;
        if (x.deadlineNanos - now <= 0) {
            x.refusalReason = "deadline reached before attempt " + x.attemptNumber;
            return false;
        }
        return true;
    }

    @Override
    public FailureKind refusal() {
        return FailureKind.NO_TIME;
    }
}
