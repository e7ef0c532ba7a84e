package dev.cascade.examples.outage;

import java.util.Locale;

/**
 * A customer support ticket: the input every strategy answers.
 *
 * @param id   a sequence number
 * @param text what the customer wrote
 */
public record Ticket(long id, String text) {

    /** Whether the text contains {@code word}, ignoring case. */
    public boolean mentions(String word) {
        return text.toLowerCase(Locale.ROOT).contains(word);
    }
}
