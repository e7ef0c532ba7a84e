package dev.cascade.event;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.StepKind;

/**
 * A step is about to run (for a model step: one call, after admission granted it).
 *
 * @param provider        for a model step, the client's provider; otherwise {@code null}
 * @param model           for a model step, the client's requested model (may be {@code null}); otherwise {@code null}
 * @param maxOutputTokens for a model step, the request's output cap, or 0 when unset
 * @param request         for a model step, the request about to be sent; otherwise {@code null}. It holds prompt
 *                        text: a listener must not record it unless its user opted in
 * @param circuitState    for a model step with a circuit breaker, its state as the call is admitted
 *                        ({@code CLOSED}, {@code HALF_OPEN}); otherwise {@code null}
 */
public record AttemptStarted(ExecutionInfo execution, String step, StepKind stepKind, int number, String provider,
                             String model, int maxOutputTokens, ModelRequest request, String circuitState) {
}
