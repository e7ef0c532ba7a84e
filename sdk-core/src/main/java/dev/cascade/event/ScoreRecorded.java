package dev.cascade.event;

/**
 * A quality score for one execution, recorded after the fact by a scorer (an evaluation, a user's thumbs-up, an LLM
 * judge) through {@link dev.cascade.Cascade#recordScore}. Telemetry reports it as {@code cascade.quality.score} under
 * the execution's prompt template. Observe only.
 *
 * @param chain       the chain's name
 * @param executionId the scored execution's id
 * @param templateId  the execution's prompt template, or {@code null} when it named none
 * @param score       in [0, 1]
 * @param source      who scored it, e.g. {@code "exact-label"} or {@code "user-feedback"}
 */
public record ScoreRecorded(String chain, String executionId, String templateId, double score, String source) {
}
