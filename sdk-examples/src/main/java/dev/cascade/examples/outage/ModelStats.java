package dev.cascade.examples.outage;

import java.util.EnumMap;
import java.util.Map;

/** One simulated model's counters and latencies, per {@link Phase} in which a call started. Thread-safe. */
public final class ModelStats {
    private final Map<Phase, ModelPhaseStats> byPhase = new EnumMap<>(Phase.class);

    public ModelStats() {
        for (Phase p : Phase.values()) {
            byPhase.put(p, new ModelPhaseStats());
        }
    }

    /** The stats of calls that started in {@code phase}. */
    public ModelPhaseStats phase(Phase phase) {
        return byPhase.get(phase);
    }
}
