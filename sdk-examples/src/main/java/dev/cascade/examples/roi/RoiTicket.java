package dev.cascade.examples.roi;

import java.util.List;
import java.util.Objects;

/**
 * One labelled support ticket of the ROI demo's data set ({@code roi/tickets.jsonl}): what the customer wrote, the
 * category a careful human gave it, its tags ({@code edge}, {@code adversarial} and a sub-kind such as
 * {@code prompt-injection}, {@code mixed-language}, {@code empty-ish}, {@code long}, {@code misleading}) and the prompt
 * template the ticket's channel uses. Immutable.
 *
 * @param id       stable id, e.g. {@code T0042}
 * @param text     the customer's words, as the model sees them
 * @param expected the right category, one of {@link Categories#ALL}
 * @param tags     tags, empty for a plain ticket
 * @param template the prompt template id, e.g. {@code chat-v2}
 */
public record RoiTicket(String id, String text, String expected, List<String> tags, String template) {

    public RoiTicket {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(expected, "expected");
        tags = List.copyOf(tags);
        Objects.requireNonNull(template, "template");
    }

    /** How hard the ticket is for a model: adversarial beats edge beats plain. */
    public Difficulty difficulty() {
        if (tags.contains("adversarial")) {
            return Difficulty.ADVERSARIAL;
        }
        return tags.contains("edge") ? Difficulty.EDGE : Difficulty.PLAIN;
    }

    /** The difficulty classes the simulated models' {@link AccuracyProfile accuracy profiles} are given for. */
    public enum Difficulty { PLAIN, EDGE, ADVERSARIAL }
}
