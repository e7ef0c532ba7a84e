package dev.cascade.internal;

import dev.cascade.api.Attempt;
import dev.cascade.api.Description;
import dev.cascade.api.FailureKind;
import dev.cascade.api.FailurePolicy;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.config.LastResortSpec;
import dev.cascade.event.Alert;
import dev.cascade.event.StepSkipped;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.StepAdmission;
import dev.cascade.spi.TimeSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * Everything a built chain is, resolved and validated by the builder. Immutable.
 *
 * @param deadlineNanos 0 when the chain has no deadline
 * @param router        {@code null} when the chain has no router
 * @param policies      indexed by {@link FailureKind#ordinal()}
 * @param classifiers   the user's classifiers; the default one runs after them
 * @param admission     {@code null} when there is none
 * @param lateGraceNanos how long a call the chain gave up on may keep its reservation open (0: settle at once)
 * @param lastResort    a copy, never changed
 */
public record ChainConfig<I, O>(String name, List<StepDef<I, O>> steps, long deadlineNanos,
                                Function<? super I, String> router, FailurePolicy[] policies,
                                List<FailureClassifier> classifiers, Events events, StepAdmission admission,
                                TimeSource time, ExecutorService executor, Description description,
                                long lateGraceNanos,
                                LastResortSpec lastResort) {

    FailurePolicy policy(FailureKind kind) {
        return policies[kind.ordinal()];
    }

    /**
     * Records a step that admission or the chain skipped, and reports it: the one place skips are recorded, so every
     * skip raises an {@link Alert} when its kind's policy asks for one.
     */
    <I, O> void skipped(Execution<I, O> x, String step, StepKind kind, FailureKind failure, String reason, long at) {
        Attempt a = x.record(step, kind, 0, Attempt.Status.SKIPPED, failure, reason, at, at, Usage.NONE, null, null);
        if (events.enabled()) {
            events.fire(CascadeListener::onStepSkipped, new StepSkipped(x.info, a));
            if (policy(failure).alert()) {
                events.fire(CascadeListener::onAlert, new Alert(x.info, step, failure, reason));
            }
        }
    }

    /** Indexes steps by name. */
    Map<String, Integer> index() {
        java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            m.put(steps.get(i).name(), i);
        }
        return Map.copyOf(m);
    }
}
