package dev.cascade.jdbc;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The databases Cascade's JDBC stores ({@code JdbcBudgetLedger}, {@code JdbcReviewStore}) support, told apart by
 * {@code DatabaseMetaData.getDatabaseProductName()}, and the one place that reads their error codes: which failures
 * are worth running again ({@link #retryable}), a unique-key violation, a schema-creation race. Each store keeps its own
 * dialect (its statements) on top of this. Not API.
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

    /**
     * Whether the transaction failed only because of a concurrent one, so running it again may succeed: a retryable
     * SQLSTATE on {@code e}, on any exception of its next-exception chain ({@link SQLException#getNextException()},
     * where drivers put the rest of a batch's errors), or anywhere in the cause chain of any of those (where pools and
     * wrappers put the driver's exception). Both JDBC stores retry on exactly this.
     */
    public boolean retryable(SQLException e) {
        return anyInChains(e, s -> s.getSQLState() != null && retryableStates.contains(s.getSQLState()));
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

    /**
     * Two instances creating the same schema at once: the loser fails on the catalog's unique key (23505), or with
     * "table/object already exists" (42P07, 42710), anywhere in the next-exception chain. Running again, it sees the
     * schema.
     */
    public static boolean createRace(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if ("23505".equals(state) || "42P07".equals(state) || "42710".equals(state)) {
                return true;
            }
        }
        return false;
    }

    /** Walks the next-exception chain and each one's cause chain, each exception once (chains can loop). */
    private static boolean anyInChains(SQLException e, Predicate<SQLException> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SQLException next = e; next != null && seen.add(next); next = next.getNextException()) {
            if (test.test(next)) {
                return true;
            }
            for (Throwable t = next.getCause(); t != null && seen.add(t); t = t.getCause()) {
                if (t instanceof SQLException s && test.test(s)) {
                    return true;
                }
            }
        }
        return false;
    }
}
