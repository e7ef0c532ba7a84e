package dev.cascade.examples.outage;

import java.util.Arrays;
import java.util.Collection;
import java.util.OptionalLong;

/** Collects latency samples (kept in microseconds) and answers nearest-rank percentiles. Thread-safe. */
public final class LatencyRecorder {
    private long[] micros = new long[256];
    private int size;

    /** Adds one sample. */
    public synchronized void record(long nanos) {
        if (size == micros.length) {
            micros = Arrays.copyOf(micros, size * 2);
        }
        micros[size++] = nanos / 1_000;
    }

    /** A recorder holding every sample of {@code parts}. */
    public static LatencyRecorder merge(Collection<LatencyRecorder> parts) {
        LatencyRecorder all = new LatencyRecorder();
        for (LatencyRecorder part : parts) {
            for (long m : part.snapshot()) {
                all.record(m * 1_000);
            }
        }
        return all;
    }

    public synchronized int count() {
        return size;
    }

    /** The nearest-rank percentile {@code p} (0 < p <= 100) in microseconds; empty with no samples. */
    public OptionalLong percentileMicros(double p) {
        long[] sorted = snapshot();
        if (sorted.length == 0) {
            return OptionalLong.empty();
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return OptionalLong.of(sorted[Math.max(0, Math.min(sorted.length, rank) - 1)]);
    }

    /** How many samples are at least {@code nanos}. */
    public long countAtLeast(long nanos) {
        long limit = nanos / 1_000;
        return Arrays.stream(snapshot()).filter(m -> m >= limit).count();
    }

    private synchronized long[] snapshot() {
        return Arrays.copyOf(micros, size);
    }
}
