package dev.cascade.event;

import dev.cascade.StepKind;

/**
 * A step is about to run (for a model step: one call, after admission granted it).
 *
 * @param provider for a model step, the client's provider; otherwise {@code null}
 * @param model    for a model step, the client's requested model (may be {@code null}); otherwise {@code null}
 * @param maxOutputTokens for a model step, the request's output cap, or 0 when unset
 */
public record AttemptStarted(ExecutionInfo execution, String step, StepKind stepKind, int number, String provider,
                             String model, int maxOutputTokens) {
}
