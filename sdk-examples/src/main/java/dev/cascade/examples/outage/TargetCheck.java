package dev.cascade.examples.outage;

/**
 * One target of the demo and whether this run met it.
 *
 * @param key         a stable identifier, used in the JSON output
 * @param description what the target demands
 * @param passed      whether this run met it
 * @param detail      the measured values behind the verdict
 */
public record TargetCheck(String key, String description, boolean passed, String detail) {
}
