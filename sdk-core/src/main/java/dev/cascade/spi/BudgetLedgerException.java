package dev.cascade.spi;

import dev.cascade.api.CascadeException;

/**
 * The budget ledger itself failed: a database error, or a run of conflicts that outlasted the ledger's own retries.
 * Part of the {@link BudgetLedger} contract; not a refusal (a limit that refuses a reservation is a return value).
 *
 * <p><b>Did it happen?</b> For {@link BudgetLedger#reserve}: unknown; a chain treats it as a refusal and skips the
 * step (a hold that did commit stays open until released, e.g. by {@code JdbcBudgetLedger.releaseOpenOlderThan}). For
 * {@link BudgetLedger#settle} and {@link BudgetLedger#release}: unknown; retrying is safe, as a settle that already
 * happened is refused with {@link IllegalStateException} and changes nothing. Reads ({@code balance},
 * {@code openReservations}) change nothing and may be retried freely. The message names the operation and the
 * reservation or account, never money amounts from other tenants. Immutable.
 */
public class BudgetLedgerException extends CascadeException {
    private static final long serialVersionUID = 1L;

    public BudgetLedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
