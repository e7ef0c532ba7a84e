package dev.cascade.review;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * Where PostgreSQL and H2 differ for {@link JdbcReviewStore}. The budget ledger's {@code SqlDialect} holds its own
 * tables' statements and stays package-private there; the review store needs only the error codes and one choice:
 * how to claim.
 *
 * <p><b>Claims.</b> PostgreSQL claims with one statement: {@code FOR UPDATE SKIP LOCKED} in a CTE feeding an
 * {@code UPDATE ... FROM}, so concurrent reviewers each lock a different row and never wait on each other. H2 2.x
 * parses {@code FOR UPDATE SKIP LOCKED}, but with an {@code ORDER BY} a second session behind a locked first row got no
 * row at all instead of the next unlocked one (tried on H2 2.5.252), and H2 has no {@code UPDATE ... FROM}. So on H2 a
 * claim reads a few candidates without locking and takes the first with an optimistic update
 * ({@code ... WHERE id = ? AND version = ?}); a claimer that loses the race to a row moves on to the next.
 */
enum ReviewDialect {
    // serialization_failure, deadlock_detected, lock_not_available
    POSTGRESQL(true, Set.of("40001", "40P01", "55P03")),
    // deadlock, lock timeout, concurrent update of the same row
    H2(false, Set.of("40001", "HYT00", "90131"));

    /** Whether claims use {@code FOR UPDATE SKIP LOCKED} (else: optimistic version-checked updates). */
    final boolean skipLocked;
    private final Set<String> retryableStates;

    ReviewDialect(boolean skipLocked, Set<String> retryableStates) {
        this.skipLocked = skipLocked;
        this.retryableStates = retryableStates;
    }

    static ReviewDialect of(String productName) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (p.equals("h2")) {
            return H2;
        }
        throw new IllegalArgumentException("JdbcReviewStore supports PostgreSQL and H2, but the DataSource is '"
                + productName + "'");
    }

    /** Whether the transaction failed only because of a concurrent one, so running it again may succeed. */
    boolean retryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && retryableStates.contains(s.getSQLState())) {
                return true;
            }
        }
        return false;
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
