package dev.cascade.internal;

import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import dev.cascade.api.StepKind;

import java.util.Optional;

/**
 * A custom step: a function that answers or passes; skipped once the deadline has passed, and in an async execution
 * the executor had no thread for (it may block, and runs on the caller's thread then: {@code BULKHEAD_FULL}).
 */
final class CustomStepRunner<I, O> implements StepRunner<I, O> {
    private final ChainConfig<I, O> chain;
    private final StepDef.Custom<I, O> step;

    CustomStepRunner(ChainConfig<I, O> chain, StepDef.Custom<I, O> step) {
        this.chain = chain;
        this.step = step;
    }

    @Override
    public String name() {
        return step.name();
    }

    @Override
    public Outcome.Status run(Execution<I, O> x) {
        long now = chain.time().nanoTime();
        if (x.noThread() != null) {
            chain.skipped(x, step.name(), StepKind.CUSTOM, FailureKind.BULKHEAD_FULL, x.noThread(), now);
            return null;
        }
        if (x.remainingNanos(now) <= 0) {
            chain.skipped(x, step.name(), StepKind.CUSTOM, FailureKind.NO_TIME, "deadline reached", now);
            return null;
        }
        long t0 = PlainAttempts.started(chain, x, step.name(), StepKind.CUSTOM);
        Optional<O> answer;
        try {
            answer = step.function().apply(x.input);
            if (answer == null) {
                throw new IllegalStateException("custom step returned null instead of Optional.empty()");
            }
        } catch (Throwable e) {
            Failures.rethrowFatal(e);
            PlainAttempts.failed(chain, x, step.name(), StepKind.CUSTOM, FailureKind.UNAVAILABLE,
                    Failures.describe(e), t0, e);
            return null;
        }
        if (answer.isEmpty()) {
            PlainAttempts.finished(chain, x, step.name(), StepKind.CUSTOM, Status.PASSED, "no answer", t0);
            return null;
        }
        PlainAttempts.finished(chain, x, step.name(), StepKind.CUSTOM, Status.ANSWERED, null, t0);
        x.answer = answer.get();
        x.answeredBy = step.name();
        return Outcome.Status.ANSWERED;
    }
}
