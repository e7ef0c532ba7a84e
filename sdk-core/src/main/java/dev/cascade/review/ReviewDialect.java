package dev.cascade.review;

import dev.cascade.jdbc.JdbcDatabase;
import dev.cascade.jdbc.JdbcTransactions;

import java.sql.SQLException;

/**
 * Where PostgreSQL and H2 differ for {@link JdbcReviewStore}: which database it is, and its error codes, are
 * {@link JdbcDatabase}'s; the budget ledger's {@code SqlDialect} holds its own tables' statements. The review store
 * needs one choice more: how to claim.
 *
 * <p><b>Claims.</b> PostgreSQL claims with one statement: {@code FOR UPDATE SKIP LOCKED} in a CTE feeding an
 * {@code UPDATE ... FROM}, so concurrent reviewers each lock a different row and never wait on each other. H2 2.x
 * parses {@code FOR UPDATE SKIP LOCKED}, but with an {@code ORDER BY} a second session behind a locked first row got no
 * row at all instead of the next unlocked one (tried on H2 2.5.252), and H2 has no {@code UPDATE ... FROM}. So on H2 a
 * claim reads a few candidates without locking and takes the first with an optimistic update
 * ({@code ... WHERE id = ? AND version = ?}); a claimer that loses the race to a row moves on to the next.
 */
enum ReviewDialect implements JdbcTransactions.Dialect {
    POSTGRESQL(JdbcDatabase.POSTGRESQL, true),
    H2(JdbcDatabase.H2, false);

    private final JdbcDatabase database;
    /** Whether claims use {@code FOR UPDATE SKIP LOCKED} (else: optimistic version-checked updates). */
    final boolean skipLocked;

    ReviewDialect(JdbcDatabase database, boolean skipLocked) {
        this.database = database;
        this.skipLocked = skipLocked;
    }

    static ReviewDialect of(String productName) {
        return JdbcDatabase.of(productName, "JdbcReviewStore") == JdbcDatabase.POSTGRESQL ? POSTGRESQL : H2;
    }

    /**
     * Whether the transaction failed only because of a concurrent one, so running it again may succeed: a retryable
     * SQLSTATE anywhere in the cause chain. (The budget ledger's dialect follows the next-exception chain instead;
     * kept apart so neither store's retries change.)
     */
    @Override
    public boolean retryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && database.retryableState(s)) {
                return true;
            }
        }
        return false;
    }
}
