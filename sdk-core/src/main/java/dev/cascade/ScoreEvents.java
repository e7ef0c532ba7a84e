package dev.cascade;

import dev.cascade.api.Outcome;

/** The checks of {@link Cascade#recordScore}, shared by the interface's default and the built chain. Stateless. */
final class ScoreEvents {
    private ScoreEvents() {
    }

    /** Checks a {@link Cascade#recordScore} call and builds its event. */
    static <O> dev.cascade.event.ScoreRecorded of(Cascade<?, O> chain, Outcome<O> outcome,
                                                  double score, String source) {
        java.util.Objects.requireNonNull(outcome, "outcome");
        java.util.Objects.requireNonNull(source, "source");
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be in [0, 1], was " + score + "; map your scorer's"
                    + " scale onto [0, 1] (e.g. 4 of 5 stars = 0.8)");
        }
        if (source.isBlank()) {
            throw new IllegalArgumentException("source must name the scorer, e.g. \"exact-label\", was blank");
        }
        if (!outcome.chain().equals(chain.name())) {
            throw new IllegalArgumentException("outcome is of chain '" + outcome.chain() + "', not '" + chain.name()
                    + "'; record the score on the chain that produced it");
        }
        return new dev.cascade.event.ScoreRecorded(outcome.chain(), outcome.executionId(),
                outcome.templateId().orElse(null), score, source);
    }
}
