package dev.cascade.config;

import dev.cascade.api.CascadeConfigurationException;
import java.util.Objects;

/**
 * A model step's bulkhead: at most {@link #maxConcurrentCalls()} calls of the step in flight at once, an immutable
 * value set with {@link ModelStepSpec.Builder#bulkhead}. A call beyond the limit is not made: the step is skipped at
 * once ({@code BULKHEAD_FULL}) and the next step answers; Cascade never waits for room. A call counts until it really
 * ends: one the step's timeout gave up on while the client was still running (a client that ignores interrupts) keeps
 * its place, so a hanging provider can tie up at most this many threads.
 *
 * <p>Backed by a resilience4j {@code SemaphoreBulkhead} with a zero wait, kept in the chain's
 * {@link dev.cascade.CascadeRegistries} under the step's resource name, so steps of several chains that call the same
 * model (and share registries) share one limit. Two specs are equal when every option is: steps sharing one bulkhead
 * must agree on it. Immutable and thread-safe; its {@link Builder} is not thread-safe.
 *
 * <p>Defaults: {@value #DEFAULT_MAX_CONCURRENT_CALLS} concurrent calls (resilience4j's own default).
 */
public final class BulkheadSpec {
    /** Default {@link #maxConcurrentCalls()}: 25, resilience4j's own default. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 25;

    private static final BulkheadSpec DEFAULTS = new Builder().build();

    private final int maxConcurrentCalls;

    private BulkheadSpec(Builder b) {
        this.maxConcurrentCalls = b.maxConcurrentCalls;
    }

    /** A spec with every default. */
    public static BulkheadSpec ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(BulkheadSpec base) {
        Objects.requireNonNull(base, "base");
        return new Builder().maxConcurrentCalls(base.maxConcurrentCalls);
    }

    /** How many calls of the step may be in flight at once. */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BulkheadSpec b && b.maxConcurrentCalls == maxConcurrentCalls;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(maxConcurrentCalls);
    }

    @Override
    public String toString() {
        return "bulkhead(" + maxConcurrentCalls + " concurrent calls)";
    }

    /**
     * Builds a {@link BulkheadSpec}. Each setter checks its value at once, throwing
     * {@link CascadeConfigurationException} with a path under {@code bulkhead}. Not thread-safe; reusable.
     */
    public static final class Builder {
        private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;

        Builder() {
        }

        /** Calls in flight at once. Default {@value BulkheadSpec#DEFAULT_MAX_CONCURRENT_CALLS}. Must be >= 1. */
        public Builder maxConcurrentCalls(int value) {
            if (value < 1) {
                throw new CascadeConfigurationException("bulkhead.maxConcurrentCalls", value,
                        "must be >= 1, was " + value, "use 1 or more; to let a step call without a bound, leave its"
                        + " bulkhead out");
            }
            this.maxConcurrentCalls = value;
            return this;
        }

        /** The spec. */
        public BulkheadSpec build() {
            return new BulkheadSpec(this);
        }
    }
}
