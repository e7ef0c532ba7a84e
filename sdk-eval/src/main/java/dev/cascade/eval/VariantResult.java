package dev.cascade.eval;

import dev.cascade.api.Money;

import java.util.List;
import java.util.Map;

/**
 * One variant's results. Immutable; every map is sorted by key, so the JSON is stable from run to run.
 *
 * @param name            the variant's name
 * @param chain           the chain's name
 * @param overall         every case
 * @param byStep          by answering step ({@link dev.cascade.api.Outcome#answeredBy()}); cases no step answered are
 *                        under {@code (review)}, {@code (unanswered)}, {@code (error)} or {@code (not run)}
 * @param byTag           by tag (a case with two tags counts in both); untagged cases under {@code (untagged)}
 * @param byTemplate      by template id; cases without one under {@code (none)}
 * @param savingsByLever  counterfactual cost minus actual cost, summed by {@link CaseResult#lever()}; empty without a
 *                        {@link Counterfactual}
 * @param cases           per case, in data set order
 */
public record VariantResult(String name, String chain, Metrics overall, Map<String, Metrics> byStep,
                            Map<String, Metrics> byTag, Map<String, Metrics> byTemplate,
                            Map<String, Money> savingsByLever, List<CaseResult> cases) {

    public VariantResult {
        byStep = sorted(byStep);
        byTag = sorted(byTag);
        byTemplate = sorted(byTemplate);
        savingsByLever = sorted(savingsByLever);
        cases = List.copyOf(cases);
    }

    /** Sorted by key, so JSON output is stable from run to run. */
    private static <V> Map<String, V> sorted(Map<String, V> m) {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(m));
    }
}
