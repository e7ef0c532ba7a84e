package dev.cascade.jdbc;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * The databases Cascade's JDBC stores ({@code JdbcBudgetLedger}, {@code JdbcReviewStore}) support, told apart by
 * {@code DatabaseMetaData.getDatabaseProductName()}, and the error codes they share. Each store keeps its own dialect
 * (its statements) on top of this. Not API.
 */
public enum JdbcDatabase {
    // serialization_failure, deadlock_detected, lock_not_available (a lock_timeout set by the application)
    POSTGRESQL(Set.of("40001", "40P01", "55P03")),
    // deadlock (40001), lock timeout (HYT00), concurrent update of the same row (90131)
    H2(Set.of("40001", "HYT00", "90131"));

    private final Set<String> retryableStates;

    JdbcDatabase(Set<String> retryableStates) {
        this.retryableStates = retryableStates;
    }

    /**
     * The database of a product name, as {@code DatabaseMetaData.getDatabaseProductName()} reports it.
     *
     * @param client the class named in the refusal ("JdbcBudgetLedger supports PostgreSQL and H2, ...")
     * @throws IllegalArgumentException for any other database
     */
    public static JdbcDatabase of(String productName, String client) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (p.equals("h2")) {
            return H2;
        }
        throw new IllegalArgumentException(client + " supports PostgreSQL and H2, but the DataSource is '"
                + productName + "'");
    }

    /** Whether {@code e}'s own SQLSTATE says it failed only because of a concurrent transaction (no chain walked). */
    public boolean retryableState(SQLException e) {
        return e.getSQLState() != null && retryableStates.contains(e.getSQLState());
    }

    /** A unique-key violation: SQLSTATE 23505 on both databases, anywhere in the next-exception chain. */
    public static boolean uniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if ("23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
