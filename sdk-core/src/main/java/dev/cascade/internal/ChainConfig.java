package dev.cascade.internal;

import dev.cascade.Description;
import dev.cascade.FailureKind;
import dev.cascade.FailurePolicy;
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
 */
public record ChainConfig<I, O>(String name, List<StepDef<I, O>> steps, long deadlineNanos,
                                Function<? super I, String> router, FailurePolicy[] policies,
                                List<FailureClassifier> classifiers, Events events, StepAdmission admission,
                                TimeSource time, ExecutorService executor, Description description) {

    FailurePolicy policy(FailureKind kind) {
        return policies[kind.ordinal()];
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
