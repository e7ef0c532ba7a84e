package dev.cascade.eval;

import dev.cascade.api.Money;
import dev.cascade.api.Pricing;

/**
 * What answering every case with the most expensive model would have cost: the "before" of an ROI report. Immutable.
 *
 * <p><b>How it is estimated.</b> Each case gets one representative token count: the usage of the model call that
 * answered it, in the first variant (in the order they were added) where a model answered it; failing that, the first
 * model call of the case that reported usage, in any variant; failing that (rules, cache or review handled it
 * everywhere), the mean of the other cases' representative counts, rounded up. The count is priced with
 * {@link Pricing#cost} at the model's price (input uncached), once per case: a single call that answers, no retries
 * and no failures. Among several {@link Evaluation.Builder#counterfactual candidates} the one with the highest total is
 * used. So the estimate assumes that model would answer each case once, with the token count another model needed.
 *
 * @param model              the model priced
 * @param pricing            its price
 * @param cases              cases priced
 * @param fromOwnTokens      cases priced from their own model calls
 * @param fromMeanTokens     cases priced at the mean (no model call anywhere)
 * @param inputTokens        representative input tokens, summed
 * @param outputTokens       representative output tokens, summed
 * @param cost               the total
 * @param costPerTransaction {@code cost / cases}, rounded half-up to the micro-dollar
 */
public record Counterfactual(String model, Pricing pricing, int cases, int fromOwnTokens, int fromMeanTokens,
                             long inputTokens, long outputTokens, Money cost, Money costPerTransaction) {

    /** One line saying how the figure was estimated, for reports. */
    public String method() {
        return "every case answered once by " + model + " at " + pricing.inputPerMillion() + "/"
                + pricing.outputPerMillion() + " per 1M input/output tokens, with the token count of the model call"
                + " that answered it (" + fromOwnTokens + " cases) or the mean count (" + fromMeanTokens + " cases)";
    }
}
