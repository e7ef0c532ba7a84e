package dev.cascade.api;

import dev.cascade.CascadeBuilder;

/**
 * What the chain does with one {@link FailureKind}. Immutable; use the {@code with*} methods to derive a changed copy,
 * typically inside {@link CascadeBuilder#onFailure(FailureKind, java.util.function.UnaryOperator)}.
 *
 * @param retry            whether the same model step retries (within its retry policy's attempts and the deadline)
 * @param fallToModels     whether later <em>model</em> steps may still be tried; rules, custom steps and human review
 *                         always are
 * @param countsForBreaker whether the attempt is recorded as a failure by the step's circuit breaker; when not, the
 *                         breaker treats the call as neutral (its permit is released)
 * @param alert            whether an {@link dev.cascade.event.Alert} event is raised
 */
public record FailurePolicy(boolean retry, boolean fallToModels, boolean countsForBreaker, boolean alert) {

    public FailurePolicy withRetry(boolean value) {
        return new FailurePolicy(value, fallToModels, countsForBreaker, alert);
    }

    public FailurePolicy withFallToModels(boolean value) {
        return new FailurePolicy(retry, value, countsForBreaker, alert);
    }

    public FailurePolicy withCountsForBreaker(boolean value) {
        return new FailurePolicy(retry, fallToModels, value, alert);
    }

    public FailurePolicy withAlert(boolean value) {
        return new FailurePolicy(retry, fallToModels, countsForBreaker, value);
    }
}
