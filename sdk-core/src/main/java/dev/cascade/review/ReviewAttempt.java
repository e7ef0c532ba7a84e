package dev.cascade.review;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.StepKind;

import java.time.Duration;
import java.util.Objects;

/**
 * What a reviewer is shown of one attempt the execution made before the review step: which step, what came of it,
 * why, and, when a model answered but its answer was not used (parser or accept gate refused it), that answer's text.
 * Immutable; stored with the {@link ReviewItem}.
 *
 * @param step    the step's name
 * @param kind    the step's kind
 * @param number  1-based attempt number within the step; 0 when no call was made
 * @param status  what came of it
 * @param failure why it did not answer; {@code null} when it answered, passed or queued
 * @param reason  the engine's explanation (never prompt or completion text); may be {@code null}
 * @param model   the model that answered, as the provider reported it; may be {@code null}
 * @param cost    what the attempt cost ({@link Money#ZERO} when nothing was spent)
 * @param latency how long it took
 * @param answer  the model's answer text when the model answered but the answer was not used; {@code null} otherwise
 */
public record ReviewAttempt(String step, StepKind kind, int number, Attempt.Status status, FailureKind failure,
                            String reason, String model, Money cost, Duration latency, String answer) {

    public ReviewAttempt {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(latency, "latency");
    }

    /** The reviewer's view of {@code attempt}, with the model's unused answer text ({@code null} when none). */
    public static ReviewAttempt of(Attempt attempt, String answer) {
        return new ReviewAttempt(attempt.step(), attempt.stepKind(), attempt.number(), attempt.status(),
                attempt.failure(), attempt.reason(), attempt.model(), attempt.cost(), attempt.latency(), answer);
    }
}
