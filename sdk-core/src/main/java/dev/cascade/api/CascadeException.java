package dev.cascade.api;

/**
 * The one exception family for "the chain could not answer". Thrown only at the edge, and only when the caller
 * asks for it ({@link Outcome#orElseThrow()}); inside the chain, failures are values ({@link Attempt}).
 * Carries the chain, the last step tried and the reason.
 */
public class CascadeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String chain;
    private final String step;
    private final FailureKind kind;

    public CascadeException(String chain, String step, FailureKind kind, String message) {
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
