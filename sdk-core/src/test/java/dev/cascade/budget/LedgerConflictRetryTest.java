package dev.cascade.budget;

import dev.cascade.jdbc.ConflictRetryContract;
import dev.cascade.jdbc.JdbcTransactions;

/** The budget ledger's transactions keep the shared conflict-retry rule. */
class LedgerConflictRetryTest extends ConflictRetryContract {
    private final JdbcTransactions<SqlDialect> tx =
            new JdbcTransactions<>(h2, SqlDialect::of, "budget ledger", 3, IllegalStateException::new);

    @Override
    protected JdbcTransactions<?> transactions() {
        return tx;
    }

    @Override
    protected String storeName() {
        return "budget ledger";
    }
}
