package dev.cascade.watch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tumbling windows of a fixed number of yes/no observations for one subject (a chain's step), with the EWMA of the
 * shares of the windows closed before. Shared by {@link ErrorRateWatcher} and {@link AcceptanceRateWatcher}.
 *
 * <p>Not thread-safe: owners synchronize on the instance.
 */
final class RateWindow {

    /**
     * A window that just closed.
     *
     * @param hits     observations that were "yes" (failures, rejections)
     * @param size     observations in the window
     * @param baseline the EWMA of the earlier windows' shares (0 when there were none)
     * @param earlier  how many windows closed before this one
     */
    record Closed(int hits, int size, double baseline, long earlier) {
        double share() {
            return (double) hits / size;
        }
    }

    /** One window per subject, created on first use. Thread-safe: one lock per subject. */
    static final class PerSubject {
        private final int size;
        private final double alpha;
        private final Map<String, RateWindow> windows = new ConcurrentHashMap<>();

        PerSubject(int size, double alpha) {
            this.size = size;
            this.alpha = alpha;
        }

        /** How many subjects have a window (for tests: bounded by the chains' steps, not by time). */
        int size() {
            return windows.size();
        }

        /** Counts one observation of {@code subject}; returns the window it completed, or {@code null}. */
        Closed add(String subject, boolean hit) {
            RateWindow w = windows.computeIfAbsent(subject, s -> new RateWindow(size, alpha));
            synchronized (w) {
                return w.add(hit);
            }
        }
    }

    private final int size;
    private final Ewma baseline;
    private int seen;
    private int hits;

    RateWindow(int size, double alpha) {
        this.size = size;
        this.baseline = new Ewma(alpha);
    }

    /** Counts one observation; returns the window it completed, or {@code null} while the window is still open. */
    Closed add(boolean hit) {
        seen++;
        if (hit) {
            hits++;
        }
        if (seen < size) {
            return null;
        }
        Closed closed = new Closed(hits, size, baseline.mean(), baseline.count());
        baseline.add(closed.share());
        seen = 0;
        hits = 0;
        return closed;
    }
}
