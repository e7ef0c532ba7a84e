package dev.cascade.examples.outage;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One strategy's results for the requests that started in one phase: how many, who answered them, how many were
 * lost, their end-to-end latency and their cost. Thread-safe.
 */
public final class PhaseStats {
    private final Map<String, Long> answeredBy = new LinkedHashMap<>();
    private final LatencyRecorder latency;
    private long requests;
    private long lost;
    private long costNanoUsd;

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
        costNanoUsd += handled.costNanoUsd();
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
                all.costNanoUsd += p.costNanoUsd;
                p.answeredBy.forEach((k, v) -> all.answeredBy.merge(k, v, Long::sum));
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

    public synchronized long costNanoUsd() {
        return costNanoUsd;
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
