package dev.cascade.budget;

/** Whose money a limit caps. Per-request ceilings are set separately ({@link Budget.Builder#perRequest}). */
public enum Scope {
    /** One chain, by name. */
    CHAIN,
    /** One tenant, from {@link dev.cascade.api.CallContext#tenant()}; executions with no tenant are not capped by it. */
    TENANT,
    /** Everything that uses this budget. */
    GLOBAL
}
