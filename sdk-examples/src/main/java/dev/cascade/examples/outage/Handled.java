package dev.cascade.examples.outage;

import dev.cascade.api.Money;

import java.util.List;
import java.util.Objects;

/**
 * What a strategy did with one request: which step answered it (or took it for human review), or nothing.
 *
 * @param answeredBy      the step's name; {@code null} when the request was lost
 * @param cost            what the model calls of this request cost
 * @param overBudgetSkips the steps a budget skipped with {@code OVER_BUDGET}, once per skip (empty without a budget)
 */
public record Handled(String answeredBy, Money cost, List<String> overBudgetSkips) {

    public Handled {
        Objects.requireNonNull(cost, "cost");
        overBudgetSkips = List.copyOf(overBudgetSkips);
    }

    /** Answered (or queued for review) by {@code step}. */
    public static Handled by(String step, Money cost) {
        return new Handled(Objects.requireNonNull(step, "step"), cost, List.of());
    }

    /** No answer and no review item. */
    public static Handled lost(Money cost) {
        return new Handled(null, cost, List.of());
    }

    /** A copy that records the steps a budget skipped. */
    public Handled withOverBudgetSkips(List<String> steps) {
        return new Handled(answeredBy, cost, steps);
    }

    public boolean isLost() {
        return answeredBy == null;
    }
}
