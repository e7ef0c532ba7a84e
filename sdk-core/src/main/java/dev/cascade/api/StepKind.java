package dev.cascade.api;

/** The kinds of step a chain is made of. */
public enum StepKind {
    /** Calls a model through a {@link dev.cascade.spi.ModelClient}, with its own resilience policies. */
    MODEL,
    /** Ordered rules; the first that matches answers, none matching passes the input on. */
    RULES,
    /** Any function of the input that answers or passes. */
    CUSTOM,
    /** Hands the input to people through a {@link dev.cascade.spi.ReviewQueue}; always the last step. */
    HUMAN_REVIEW
}
