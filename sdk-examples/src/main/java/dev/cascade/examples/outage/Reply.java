package dev.cascade.examples.outage;

/**
 * An answer to a {@link Ticket}.
 *
 * @param text   the reply text
 * @param source where it came from: a model name, or the FAQ rule that matched
 */
public record Reply(String text, String source) {
}
