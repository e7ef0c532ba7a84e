package dev.cascade.eval;

/**
 * Judges a chain's answer against a case's expectation. The ready-made kinds are in {@link Scorers}: exact label,
 * normalised text, a JSON field, numeric tolerance, any lambda ({@link Scorers#custom}), and an LLM-as-judge
 * ({@link Scorers#llmJudge}) that should be combined with one of the others, never be the only check.
 *
 * <p>Called only for answered cases whose {@link EvalCase#expected()} is set. Implementations must be thread-safe
 * (an evaluation scores cases concurrently). A scorer that throws scores the case 0, failing, with the exception's
 * type as detail.
 *
 * @param <O> the chain's output type
 */
@FunctionalInterface
public interface Scorer<O> {

    /** Scores {@code answer}, the chain's output for {@code testCase}. */
    Score score(EvalCase testCase, O answer);

    /** A short name for reports; the class's simple name by default. */
    default String name() {
        return getClass().getSimpleName();
    }
}
