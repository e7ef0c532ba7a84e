package dev.cascade.eval;

import java.util.List;
import java.util.Objects;

/**
 * How to build an {@link RoiReport}: which variant is "before" and which "after", the monthly volume to project to,
 * the runs to show as a trend, and the title. Immutable; the {@code with...} methods return copies.
 *
 * @param title         the report's title; default {@code "Cascade ROI report"}
 * @param baseline      the "before" variant's name; {@value #COUNTERFACTUAL} for the counterfactual model; {@code null}
 *                      (default) for the first variant of the run
 * @param chosen        the "after" variant's name; {@code null} (default) for the cheapest variant (per transaction)
 *                      whose accuracy is at least the baseline's, else the most accurate one
 * @param monthlyVolume transactions a month to project to; {@code null} (default) for the period's own volume
 *                      (live figures) or 100,000 (an evaluation, which has no volume of its own; the report says so)
 * @param trend         earlier runs' summaries to chart (oldest first); default none
 */
public record RoiOptions(String title, String baseline, String chosen, Long monthlyVolume, List<RunSummary> trend) {

    /** Names the counterfactual model as the baseline. */
    public static final String COUNTERFACTUAL = "counterfactual";
    /** The volume an evaluation's report projects to when none is given. */
    public static final long DEFAULT_MONTHLY_VOLUME = 100_000;

    public RoiOptions {
        Objects.requireNonNull(title, "title");
        trend = trend == null ? List.of() : List.copyOf(trend);
        if (monthlyVolume != null && monthlyVolume < 0) {
            throw new IllegalArgumentException("monthlyVolume must be >= 0, was " + monthlyVolume);
        }
    }

    /** The defaults. */
    public static RoiOptions defaults() {
        return new RoiOptions("Cascade ROI report", null, null, null, List.of());
    }

    public RoiOptions withTitle(String title) {
        return new RoiOptions(title, baseline, chosen, monthlyVolume, trend);
    }

    public RoiOptions withBaseline(String baseline) {
        return new RoiOptions(title, baseline, chosen, monthlyVolume, trend);
    }

    public RoiOptions withChosen(String chosen) {
        return new RoiOptions(title, baseline, chosen, monthlyVolume, trend);
    }

    public RoiOptions withMonthlyVolume(long monthlyVolume) {
        return new RoiOptions(title, baseline, chosen, monthlyVolume, trend);
    }

    public RoiOptions withTrend(List<RunSummary> trend) {
        return new RoiOptions(title, baseline, chosen, monthlyVolume, trend);
    }
}
