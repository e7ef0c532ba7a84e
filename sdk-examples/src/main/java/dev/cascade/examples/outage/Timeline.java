package dev.cascade.examples.outage;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The shared wall-clock script of the demo: each {@link Phase} lasts a fixed time, one after the other, from the
 * moment {@link #start()} is called. Every strategy and every simulated model reads the same timeline, so they all
 * live through the same outage at the same moments. Thread-safe once started.
 */
public final class Timeline {
    private final Map<Phase, Duration> durations;
    /** Offset (from the start) at which each phase ends, indexed by ordinal. */
    private final long[] endOffsets = new long[Phase.values().length];
    private volatile long startNanos;
    private volatile boolean started;

    /** A timeline with the given duration per phase; every phase needs a positive duration. */
    public Timeline(Map<Phase, Duration> durations) {
        this.durations = new EnumMap<>(durations);
        long end = 0;
        for (Phase p : Phase.values()) {
            Duration d = Objects.requireNonNull(this.durations.get(p), () -> "no duration for phase " + p);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("phase " + p + " must last > 0, was " + d);
            }
            end += d.toNanos();
            endOffsets[p.ordinal()] = end;
        }
    }

    /** Starts the clock now. */
    public void start() {
        startNanos = System.nanoTime();
        started = true;
    }

    /** The phase that is running at {@code nanoTime}, or empty once the last phase is over. */
    public Optional<Phase> phaseAt(long nanoTime) {
        long offset = offset(nanoTime);
        for (Phase p : Phase.values()) {
            if (offset < endOffsets[p.ordinal()]) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The phase whose behaviour applies at {@code nanoTime}: after the timeline ends, the last phase goes on. */
    public Phase behaviourAt(long nanoTime) {
        return phaseAt(nanoTime).orElse(Phase.RECOVERY);
    }

    /** Time since the start. */
    public Duration elapsedAt(long nanoTime) {
        return Duration.ofNanos(offset(nanoTime));
    }

    /** How long {@code phase} lasts. */
    public Duration duration(Phase phase) {
        return durations.get(phase);
    }

    /** When {@code phase} begins, measured from the start. */
    public Duration startOf(Phase phase) {
        return phase.ordinal() == 0 ? Duration.ZERO : Duration.ofNanos(endOffsets[phase.ordinal() - 1]);
    }

    /** The length of the whole timeline. */
    public Duration total() {
        return Duration.ofNanos(endOffsets[endOffsets.length - 1]);
    }

    private long offset(long nanoTime) {
        if (!started) {
            throw new IllegalStateException("timeline not started");
        }
        return Math.max(0, nanoTime - startNanos);
    }
}
