package dev.cascade.eval;

import dev.cascade.api.Attempt;
import dev.cascade.api.Outcome;
import dev.cascade.api.StepKind;

/**
 * The levers an ROI report credits savings to, and how a case is assigned one. The saving of a case is its
 * counterfactual cost (the most expensive model answering it, see {@link Counterfactual}) minus what it really cost;
 * the whole saving goes to the case's lever, chosen in this order:
 * <ol>
 *   <li>{@value #REVIEW}: the human review step took it; its figure is the model spend avoided only (people's time is
 *       not priced here, so read it as an upper bound);</li>
 *   <li>{@value #NONE}: nothing answered it;</li>
 *   <li>{@value #CACHE}: the answering step is named {@code cache};</li>
 *   <li>{@value #RULES}: a rules or custom step answered (no model call);</li>
 *   <li>{@value #ROUTING}: a router started the execution past the chain's first step;</li>
 *   <li>{@value #MOST_EXPENSIVE}: the counterfactual model itself answered (the saving is what retries and earlier
 *       failed calls cost, usually negative);</li>
 *   <li>{@value #CHEAP_MODEL}: another model step answered — a cheaper model first in the chain, or a fallback.</li>
 * </ol>
 * Constants only; thread-safe.
 */
public final class Levers {
    /** A cheaper model answered (cheap-first ordering or fallback). */
    public static final String CHEAP_MODEL = "cheap-model";
    /** A router sent the execution past the first step. */
    public static final String ROUTING = "routing";
    /** The response cache answered. */
    public static final String CACHE = "cache";
    /** Rules (or a custom step) answered without a model. */
    public static final String RULES = "rules";
    /** People answered. */
    public static final String REVIEW = "review";
    /** The most expensive model answered. */
    public static final String MOST_EXPENSIVE = "most-expensive-model";
    /** Nothing answered. */
    public static final String NONE = "none";

    private Levers() {
    }

    /**
     * The lever of one outcome.
     *
     * @param firstStep           the chain's first step (where an unrouted execution starts)
     * @param counterfactualModel the counterfactual model's name (compared with the answering attempt's model and
     *                            step name), or {@code null}
     */
    static String of(Outcome<?> outcome, String firstStep, String counterfactualModel) {
        if (outcome.status() == Outcome.Status.PENDING_REVIEW) {
            return REVIEW;
        }
        if (!outcome.isAnswered()) {
            return NONE;
        }
        String by = outcome.answeredBy().orElse("");
        if (by.equals("cache")) {
            return CACHE;
        }
        Attempt answering = null;
        for (Attempt a : outcome.attempts()) {
            if (a.status() == Attempt.Status.ANSWERED && a.step().equals(by)) {
                answering = a;
            }
        }
        if (answering != null && answering.stepKind() != StepKind.MODEL) {
            return RULES;
        }
        if (outcome.route().routed() && firstStep != null && !firstStep.equals(outcome.route().firstStep())) {
            return ROUTING;
        }
        if (counterfactualModel != null && (counterfactualModel.equals(by)
                || (answering != null && counterfactualModel.equals(answering.model())))) {
            return MOST_EXPENSIVE;
        }
        return CHEAP_MODEL;
    }
}
