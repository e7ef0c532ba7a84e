package dev.cascade.examples.outage;

import java.util.Objects;

/**
 * What a strategy did with one request: which step answered it (or took it for human review), or nothing.
 *
 * @param answeredBy the step's name; {@code null} when the request was lost
 * @param costNanoUsd what the model calls of this request cost, in 10^-9 USD
 */
public record Handled(String answeredBy, long costNanoUsd) {

    /** Answered (or queued for review) by {@code step}. */
    public static Handled by(String step, long costNanoUsd) {
        return new Handled(Objects.requireNonNull(step, "step"), costNanoUsd);
    }

    /** No answer and no review item. */
    public static Handled lost(long costNanoUsd) {
        return new Handled(null, costNanoUsd);
    }

    public boolean isLost() {
        return answeredBy == null;
    }
}
