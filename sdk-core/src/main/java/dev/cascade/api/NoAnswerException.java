package dev.cascade.api;

/**
 * The chain could not answer: every step it ran failed, was skipped or passed. Thrown only at the edge, and only when
 * the caller asks for it ({@link Outcome#orElseThrow()}); inside the chain, failures are values ({@link Attempt}).
 * Carries the chain, the last step tried and the reason. Immutable.
 */
public class NoAnswerException extends CascadeException {
    private static final long serialVersionUID = 1L;

    private final String chain;
    private final String step;
    private final FailureKind kind;

    public NoAnswerException(String chain, String step, FailureKind kind, String message) {
        super(message);
        this.chain = chain;
        this.step = step;
        this.kind = kind;
    }

    /** The chain's name. */
    public String chain() {
        return chain;
    }

    /** The last step the execution tried, or {@code null} if none. */
    public String step() {
        return step;
    }

    /** The last failure kind, or {@code null} if none was recorded. */
    public FailureKind kind() {
        return kind;
    }
}
