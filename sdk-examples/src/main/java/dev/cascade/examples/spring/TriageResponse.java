package dev.cascade.examples.spring;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.cascade.api.Attempt;
import dev.cascade.api.Outcome;

/**
 * The answer of {@code POST /triage}: how the chain ended, the answer and which step gave it, the review id when a
 * person has the ticket now, and every attempt in order with why it failed or was skipped.
 *
 * @param executionId the chain's id of this execution
 * @param status      {@code ANSWERED}, {@code PENDING_REVIEW}, {@code UNANSWERED} or {@code CANCELLED}
 * @param answer      the answer; absent unless answered
 * @param answeredBy  the step that answered; absent unless answered
 * @param reviewId    the review item's id; present only when the status is {@code PENDING_REVIEW}
 * @param costUsd     what the model calls cost, as the chain's budget settled them
 * @param elapsedMs   how long the execution took
 * @param attempts    every attempt, in order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriageResponse(String executionId, String status, String answer, String answeredBy, String reviewId,
                             String costUsd, long elapsedMs, List<AttemptView> attempts) {

    /**
     * One attempt.
     *
     * @param step    the step's name
     * @param number  the attempt number within the step (0 for a skip)
     * @param status  {@code ANSWERED}, {@code FAILED}, {@code REJECTED}, {@code SKIPPED}, {@code PASSED} or
     *                {@code QUEUED}
     * @param failure the failure kind ({@code RATE_LIMITED}, {@code UNAVAILABLE}, {@code TIMEOUT},
     *                {@code CIRCUIT_OPEN}, ...); absent when none
     * @param reason  why, in words (never ticket text); absent when it answered
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptView(String step, int number, String status, String failure, String reason) {

        static AttemptView of(Attempt a) {
            return new AttemptView(a.step(), a.number(), a.status().name(),
                    a.failureKind().map(Enum::name).orElse(null), a.reason());
        }
    }

    static TriageResponse of(Outcome<String> out) {
        return new TriageResponse(out.executionId(), out.status().name(), out.answer().orElse(null),
                out.answeredBy().orElse(null), out.pendingReview().map(r -> r.id()).orElse(null),
                out.cost().toUsd().toPlainString(), out.elapsed().toMillis(),
                out.attempts().stream().map(AttemptView::of).toList());
    }
}
