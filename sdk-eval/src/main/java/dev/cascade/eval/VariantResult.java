package dev.cascade.eval;

import dev.cascade.api.Money;

import java.util.List;
import java.util.Map;

/**
 * One variant's results. Immutable.
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
        byStep = Map.copyOf(byStep);
        byTag = Map.copyOf(byTag);
        byTemplate = Map.copyOf(byTemplate);
        savingsByLever = Map.copyOf(savingsByLever);
        cases = List.copyOf(cases);
    }
}
