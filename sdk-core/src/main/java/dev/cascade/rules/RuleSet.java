package dev.cascade.rules;

import dev.cascade.api.CascadeConfigurationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Ordered rules; the first whose condition holds answers, and when none holds the input passes to the next step.
 * Built with {@link #firstMatch()}; a built rule set is immutable and thread-safe.
 *
 * <pre>{@code
 * RuleSet<Ticket, Reply> faq = RuleSet.<Ticket, Reply>firstMatch()
 *     .rule("password-reset", t -> t.mentions("password"), t -> Reply.canned("reset-link"))
 *     .build();
 * }</pre>
 */
public final class RuleSet<I, O> {

    /** A rule's answer, with the rule that gave it. */
    public record Match<O>(String rule, O answer) {
    }

    private final List<Rule<I, O>> rules;

    private RuleSet(List<Rule<I, O>> rules) {
        this.rules = List.copyOf(rules);
    }

    /** A builder of first-match rules. Not thread-safe; {@code build()} copies. */
    public static <I, O> Builder<I, O> firstMatch() {
        return new Builder<>();
    }

    public List<Rule<I, O>> rules() {
        return rules;
    }

    /**
     * The first matching rule's answer, or empty. A rule whose condition or answer throws, or whose answer is
     * {@code null}, is an error of that rule: the exception propagates to the step, which records it.
     */
    public Optional<Match<O>> evaluate(I input) {
        for (Rule<I, O> rule : rules) {
            if (rule.when().test(input)) {
                O answer = rule.then().apply(input);
                if (answer == null) {
                    throw new IllegalStateException("rule '" + rule.name() + "' matched but answered null");
                }
                return Optional.of(new Match<>(rule.name(), answer));
            }
        }
        return Optional.empty();
    }

    /** Builds a {@link RuleSet}. */
    public static final class Builder<I, O> {
        private final List<Rule<I, O>> rules = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        private Builder() {
        }

        /** Adds a rule after the ones already added. Names must be unique. */
        public Builder<I, O> rule(String name, Predicate<? super I> when, Function<? super I, ? extends O> then) {
            Rule<I, O> rule = new Rule<>(name, when, then);
            if (!names.add(name)) {
                throw new CascadeConfigurationException("rules[" + rules.size() + "].name", name,
                        "duplicate rule name '" + name + "'", "give each rule of the set a distinct name");
            }
            rules.add(rule);
            return this;
        }

        /** The rule set. At least one rule is required. */
        public RuleSet<I, O> build() {
            if (rules.isEmpty()) {
                throw new CascadeConfigurationException("rules", null, "a rule set needs at least one rule",
                        "add a rule with rule(name, when, then)");
            }
            return new RuleSet<>(rules);
        }
    }
}
