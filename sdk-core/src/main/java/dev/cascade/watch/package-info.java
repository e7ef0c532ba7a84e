/**
 * Listeners that watch a chain's health and report an {@link dev.cascade.event.Anomaly} when it drifts: the
 * failure rate of a step ({@link dev.cascade.watch.ErrorRateWatcher}) and how often a model's answers are
 * accepted ({@link dev.cascade.watch.AcceptanceRateWatcher}). The spend watcher, which is about money, stays in
 * {@code dev.cascade.budget}. Each watcher is thread-safe.
 */
package dev.cascade.watch;
