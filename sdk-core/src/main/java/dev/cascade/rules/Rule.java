package dev.cascade.rules;

import dev.cascade.api.CascadeConfigurationException;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One rule: when {@code when} holds for the input, {@code then} gives the answer. Rules never call out and should be
 * cheap. Immutable.
 *
 * @param name a name unique in its rule set; recorded as the answering rule
 */
public record Rule<I, O>(String name, Predicate<? super I> when, Function<? super I, ? extends O> then) {
    public Rule {
        if (name == null || name.isBlank()) {
            throw new CascadeConfigurationException("rule.name", name, "rule name must not be blank",
                    "give the rule a name; it is recorded as the answering rule");
        }
        Objects.requireNonNull(when, () -> "rule '" + name + "': when must not be null");
        Objects.requireNonNull(then, () -> "rule '" + name + "': then must not be null");
    }
}
