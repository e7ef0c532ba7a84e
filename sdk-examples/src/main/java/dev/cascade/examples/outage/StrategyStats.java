package dev.cascade.examples.outage;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One strategy's {@link PhaseStats}, per phase in which requests started. Thread-safe. */
public final class StrategyStats {
    private final String strategy;
    private final List<String> steps;
    private final Map<Phase, PhaseStats> byPhase = new EnumMap<>(Phase.class);

    public StrategyStats(String strategy, List<String> steps) {
        this.strategy = strategy;
        this.steps = List.copyOf(steps);
        for (Phase p : Phase.values()) {
            byPhase.put(p, new PhaseStats(steps));
        }
    }

    public String strategy() {
        return strategy;
    }

    /** The steps that can answer, in order. */
    public List<String> steps() {
        return steps;
    }

    public PhaseStats phase(Phase phase) {
        return byPhase.get(phase);
    }

    /** All phases together. */
    public PhaseStats total() {
        return PhaseStats.merge(steps, byPhase.values());
    }
}
