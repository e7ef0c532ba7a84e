package dev.cascade.eval;

import dev.cascade.api.Money;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The headline figures of one variant in one evaluation run: what a {@link ValidationHistory} keeps and a
 * {@link DriftCheck} compares. Immutable.
 *
 * @param runId              the run
 * @param finishedAt         when it finished
 * @param dataset            the data set's name
 * @param variant            the variant's name
 * @param cases              cases run
 * @param accuracy           see {@link Metrics#accuracy()}
 * @param errorRate          {@code 1 - accuracy} (0 when nothing was scored)
 * @param costPerTransaction see {@link Metrics#costPerTransaction()}
 * @param answeredShare      answered without humans, share of cases run
 * @param reviewShare        taken by human review, share of cases run
 * @param latencyP90Ms       90th percentile latency, ms
 */
public record RunSummary(String runId, Instant finishedAt, String dataset, String variant, int cases, double accuracy,
                         double errorRate, Money costPerTransaction, double answeredShare, double reviewShare,
                         double latencyP90Ms) {

    public RunSummary {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(costPerTransaction, "costPerTransaction");
    }

    /** One summary per variant of {@code result}, in variant order. */
    public static List<RunSummary> of(EvaluationResult result) {
        List<RunSummary> out = new ArrayList<>();
        for (VariantResult v : result.variants()) {
            Metrics m = v.overall();
            out.add(new RunSummary(result.runId(), result.finishedAt(), result.dataset(), v.name(), m.casesRun(),
                    m.accuracy(), m.errorRate(), m.costPerTransaction(), m.answeredShare(), m.reviewShare(),
                    m.latencyP90Ms()));
        }
        return out;
    }
}
