package dev.cascade.config;

import dev.cascade.CascadeRegistries;
import dev.cascade.api.FailureKind;
import java.util.Objects;

/**
 * A model step's bulkhead: at most {@link #maxConcurrentCalls()} calls of the step in flight at once, set with
 * {@link ModelStepSpec#bulkhead}. A call beyond the limit is not made: the step is skipped at once
 * ({@link FailureKind#BULKHEAD_FULL}) and the next step answers; Cascade never waits for room. A call counts until it
 * really ends: one the step's timeout gave up on while the client was still running (a client that ignores
 * interrupts) keeps its place, so a hanging provider can tie up at most this many threads.
 *
 * <p>Backed by a resilience4j {@code SemaphoreBulkhead} kept in the chain's {@link CascadeRegistries} under the step's
 * resource name, so steps of several chains that call the same model (and share registries) share one limit.
 *
 * <p>Immutable and thread-safe; one spec may be given to many steps. Build one with {@link #builder()},
 * {@link #from(BulkheadSpec)} or take {@link #ofDefaults()}. Equal specs are interchangeable.
 */
public final class BulkheadSpec {
    /** The default {@link #maxConcurrentCalls()}: 25, resilience4j's own default. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 25;

    private static final BulkheadSpec DEFAULTS = new BulkheadSpec(DEFAULT_MAX_CONCURRENT_CALLS);

    private final int maxConcurrentCalls;

    private BulkheadSpec(int maxConcurrentCalls) {
        this.maxConcurrentCalls = maxConcurrentCalls;
    }

    /** A bulkhead of {@value #DEFAULT_MAX_CONCURRENT_CALLS} concurrent calls. */
    public static BulkheadSpec ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(BulkheadSpec base) {
        return new Builder(Objects.requireNonNull(base, "base"));
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

    /** Builds a {@link BulkheadSpec}. Not thread-safe; {@link #build()} may be called again after further changes. */
    public static final class Builder {
        private int maxConcurrentCalls;

        private Builder(BulkheadSpec base) {
            this.maxConcurrentCalls = base.maxConcurrentCalls;
        }

        /** Calls in flight at once. Default {@value BulkheadSpec#DEFAULT_MAX_CONCURRENT_CALLS}. Must be >= 1. */
        public Builder maxConcurrentCalls(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("bulkhead.maxConcurrentCalls must be >= 1, was " + value
                        + "; to let a step call without a bound, leave its bulkhead out");
            }
            this.maxConcurrentCalls = value;
            return this;
        }

        public BulkheadSpec build() {
            return maxConcurrentCalls == DEFAULT_MAX_CONCURRENT_CALLS ? DEFAULTS : new BulkheadSpec(maxConcurrentCalls);
        }
    }
}
