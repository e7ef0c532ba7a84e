package dev.cascade.examples.outage;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one run of the demo measured.
 *
 * @param config        the run's configuration
 * @param timeline      the timeline it ran on
 * @param strategies    results per strategy name, in report order
 * @param descriptions  a one-line description per strategy name
 * @param models        each simulated model's stats, by id (e.g. {@code cascade/advanced}), in report order
 * @param breaker       the Cascade advanced breaker's state changes
 * @param reviewItems   items in Cascade's human review queue at the end
 * @param budget        Cascade's daily budget at the end, and the check of its cost figures
 * @param runTime       wall time of the run
 * @param targets       the targets and whether they were met
 * @param stormVariants the models-only chain without and with its last resort, side by side (not in the targets)
 */
public record DemoResult(DemoConfig config, Timeline timeline, Map<String, StrategyStats> strategies,
                         Map<String, String> descriptions, Map<String, ModelStats> models,
                         List<BreakerLog.Transition> breaker, int reviewItems, BudgetReport budget,
                         Duration runTime,
                         List<TargetCheck> targets, List<StormComparison> stormVariants) {

    public DemoResult {
        strategies = new LinkedHashMap<>(strategies);
        descriptions = new LinkedHashMap<>(descriptions);
        models = new LinkedHashMap<>(models);
        breaker = List.copyOf(breaker);
        targets = List.copyOf(targets);
        stormVariants = List.copyOf(stormVariants);
    }

    /** Whether every target was met. */
    public boolean allTargetsMet() {
        return targets.stream().allMatch(TargetCheck::passed);
    }
}
