package dev.cascade.review;

import dev.cascade.jdbc.JdbcTransactions;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The review store runs a transaction again when a conflict is reported where the driver or a pool put it: in the
 * next-exception chain or deeper in the cause chain (before, the budget ledger and the review store each had their own
 * rule, and each missed one of these).
 */
class ReviewStoreConflictRetryTest {

    private final JdbcDataSource h2 = new JdbcDataSource();
    private final JdbcTransactions<ReviewDialect> tx;

    ReviewStoreConflictRetryTest() {
        h2.setURL("jdbc:h2:mem:" + getClass().getSimpleName() + ";DB_CLOSE_DELAY=-1");
        tx = new JdbcTransactions<>(h2, ReviewDialect::of, "review store", 3, IllegalStateException::new);
    }

    @Test
    void retriesAConflictInTheNextExceptionChain() {
        BatchUpdateException batch = new BatchUpdateException("batch failed", "XX000", 0, new int[0], null);
        batch.setNextException(new SQLException("lock timeout", "HYT00"));
        assertThat(runFailingOnceWith(batch)).isEqualTo(2);
    }

    @Test
    void retriesAConflictDeepInTheCauseChain() {
        SQLException pool = new SQLException("pool: statement failed", "HY000",
                new IllegalStateException("wrapped", new SQLException("concurrent update", "90131")));
        assertThat(runFailingOnceWith(pool)).isEqualTo(2);
    }

    @Test
    void doesNotRetryOtherFailures() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> tx.inTransaction("op", (c, d) -> {
            runs.incrementAndGet();
            throw new SQLException("syntax error", "42000");
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("review store op failed");
        assertThat(runs).hasValue(1);
    }

    /** Runs a transaction that fails with {@code conflict} the first time; returns how often it ran. */
    private int runFailingOnceWith(SQLException conflict) {
        AtomicInteger runs = new AtomicInteger();
        String result = tx.inTransaction("op", (c, d) -> {
            if (runs.incrementAndGet() == 1) {
                throw conflict;
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        return runs.get();
    }
}
