package dev.cascade.examples.outage;

/**
 * One storm variant's results: the requests of each phase, and what its last resort did over the whole run.
 *
 * @param name                 the variant's name ({@link StormVariant#OFF} or {@link StormVariant#ON})
 * @param description          a one-line description
 * @param stats                its requests, per phase
 * @param lastResorts          executions in which the last resort tried a step once more
 * @param answeredByLastResort of those, the ones it answered
 */
public record StormComparison(String name, String description, StrategyStats stats, long lastResorts,
                              long answeredByLastResort) {
}
