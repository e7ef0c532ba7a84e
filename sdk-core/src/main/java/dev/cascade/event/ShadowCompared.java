package dev.cascade.event;

import dev.cascade.api.Money;
import dev.cascade.api.Usage;

import java.time.Duration;
import java.time.Instant;

/**
 * What became of one live execution a shadow candidate sampled: compared (agreed or not), failed, or not run and why.
 * Fired to the chain's listeners from the candidate's worker thread (or, for {@link Result#DROPPED},
 * {@link Result#RATE_LIMITED} and {@link Result#NOT_COMPARABLE}, from the thread that ran the execution). Observe
 * only: nothing a listener does changes the caller's outcome, which was complete before the candidate ran.
 *
 * @param execution   the live execution as the chain's events saw it (its trace context: a shadow span links to
 *                    it); {@code null} when the chain had no listener when the execution ran
 * @param chain       the chain's name
 * @param executionId the live execution's id
 * @param candidate   the shadow candidate's name
 * @param result      what happened
 * @param score       the comparator's score in [0, 1] when compared, else {@code NaN}
 * @param cost        what the candidate's call cost at its price ({@link Money#ZERO} when unpriced or not called)
 * @param usage       the tokens the candidate's call reported ({@link Usage#NONE} when not called)
 * @param started     when the candidate's call started (wall clock of the chain's time source), or {@code null}
 *                    when no call was made
 * @param latency     how long the candidate's call took ({@link Duration#ZERO} when not called)
 * @param reason      why it failed or was not run (never prompt or answer text), or {@code null}
 */
public record ShadowCompared(ExecutionInfo execution, String chain, String executionId, String candidate,
                             Result result, double score, Money cost, Usage usage, Instant started,
                             Duration latency, String reason) {

    /** What became of a sampled execution. */
    public enum Result {
        /** Compared: the comparator's score reached the agreement threshold. */
        AGREED,
        /** Compared: the score was below the agreement threshold. */
        DISAGREED,
        /** The candidate's prompt mapper, call, parser or the comparator threw (or the parser returned null). */
        FAILED,
        /** The live execution did not answer: nothing to compare with, so the candidate was not called. */
        NOT_COMPARABLE,
        /** The candidate's rate limit had no permit left: not called. */
        RATE_LIMITED,
        /** The candidate's queue was full: not called. */
        DROPPED,
        /** The candidate's own budget refused the call. */
        OVER_BUDGET
    }

    /** Whether the candidate's model was called (a span and a latency exist). */
    public boolean called() {
        return started != null;
    }
}
