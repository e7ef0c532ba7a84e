package dev.cascade.eval;

import dev.cascade.api.Money;

import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a group of cases (a variant, the cases one step answered, the cases with one tag). Immutable.
 *
 * <p><b>Definitions.</b> A case is <em>scored</em> when it has an expected answer. It <em>passes</em> when it was
 * answered and the scorer passed it; a scored case that was not answered (pending review, unanswered, failed) counts as
 * not passed. {@code accuracy = passed / scored}; {@code answeredAccuracy = passed / answered-and-scored}.
 * {@code answeredShare} is the share of the run cases answered by a step (model, rules, cache...), i.e. without
 * humans; {@code reviewShare} the share the human review step took. Latency percentiles are nearest-rank over the run
 * cases' {@link dev.cascade.api.Outcome#elapsed()}, in milliseconds. {@code costPerTransaction} is
 * {@code cost / casesRun}, rounded half-up to the micro-dollar. Cases not run (money cap) count in
 * {@link #notRun} only.
 *
 * @param cases             cases in the group (run or not)
 * @param casesRun          cases that were run
 * @param notRun            cases skipped because the run's money cap was reached
 * @param scored            run cases with an expected answer
 * @param passed            scored cases answered and passed by the scorer
 * @param accuracy          {@code passed / scored}; 0 when nothing was scored
 * @param answeredAccuracy  {@code passed / (answered and scored)}; 0 when none
 * @param meanScore         mean scorer value over the scored cases (unanswered ones count 0)
 * @param cost              what the run cases spent, as the chains' budgets settled it
 * @param costPerTransaction {@code cost / casesRun}
 * @param latencyP50Ms      median latency, ms
 * @param latencyP90Ms      90th percentile, ms
 * @param latencyP99Ms      99th percentile, ms
 * @param answered          run cases some step answered
 * @param answeredShare     {@code answered / casesRun}
 * @param review            run cases the human review step took
 * @param reviewShare       {@code review / casesRun}
 * @param unanswered        run cases with no answer and no review (incl. errors and cancellations)
 * @param failuresByKind    failed, rejected or skipped attempts by {@link dev.cascade.api.FailureKind} name, plus
 *                          {@code EXCEPTION} for an execution that threw; sorted by name
 */
public record Metrics(int cases, int casesRun, int notRun, int scored, int passed, double accuracy,
                      double answeredAccuracy, double meanScore, Money cost, Money costPerTransaction,
                      double latencyP50Ms, double latencyP90Ms, double latencyP99Ms, int answered,
                      double answeredShare, int review, double reviewShare, int unanswered,
                      Map<String, Integer> failuresByKind) {

    public Metrics {
        failuresByKind = failuresByKind == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new TreeMap<>(failuresByKind));
    }

    /** {@code 1 - accuracy}: the share of scored cases not answered correctly. */
    public double errorRate() {
        return scored == 0 ? 0 : 1 - accuracy;
    }
}
