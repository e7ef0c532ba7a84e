package dev.cascade.examples.outage;

import dev.cascade.api.Money;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One strategy's results for the requests that started in one phase: how many, who answered them, how many were
 * lost, their end-to-end latency, their cost, and how often a budget skipped a step ({@code OVER_BUDGET}). Thread-safe.
 */
public final class PhaseStats {
    private final Map<String, Long> answeredBy = new LinkedHashMap<>();
    private final Map<String, Long> overBudgetSkips = new LinkedHashMap<>();
    private final LatencyRecorder latency;
    private long requests;
    private long lost;
    private long costMicros;

    /** Empty stats with a zero count for each of {@code steps}. */
    public PhaseStats(List<String> steps) {
        this(steps, new LatencyRecorder());
    }

    private PhaseStats(List<String> steps, LatencyRecorder latency) {
        for (String s : steps) {
            answeredBy.put(s, 0L);
        }
        this.latency = latency;
    }

    /** Records one request that took {@code latencyNanos} end to end. */
    public synchronized void record(Handled handled, long latencyNanos) {
        requests++;
        costMicros = Math.addExact(costMicros, handled.cost().micros());
        for (String step : handled.overBudgetSkips()) {
            overBudgetSkips.merge(step, 1L, Long::sum);
        }
        if (handled.isLost()) {
            lost++;
        } else {
            answeredBy.merge(handled.answeredBy(), 1L, Long::sum);
        }
        latency.record(latencyNanos);
    }

    /** The sum of {@code parts} (e.g. every phase of one strategy). */
    public static PhaseStats merge(List<String> steps, Collection<PhaseStats> parts) {
        PhaseStats all = new PhaseStats(steps, LatencyRecorder.merge(parts.stream().map(p -> p.latency).toList()));
        for (PhaseStats p : parts) {
            synchronized (p) {
                all.requests += p.requests;
                all.lost += p.lost;
                all.costMicros = Math.addExact(all.costMicros, p.costMicros);
                p.answeredBy.forEach((k, v) -> all.answeredBy.merge(k, v, Long::sum));
                p.overBudgetSkips.forEach((k, v) -> all.overBudgetSkips.merge(k, v, Long::sum));
            }
        }
        return all;
    }

    public synchronized long requests() {
        return requests;
    }

    public synchronized long lost() {
        return lost;
    }

    /** What the requests' model calls cost. */
    public synchronized Money cost() {
        return Money.ofMicros(costMicros);
    }

    /** How many times a budget skipped a step ({@code OVER_BUDGET}), all steps together. */
    public synchronized long overBudgetSkips() {
        return overBudgetSkips.values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code OVER_BUDGET} skips per step that was skipped at least once, in the order first seen. */
    public synchronized Map<String, Long> overBudgetSkipsByStep() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(overBudgetSkips));
    }

    /** Requests per answering step (human review counts as the step that took the request). */
    public synchronized Map<String, Long> answeredBy() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(answeredBy));
    }

    /** How many requests {@code step} answered. */
    public synchronized long answeredBy(String step) {
        return answeredBy.getOrDefault(step, 0L);
    }

    /** End-to-end latencies of every request, answered or lost. */
    public LatencyRecorder latency() {
        return latency;
    }
}
