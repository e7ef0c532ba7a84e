package dev.cascade.eval;

import dev.cascade.api.Money;

import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The result of one {@link Evaluation#run}: every variant's figures side by side and the counterfactual. Serialises
 * to and from JSON with {@link EvalJson}. Immutable.
 *
 * @param runId          unique id of the run
 * @param dataset        the data set's name
 * @param datasetSize    its number of cases
 * @param scorer         the scorer's name
 * @param startedAt      when the run started (the evaluation's time source)
 * @param finishedAt     when it finished
 * @param moneyCap       the run's money cap, or {@code null}
 * @param spent          what the whole run spent, every variant
 * @param variants       per variant, in the order they were added
 * @param counterfactual the cost of answering everything with the most expensive model, or {@code null} when no
 *                       counterfactual price was given
 */
public record EvaluationResult(String runId, String dataset, int datasetSize, String scorer, Instant startedAt,
                               Instant finishedAt, Money moneyCap, Money spent, List<VariantResult> variants,
                               Counterfactual counterfactual) {

    public EvaluationResult {
        variants = List.copyOf(variants);
    }

    /** The variant named {@code name}. */
    public VariantResult variant(String name) {
        for (VariantResult v : variants) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        throw new NoSuchElementException("no variant '" + name + "' in run " + runId + "; variants: "
                + variants.stream().map(VariantResult::name).toList());
    }
}
