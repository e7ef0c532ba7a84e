package dev.cascade.internal;

import dev.cascade.api.FailureKind;
import io.github.resilience4j.ratelimiter.RateLimiter;

/** The step's rate limiter: no permit, no call ({@code NO_PERMIT}); never waits. A spent permit is not given back. */
final class LimiterStage implements Stage {
    private final RateLimiter limiter;
    private final String reason;

    LimiterStage(RateLimiter limiter) {
        this.limiter = limiter;
        this.reason = "rate limiter '" + limiter.getName() + "' has no permit";
    }

    @Override
    public boolean enter(Execution<?, ?> x) {
        if (limiter.acquirePermission()) {
            return true;
        }
        x.refusalReason = reason;
        return false;
    }

    @Override
    public FailureKind refusal() {
        return FailureKind.NO_PERMIT;
    }
}
