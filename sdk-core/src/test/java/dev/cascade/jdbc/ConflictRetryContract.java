package dev.cascade.jdbc;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every JDBC store's transactions must do with a conflict: run again when it is reported where the driver or a
 * pool put it (in the next-exception chain, or deeper in the cause chain), and not for other failures. Before, the
 * budget ledger and the review store each had their own rule, and each missed one of these. A store's test extends
 * this with its own {@link JdbcTransactions}.
 */
public abstract class ConflictRetryContract {

    protected final JdbcDataSource h2 = new JdbcDataSource();

    protected ConflictRetryContract() {
        h2.setURL("jdbc:h2:mem:" + getClass().getSimpleName() + ";DB_CLOSE_DELAY=-1");
    }

    /** The store's transactions over {@link #h2}, retrying up to 3 times, failing with IllegalStateException. */
    protected abstract JdbcTransactions<?> transactions();

    /** The store's name as its failures say it, e.g. "budget ledger". */
    protected abstract String storeName();

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
        assertThatThrownBy(() -> transactions().inTransaction("op", (c, d) -> {
            runs.incrementAndGet();
            throw new SQLException("syntax error", "42000");
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining(storeName() + " op failed");
        assertThat(runs).hasValue(1);
    }

    /** Runs a transaction that fails with {@code conflict} the first time; returns how often it ran. */
    private int runFailingOnceWith(SQLException conflict) {
        AtomicInteger runs = new AtomicInteger();
        Object result = transactions().inTransaction("op", (c, d) -> {
            if (runs.incrementAndGet() == 1) {
                throw conflict;
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        return runs.get();
    }
}
