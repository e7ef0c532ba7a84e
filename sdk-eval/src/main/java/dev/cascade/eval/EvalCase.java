package dev.cascade.eval;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One labelled case of a {@link Dataset}: an input, the answer or label expected for it, and tags that group the
 * results ({@code edge}, {@code adversarial}, a category...). Immutable.
 *
 * @param id         unique within its data set; results are keyed by it
 * @param input      the input text (a chain's input is mapped from the whole case, see
 *                   {@link Evaluation.Builder#input})
 * @param expected   the expected answer or label; {@code null} when the case has none (then it is run but not scored)
 * @param tags       tags, possibly empty; never null
 * @param template   the prompt template id the case exercises, or {@code null}
 * @param attributes any other fields of the case's line or row, as text (e.g. a customer tier); never null
 */
public record EvalCase(String id, String input, String expected, Set<String> tags, String template,
                       Map<String, String> attributes) {

    public EvalCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(input, "input");
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** A case with no tags, template or attributes. */
    public static EvalCase of(String id, String input, String expected, String... tags) {
        return new EvalCase(id, input, expected, Set.of(tags), null, Map.of());
    }

    /** Whether the case carries {@code tag}. */
    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }
}
