package dev.cascade.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a built chain is made of, as a value: for tests that assert a chain's shape and for operational endpoints.
 *
 * @param chain    the chain's name
 * @param deadline the end-to-end deadline, or {@code null}
 * @param routed   whether a router picks the first step
 * @param steps    the steps, in order
 * @param order    how each model step's policies nest, outermost first ({@link #POLICY_ORDER})
 */
public record Description(String chain, Duration deadline, boolean routed, List<Step> steps, String order) {

    /**
     * The policy nesting every model step uses, outermost first: the retry loop is the outer layer, and every attempt
     * (the first and each retry) passes the deadline, the circuit breaker, the rate limiter, the budget admission and
     * the attempt interceptors again before its timed call.
     */
    public static final String POLICY_ORDER =
            "retry > deadline > circuit breaker > rate limiter > bulkhead > admission > interceptors > attempt timeout"
                    + " > call";

    public Description {
        steps = List.copyOf(steps);
    }

    /**
     * One step.
     *
     * @param name     the step's name
     * @param kind     its kind
     * @param policies its options as text, in order; e.g. {@code timeout=PT8S} for a model step, {@code rules=3}
     *                 for a rules step
     */
    public record Step(String name, StepKind kind, Map<String, String> policies) {
        public Step {
            policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("cascade '").append(chain).append("'");
        if (deadline != null) {
            sb.append(" deadline=").append(deadline);
        }
        if (routed) {
            sb.append(" routed");
        }
        int i = 1;
        for (Step s : steps) {
            sb.append("\n  ").append(i++).append(". ").append(s.name()).append(" [").append(s.kind()).append("]");
            s.policies().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        }
        return sb.append("\n  policy order: ").append(order).toString();
    }
}
