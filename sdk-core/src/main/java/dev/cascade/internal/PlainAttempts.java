package dev.cascade.internal;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.AttemptStarted;
import dev.cascade.spi.CascadeListener;

/** Records and reports the one attempt of a rules, custom or review step (no call, no retry). */
final class PlainAttempts {
    private PlainAttempts() {
    }

    static long started(ChainConfig<?, ?> chain, Execution<?, ?> x, String step, StepKind kind) {
        if (x.info != null) {
            chain.events().fire(CascadeListener::onAttemptStarted, new AttemptStarted(x.info, step, kind, 1, null,
                    null, 0, null, null));
        }
        return chain.time().nanoTime();
    }

    static void finished(ChainConfig<?, ?> chain, Execution<?, ?> x, String step, StepKind kind, Status status,
                         String reason, long t0) {
        Attempt a = x.record(step, kind, 1, status, null, reason, t0, chain.time().nanoTime(), Usage.NONE, null,
                null);
        if (x.info != null) {
            chain.events().fire(CascadeListener::onAttemptFinished, new AttemptFinished(x.info, a, null));
        }
    }

    static void failed(ChainConfig<?, ?> chain, Execution<?, ?> x, String step, StepKind kind, FailureKind failure,
                       String reason, long t0, Throwable error) {
        Attempt a = x.record(step, kind, 1, Status.FAILED, failure, reason, t0, chain.time().nanoTime(), Usage.NONE,
                null, null);
        if (x.info != null) {
            chain.events().fire(CascadeListener::onAttemptFailed, new AttemptFailed(x.info, a, error, false));
        }
    }
}
