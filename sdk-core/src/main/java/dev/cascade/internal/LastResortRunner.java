package dev.cascade.internal;

import dev.cascade.config.LastResortSpec;
import dev.cascade.event.LastResort;
import dev.cascade.spi.CascadeListener;

import java.time.Duration;

/**
 * The chain's last resort, at most once per execution (see {@link LastResortSpec}): a rate-limited probe past an
 * open breaker, then one more try of the step whose Retry-After ends first, when the wait fits. Runs before the
 * review step, or at the end when nothing answered. Thread-safe.
 */
final class LastResortRunner<I, O> {
    private final ChainConfig<I, O> config;

    LastResortRunner(ChainConfig<I, O> config) {
        this.config = config;
    }

    /** Returns true when it answered; sets {@code x.cancelled} when the wait was interrupted. */
    boolean run(Execution<I, O> x) {
        LastResortSpec policy = config.lastResort();
        Execution.Rare<I, O> r = x.rareOrNull();
        // No last resort on the caller's thread of an async execution the executor had no thread for.
        if (r == null || r.lastResortTried || x.cancelled || r.barredBy != null || r.noThread != null
                || !policy.enabled()
                || (r.probeStep == null && r.retryAfterStep == null)) {
            return false;
        }
        r.lastResortTried = true;
        if (Thread.currentThread().isInterrupted() || x.cancelRequested()) {
            x.cancelled = true;
            return false;
        }
        ModelStepRunner<I, O> probe = r.probeStep;
        if (probe != null && policy.probesPerSecond() > 0) {
            long now = config.time().nanoTime();
            // A step's own Retry-After holds for its probe too: no call before the wait the provider asked for.
            boolean waitingRetryAfter = probe == r.retryAfterStep && r.retryAfterReadyAt - now > 0;
            if (x.remainingNanos(now) > 0 && !waitingRetryAfter && probe.breakerOpen()
                    && probe.probePermit(now, (long) (1e9 / policy.probesPerSecond()))) {
                announce(x, probe, LastResortSpec.Mode.PROBE, 0);
                if (probe.runLastResort(x, LastResortSpec.Mode.PROBE)) {
                    return true;
                }
                if (x.cancelled || r.barredBy != null) {
                    return false; // a failure whose policy bars other models ends the last resort too
                }
            }
        }
        ModelStepRunner<I, O> retry = r.retryAfterStep;
        if (retry == null || !policy.waitForRetryAfter()) {
            return false;
        }
        long now = config.time().nanoTime();
        long wait = Math.max(0, r.retryAfterReadyAt - now);
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
            config.events().fire(CascadeListener::onLastResort, new LastResort(x.info, runner.name(), mode,
                    Duration.ofNanos(wait)));
        }
    }
}
