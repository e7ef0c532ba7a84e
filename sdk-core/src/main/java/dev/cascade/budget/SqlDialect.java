package dev.cascade.budget;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * The few statements and error codes in which the databases {@link JdbcBudgetLedger} supports differ. Everything
 * else is plain SQL both accept.
 */
enum SqlDialect {
    POSTGRESQL(
            // Atomic upsert: waits for a concurrent inserter of the same key, then does nothing.
            "INSERT INTO cascade_budget_account (account, spent_micros, reserved_micros) VALUES (?, 0, 0)"
                    + " ON CONFLICT (account) DO NOTHING",
            "CURRENT_TIMESTAMP - (? * INTERVAL '1 millisecond')",
            // serialization_failure, deadlock_detected, lock_not_available (a lock_timeout set by the application)
            Set.of("40001", "40P01", "55P03")),
    H2(
            // H2's MERGE ... KEY would overwrite spent and reserved; the standard MERGE inserts only when missing.
            "MERGE INTO cascade_budget_account t USING (VALUES (CAST(? AS VARCHAR(512)))) s(account)"
                    + " ON t.account = s.account"
                    + " WHEN NOT MATCHED THEN INSERT (account, spent_micros, reserved_micros) VALUES (s.account, 0, 0)",
            "DATEADD(MILLISECOND, -CAST(? AS BIGINT), CURRENT_TIMESTAMP)",
            // deadlock (40001), lock timeout (HYT00), concurrent update of the same row (90131)
            Set.of("40001", "HYT00", "90131"));

    /** Inserts an account row with zeros unless it exists. One parameter: the account. */
    final String ensureAccount;
    /** A timestamp {@code ?} milliseconds before the database's now. */
    final String millisAgo;
    private final Set<String> retryableStates;

    SqlDialect(String ensureAccount, String millisAgo, Set<String> retryableStates) {
        this.ensureAccount = ensureAccount;
        this.millisAgo = millisAgo;
        this.retryableStates = retryableStates;
    }

    /** The dialect of a database product name, as {@code DatabaseMetaData.getDatabaseProductName()} reports it. */
    static SqlDialect of(String productName) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (p.equals("h2")) {
            return H2;
        }
        throw new IllegalArgumentException("JdbcBudgetLedger supports PostgreSQL and H2, but the DataSource is '"
                + productName + "'");
    }

    /** Whether the transaction failed only because of a concurrent one, so running it again may succeed. */
    boolean retryable(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s.getSQLState() != null && retryableStates.contains(s.getSQLState())) {
                return true;
            }
            if (s.getCause() instanceof SQLException cause && cause != s && isRetryableState(cause)) {
                return true;
            }
        }
        return false;
    }

    private boolean isRetryableState(SQLException e) {
        return e.getSQLState() != null && retryableStates.contains(e.getSQLState());
    }

    /** A unique-key violation: SQLSTATE 23505 on both databases. */
    static boolean uniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if ("23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
