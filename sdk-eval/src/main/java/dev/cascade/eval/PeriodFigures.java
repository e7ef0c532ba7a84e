package dev.cascade.eval;

import dev.cascade.api.Money;

import java.time.Instant;
import java.util.Map;

/**
 * Live figures of a period, from {@link LiveRoiCollector#snapshot()}: what the chains really did. Immutable.
 *
 * @param from               start of the period
 * @param to                 end of the period (the snapshot)
 * @param executions         executions finished in the period
 * @param cost               what they spent
 * @param costPerTransaction {@code cost / executions}
 * @param latencyP50Ms       median latency over the last {@link LiveRoiCollector#RESERVOIR} executions, ms
 * @param latencyP90Ms       90th percentile, ms
 * @param latencyP99Ms       99th percentile, ms
 * @param answered           executions a step answered
 * @param review             executions the human review step took
 * @param unanswered         the others (unanswered, cancelled)
 * @param answeredBy         answered executions by answering step
 * @param counterfactual     the counterfactual model's name, or {@code null} without one
 * @param counterfactualCost the cost of answering every execution with it (see {@link LiveRoiCollector}), or
 *                           {@code null}
 * @param savingsByLever     counterfactual cost minus actual cost by {@link Levers lever}; empty without one
 */
public record PeriodFigures(Instant from, Instant to, long executions, Money cost, Money costPerTransaction,
                            double latencyP50Ms, double latencyP90Ms, double latencyP99Ms, long answered, long review,
                            long unanswered, Map<String, Long> answeredBy, String counterfactual,
                            Money counterfactualCost, Map<String, Money> savingsByLever) {

    public PeriodFigures {
        answeredBy = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(answeredBy));
        savingsByLever = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(savingsByLever));
    }

    /** Answered without humans, share of executions. */
    public double answeredShare() {
        return executions == 0 ? 0 : (double) answered / executions;
    }

    /** Taken by human review, share of executions. */
    public double reviewShare() {
        return executions == 0 ? 0 : (double) review / executions;
    }
}
