package dev.cascade.review;

import dev.cascade.api.CascadeConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DurableReviewQueue} files the items it submits: their priority, their SLA, and what happens when the
 * SLA passes. Immutable and thread-safe.
 *
 * <pre>{@code
 * ReviewPolicy.builder().priority(10).sla(Duration.ofHours(4)).onBreach(Breach.EXPIRE)
 *     .defaultAnswer("We will get back to you within a day.").build();
 * }</pre>
 *
 * @param priority      higher is claimed first; default 0
 * @param sla           how long an item may wait for a decision; {@code null} (the default) for no SLA
 * @param onBreach      what an SLA breach does; default {@link Breach#ESCALATE}
 * @param defaultAnswer the answer (as text, for the output codec) an {@code EXPIRED} item gives its caller;
 *                      {@code null} (the default) means an expiry is a rejection
 */
public record ReviewPolicy(int priority, Duration sla, Breach onBreach, String defaultAnswer) {

    /** No SLA, priority 0. */
    public static final ReviewPolicy DEFAULT = new ReviewPolicy(0, null, Breach.ESCALATE, null);

    /** What an SLA breach does to an item nobody has decided. */
    public enum Breach {
        /** Flag it {@code ESCALATED} and raise its priority by {@link ReviewItem#ESCALATION_BOOST}; still claimable. */
        ESCALATE,
        /** Make it {@code EXPIRED} (final) with the default answer, or none. */
        EXPIRE
    }

    public ReviewPolicy {
        if (sla != null && (sla.isNegative() || sla.isZero())) {
            throw new CascadeConfigurationException("review.sla", sla, "must be > 0, was " + sla,
                    "use a positive duration such as Duration.ofHours(4), or no SLA");
        }
        Objects.requireNonNull(onBreach, "onBreach");
    }

    /** A builder starting from {@link #DEFAULT}. Not thread-safe; reusable ({@code build()} copies). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ReviewPolicy}. */
    public static final class Builder {
        private int priority;
        private Duration sla;
        private Breach onBreach = Breach.ESCALATE;
        private String defaultAnswer;

        private Builder() {
        }

        /** Higher is claimed first. Default 0. */
        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        /** How long an item may wait; must be > 0. Default: no SLA. */
        public Builder sla(Duration sla) {
            if (sla == null || sla.isNegative() || sla.isZero()) {
                throw new CascadeConfigurationException("review.sla", sla, "must be > 0, was " + sla,
                    "use a positive duration such as Duration.ofHours(4), or no SLA");
            }
            this.sla = sla;
            return this;
        }

        /** What a breach does. Default {@link Breach#ESCALATE}. */
        public Builder onBreach(Breach onBreach) {
            this.onBreach = Objects.requireNonNull(onBreach, "onBreach");
            return this;
        }

        /** The answer text an expired item gives; {@code null} (default): an expiry is a rejection. */
        public Builder defaultAnswer(String defaultAnswer) {
            this.defaultAnswer = defaultAnswer;
            return this;
        }

        public ReviewPolicy build() {
            return new ReviewPolicy(priority, sla, onBreach, defaultAnswer);
        }
    }
}
