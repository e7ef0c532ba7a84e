package dev.cascade.eval;

import dev.cascade.event.Anomaly;

import java.util.List;

/**
 * One run of a {@link ContinuousValidation}: the evaluation result, its summaries (as added to the history) and the
 * anomalies the drift check found. Immutable.
 */
public record ValidationRun(EvaluationResult result, List<RunSummary> summaries, List<Anomaly> anomalies) {
    public ValidationRun {
        summaries = List.copyOf(summaries);
        anomalies = List.copyOf(anomalies);
    }
}
