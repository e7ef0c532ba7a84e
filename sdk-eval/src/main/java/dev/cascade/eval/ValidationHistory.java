package dev.cascade.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * Where run summaries are kept between validation runs, for {@link DriftCheck} and the ROI report's trend.
 * Implementations: {@link #inMemory(int)} and {@link #directory(Path)} (one JSON file per run). Implementations must be
 * thread-safe.
 */
public interface ValidationHistory {

    /** Records the summaries of one run (one per variant). */
    void append(List<RunSummary> run);

    /** The summaries of {@code dataset}/{@code variant}, oldest first. */
    List<RunSummary> runs(String dataset, String variant);

    /** Every summary, oldest first. */
    List<RunSummary> all();

    /** Keeps the last {@code maxRuns} runs' summaries in memory. */
    static ValidationHistory inMemory(int maxRuns) {
        return new InMemoryValidationHistory(maxRuns);
    }

    /** Keeps every run as a JSON file in {@code dir} (created if missing). */
    static ValidationHistory directory(Path dir) {
        return new DirectoryValidationHistory(dir);
    }
}
