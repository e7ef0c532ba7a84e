package dev.cascade.budget;

import dev.cascade.jdbc.JdbcDatabase;
import dev.cascade.jdbc.JdbcTransactions;

import java.sql.SQLException;

/**
 * The few statements in which the databases {@link JdbcBudgetLedger} supports differ. Everything else is plain SQL
 * both accept; which database it is, and its error codes, are {@link JdbcDatabase}'s.
 */
enum SqlDialect implements JdbcTransactions.Dialect {
    POSTGRESQL(JdbcDatabase.POSTGRESQL,
            // Atomic upsert: waits for a concurrent inserter of the same key, then does nothing.
            "INSERT INTO cascade_budget_account (account, spent_micros, reserved_micros, window_end)"
                    + " VALUES (?, 0, 0, ?) ON CONFLICT (account) DO NOTHING",
            "CURRENT_TIMESTAMP - (? * INTERVAL '1 millisecond')"),
    H2(JdbcDatabase.H2,
            // H2's MERGE ... KEY would overwrite spent and reserved; the standard MERGE inserts only when missing.
            "MERGE INTO cascade_budget_account t USING (VALUES (CAST(? AS VARCHAR(512)),"
                    + " CAST(? AS TIMESTAMP WITH TIME ZONE))) s(account, window_end)"
                    + " ON t.account = s.account"
                    + " WHEN NOT MATCHED THEN INSERT (account, spent_micros, reserved_micros, window_end)"
                    + " VALUES (s.account, 0, 0, s.window_end)",
            "DATEADD(MILLISECOND, -CAST(? AS BIGINT), CURRENT_TIMESTAMP)");

    private final JdbcDatabase database;
    /** Inserts an account row with zeros unless it exists. Parameters: the account, its window end (or null). */
    final String ensureAccount;
    /** A timestamp {@code ?} milliseconds before the database's now. */
    final String millisAgo;

    SqlDialect(JdbcDatabase database, String ensureAccount, String millisAgo) {
        this.database = database;
        this.ensureAccount = ensureAccount;
        this.millisAgo = millisAgo;
    }

    /** The dialect of a database product name, as {@code DatabaseMetaData.getDatabaseProductName()} reports it. */
    static SqlDialect of(String productName) {
        return JdbcDatabase.of(productName, "JdbcBudgetLedger") == JdbcDatabase.POSTGRESQL ? POSTGRESQL : H2;
    }

    /**
     * Whether the transaction failed only because of a concurrent one, so running it again may succeed: a retryable
     * SQLSTATE on an exception of the next-exception chain or on its direct cause. (The review store's dialect
     * follows the cause chain instead; kept apart so neither store's retries change.)
     */
    @Override
    public boolean retryable(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (database.retryableState(s)) {
                return true;
            }
            if (s.getCause() instanceof SQLException cause && cause != s && database.retryableState(cause)) {
                return true;
            }
        }
        return false;
    }
}
