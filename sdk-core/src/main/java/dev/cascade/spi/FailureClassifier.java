package dev.cascade.spi;

import dev.cascade.api.FailureKind;

import java.time.Duration;

/**
 * Maps what a {@link ModelClient} threw onto a {@link FailureKind}. A chain's classifiers are asked in order; the
 * first non-null answer wins, and the built-in one runs last: it understands {@link ModelCallException}, timeouts,
 * and connection errors, and calls everything else {@code UNAVAILABLE}.
 */
@FunctionalInterface
public interface FailureClassifier {

    /** How a failure was classified: its kind and the Retry-After the provider sent, if any. */
    record Classification(FailureKind kind, Duration retryAfter) {
        public static Classification of(FailureKind kind) {
            return new Classification(kind, null);
        }
    }

    /**
     * @param error what the client threw (never null)
     * @return the classification, or {@code null} to let the next classifier decide
     */
    Classification classify(Throwable error);
}
