package dev.cascade.shadow;

import dev.cascade.api.Money;

import java.time.Duration;

/**
 * A live summary of one shadow candidate, taken when asked ({@link dev.cascade.Cascade#shadows()}). Every sampled
 * execution ends in exactly one of: compared ({@code agreements} + {@code disagreements}), {@code errors},
 * {@code notComparable}, {@code rateLimited}, {@code dropped}, {@code overBudget} — or is still queued or running.
 * Immutable.
 *
 * @param candidate      the candidate's name
 * @param share          the share of executions it samples
 * @param executions     executions the chain finished since the candidate started
 * @param sampled        executions the sampler picked
 * @param compared       samples whose candidate answer was compared with the chain's
 * @param agreements     comparisons scoring at least the agreement threshold
 * @param disagreements  comparisons scoring below it
 * @param errors         samples whose candidate prompt, call, parse or comparison failed
 * @param notComparable  samples whose live execution did not answer (the candidate was not called)
 * @param rateLimited    samples refused by the candidate's rate limit
 * @param dropped        samples refused because the candidate's queue was full
 * @param overBudget     samples the candidate's budget refused
 * @param meanScore      the mean comparator score over the comparisons (0 when none)
 * @param cost           what the candidate's calls cost at its price
 * @param inputTokens    input tokens the candidate's calls reported
 * @param outputTokens   output tokens the candidate's calls reported
 * @param meanLatency    mean duration of the candidate's calls (zero when none)
 * @param maxLatency     the longest candidate call
 */
public record ShadowReport(String candidate, double share, long executions, long sampled, long compared,
                           long agreements, long disagreements, long errors, long notComparable, long rateLimited,
                           long dropped, long overBudget, double meanScore, Money cost, long inputTokens,
                           long outputTokens, Duration meanLatency, Duration maxLatency) {

    /** Agreements per comparison, in [0, 1]; 0 when nothing was compared yet (see {@link #compared()}). */
    public double agreementRate() {
        return compared == 0 ? 0.0 : (double) agreements / compared;
    }

    /** Samples still waiting in the queue or running. */
    public long pending() {
        return sampled - compared - errors - notComparable - rateLimited - dropped - overBudget;
    }
}
