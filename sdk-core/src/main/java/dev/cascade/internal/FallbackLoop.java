package dev.cascade.internal;

import dev.cascade.api.Outcome;

import java.util.List;

/**
 * Where a fallback happens: the steps run in order from the routed first one, and a step that does not answer
 * (failed, skipped, passed, or its answer was refused) hands the input to the next. When none answered, the chain's
 * last resort gets one try. Each step's runner was chosen once, by kind, when the chain was built. Thread-safe.
 */
final class FallbackLoop<I, O> {
    /** An array, not a List: no interface calls for size and get on every step of every execution. */
    private final StepRunner<I, O>[] runners;
    private final LastResortRunner<I, O> lastResort;

    FallbackLoop(List<StepRunner<I, O>> runners, LastResortRunner<I, O> lastResort) {
        @SuppressWarnings("unchecked")
        StepRunner<I, O>[] array = runners.toArray(new StepRunner[0]);
        this.runners = array;
        this.lastResort = lastResort;
    }

    /** Runs {@code x} from step {@code first}; how the execution ended. */
    Outcome.Status run(Execution<I, O> x, int first) {
        Outcome.Status status = Outcome.Status.UNANSWERED;
        for (int i = first; i < runners.length; i++) {
            if (Thread.currentThread().isInterrupted() || x.cancelRequested()) {
                x.cancelled = true;
            }
            if (x.cancelled) {
                status = Outcome.Status.CANCELLED;
                break;
            }
            Outcome.Status ended = runners[i].run(x);
            if (ended != null) {
                status = ended;
                break;
            }
            // null: this step did not answer; fall back to the next.
        }
        if (status == Outcome.Status.UNANSWERED && x.review() == null && lastResort.run(x)) {
            status = Outcome.Status.ANSWERED;
        } else if (status == Outcome.Status.UNANSWERED && x.cancelled) {
            status = Outcome.Status.CANCELLED;
        }
        return status;
    }
}
