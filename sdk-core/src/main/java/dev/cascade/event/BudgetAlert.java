package dev.cascade.event;

import dev.cascade.api.Money;

/**
 * A budget crossed a line someone should know about.
 *
 * @param type    what happened
 * @param account the budget account (scope, window and window start), e.g. {@code chain:triage|DAY|2026-11-28}
 * @param spent   spent in the account so far
 * @param limit   the limit concerned (the soft limit for SOFT_LIMIT_CROSSED)
 * @param message a human-readable explanation
 */
public record BudgetAlert(Type type, String account, Money spent, Money limit, String message) {

    /** Kinds of budget alert. */
    public enum Type {
        /** Spending passed a soft limit (reported once per account). */
        SOFT_LIMIT_CROSSED,
        /** A provider reported more usage than the reservation's worst case (the estimator was too low). */
        RESERVATION_EXCEEDED,
        /** The ledger could not record a settle (e.g. the database was unreachable): the hold stays open. */
        SETTLE_FAILED,
        /**
         * A leasing ledger cannot reach its database: it keeps spending what it leased and retries (raised once per
         * outage; {@code account} is {@code ledger:<instance id>}, {@code limit} the money it holds in slices).
         */
        LEDGER_UNREACHABLE,
        /** A leasing ledger reached its database again after {@link #LEDGER_UNREACHABLE} and wrote what it spent. */
        LEDGER_RECONNECTED
    }
}
