package dev.cascade.event;

/**
 * A watcher saw something unusual: a spend spike, an error rate above its threshold, an acceptance rate in decline.
 *
 * @param watcher  which watcher ({@code spend}, {@code error-rate}, {@code acceptance-rate})
 * @param subject  what it watches, e.g. a budget account or {@code chain/step}
 * @param value    the observed value (dollars, or a rate in [0, 1])
 * @param baseline what was expected (the EWMA of earlier periods, or the threshold)
 * @param message  a human-readable explanation
 */
public record Anomaly(String watcher, String subject, double value, double baseline, String message) {
}
