package dev.cascade.event;

import dev.cascade.api.Attempt;
import dev.cascade.api.ModelResponse;

/**
 * A step ran and did not fail: it answered, its answer was rejected, it passed, or it queued the input.
 *
 * @param response for a model step, what the model returned (its text is untrusted and may be sensitive: a listener
 *                 must not record it unless its user opted in); otherwise {@code null}
 */
public record AttemptFinished(ExecutionInfo execution, Attempt attempt, ModelResponse response) {
}
