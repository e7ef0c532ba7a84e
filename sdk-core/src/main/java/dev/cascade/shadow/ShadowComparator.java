package dev.cascade.shadow;

import java.util.Objects;

/**
 * Scores a shadow candidate's answer against the answer the chain returned: 1 for full agreement, 0 for none, or
 * anything between. An evaluation {@code Scorer} (cascade-eval) scores an output against a labelled
 * case, so it is adapted with a lambda that makes the chain's answer the expected one (see the evaluation docs). Must be thread-safe (it runs on the candidate's worker threads) and must
 * not return {@code NaN} or a value outside [0, 1] (such a comparison is counted as an error).
 *
 * @param <O> the chain's output type
 */
@FunctionalInterface
public interface ShadowComparator<O> {

    /**
     * @param chainAnswer     what the chain returned to its caller
     * @param candidateAnswer what the candidate's answer parsed to
     * @return a score in [0, 1]
     */
    double score(O chainAnswer, O candidateAnswer);

    /** The default: 1 when the answers are {@link Objects#equals equal}, else 0. */
    static <O> ShadowComparator<O> equality() {
        return (a, b) -> Objects.equals(a, b) ? 1.0 : 0.0;
    }

    /** A yes/no comparison: 1 when {@code agree} holds, else 0. */
    static <O> ShadowComparator<O> of(java.util.function.BiPredicate<? super O, ? super O> agree) {
        Objects.requireNonNull(agree, "agree");
        return (a, b) -> agree.test(a, b) ? 1.0 : 0.0;
    }
}
