package dev.cascade.eval;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/** A {@link ValidationHistory} in memory, bounded to the last runs. Thread-safe (synchronised). */
final class InMemoryValidationHistory implements ValidationHistory {
    private final int maxRuns;
    private final Deque<List<RunSummary>> runs = new ArrayDeque<>();

    InMemoryValidationHistory(int maxRuns) {
        if (maxRuns < 1) {
            throw new IllegalArgumentException("maxRuns must be >= 1, was " + maxRuns);
        }
        this.maxRuns = maxRuns;
    }

    @Override
    public synchronized void append(List<RunSummary> run) {
        runs.addLast(List.copyOf(run));
        while (runs.size() > maxRuns) {
            runs.removeFirst();
        }
    }

    @Override
    public List<RunSummary> runs(String dataset, String variant) {
        return all().stream().filter(s -> s.dataset().equals(dataset) && s.variant().equals(variant)).toList();
    }

    @Override
    public synchronized List<RunSummary> all() {
        List<RunSummary> out = new ArrayList<>();
        runs.forEach(out::addAll);
        out.sort(Comparator.comparing(RunSummary::finishedAt));
        return out;
    }
}
