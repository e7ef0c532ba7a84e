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
                    + " VALUES (?, 0, 0, ?) ON CONFLICT (account) DO NOTHING"),
    H2(JdbcDatabase.H2,
            // H2's MERGE ... KEY would overwrite spent and reserved; the standard MERGE inserts only when missing.
            "MERGE INTO cascade_budget_account t USING (VALUES (CAST(? AS VARCHAR(512)),"
                    + " CAST(? AS TIMESTAMP WITH TIME ZONE))) s(account, window_end)"
                    + " ON t.account = s.account"
                    + " WHEN NOT MATCHED THEN INSERT (account, spent_micros, reserved_micros, window_end)"
                    + " VALUES (s.account, 0, 0, s.window_end)");

    private final JdbcDatabase database;
    /** Inserts an account row with zeros unless it exists. Parameters: the account, its window end (or null). */
    final String ensureAccount;

    SqlDialect(JdbcDatabase database, String ensureAccount) {
        this.database = database;
        this.ensureAccount = ensureAccount;
    }

    /** The dialect of a database product name, as {@code DatabaseMetaData.getDatabaseProductName()} reports it. */
    static SqlDialect of(String productName) {
        return JdbcDatabase.of(productName, "JdbcBudgetLedger") == JdbcDatabase.POSTGRESQL ? POSTGRESQL : H2;
    }

    @Override
    public JdbcDatabase database() {
        return database;
    }
}
