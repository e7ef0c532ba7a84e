package dev.cascade.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing the execution did at one step: a model call, a skip, a rules evaluation, a hand-off to review.
 * {@link Outcome#attempts()} lists them in the order they happened. Immutable.
 *
 * @param step       the step's name
 * @param stepKind   the step's kind
 * @param number     1-based attempt number within the step (retries count up); 0 when no call was made
 *                   (a skip, or a prompt mapper that threw)
 * @param status     what came of it
 * @param failure    why it did not answer; {@code null} when it answered, passed or queued
 * @param reason     a human-readable explanation (never prompt or completion text); {@code null} when it answered
 * @param offset     when it started, measured from the start of the execution
 * @param latency    how long it took (zero for skips)
 * @param usage      tokens the provider reported for a model call; {@link Usage#NONE} otherwise
 * @param model      the model that answered, as the provider reported it; {@code null} when unknown
 * @param finishReason the provider's finish reason for a model answer (e.g. {@code stop}); {@code null} otherwise
 * @param cost       what the attempt cost, as settled by the chain's budget ({@link Money#ZERO} without a budget,
 *                   and for attempts that called no model)
 */
public record Attempt(String step, StepKind stepKind, int number, Status status, FailureKind failure, String reason,
                      Duration offset, Duration latency, Usage usage, String model, String finishReason, Money cost) {

    /** What came of an attempt. */
    public enum Status {
        /** The step answered and its answer was accepted. */
        ANSWERED,
        /** The call failed; see {@link Attempt#failure()}. */
        FAILED,
        /** The call returned, but the answer failed the parser or the accept gate. */
        REJECTED,
        /** Admission refused the step; no call was made. */
        SKIPPED,
        /** A rules or custom step had no answer for this input. */
        PASSED,
        /** The human review step took the input. */
        QUEUED
    }

    public Attempt {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(stepKind, "stepKind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(offset, "offset");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(cost, "cost");
    }

    /** The failure kind, if the attempt failed, was rejected or was skipped. */
    public Optional<FailureKind> failureKind() {
        return Optional.ofNullable(failure);
    }

    /** Whether a model was actually called: skips and prompt-mapper failures have number 0 and called nothing. */
    public boolean calledModel() {
        return stepKind == StepKind.MODEL && number > 0;
    }
}
