package dev.cascade.jdbc;

import org.junit.jupiter.api.Test;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** The one rule both JDBC stores retry by: a conflict's SQLSTATE on the exception, its next-exception chain or a cause. */
class JdbcDatabaseTest {

    @Test
    void aConflictStateOnTheExceptionItselfIsRetryable() {
        assertThat(JdbcDatabase.POSTGRESQL.retryable(new SQLException("could not serialize", "40001"))).isTrue();
        assertThat(JdbcDatabase.POSTGRESQL.retryable(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(JdbcDatabase.POSTGRESQL.retryable(new SQLException("lock not available", "55P03"))).isTrue();
        assertThat(JdbcDatabase.H2.retryable(new SQLException("lock timeout", "HYT00"))).isTrue();
        assertThat(JdbcDatabase.H2.retryable(new SQLException("concurrent update", "90131"))).isTrue();
    }

    @Test
    void eachDatabaseKeepsItsOwnCodes() {
        assertThat(JdbcDatabase.H2.retryable(new SQLException("x", "55P03"))).isFalse();
        assertThat(JdbcDatabase.POSTGRESQL.retryable(new SQLException("x", "HYT00"))).isFalse();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(JdbcDatabase.POSTGRESQL.retryable(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(JdbcDatabase.POSTGRESQL.retryable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(JdbcDatabase.POSTGRESQL.retryable(new SQLException("no state"))).isFalse();
    }

    @Test
    void aConflictInTheNextExceptionChainIsRetryable() {
        BatchUpdateException batch = new BatchUpdateException("batch failed", "XX000", 0, new int[0], null);
        batch.setNextException(new SQLException("first statement ok", "00000"));
        batch.getNextException().setNextException(new SQLException("deadlock detected", "40P01"));
        assertThat(JdbcDatabase.POSTGRESQL.retryable(batch)).isTrue();
    }

    @Test
    void aConflictAnywhereInTheCauseChainIsRetryable() {
        SQLException driver = new SQLException("could not serialize", "40001");
        SQLException pool = new SQLException("pool: statement failed", "HY000",
                new IllegalStateException("wrapped", driver));
        assertThat(JdbcDatabase.POSTGRESQL.retryable(pool)).isTrue();
    }

    @Test
    void aConflictInTheCauseOfANextExceptionIsRetryable() {
        SQLException head = new SQLException("batch failed", "XX000");
        head.setNextException(new SQLException("wrapped", "HY000", new SQLException("lock timeout", "HYT00")));
        assertThat(JdbcDatabase.H2.retryable(head)).isTrue();
    }

    @Test
    void loopingChainsEnd() {
        SQLException a = new SQLException("a", "XX000");
        SQLException b = new SQLException("b", "XX001", a);
        a.initCause(b);
        a.setNextException(b);
        b.setNextException(a);
        assertThat(JdbcDatabase.POSTGRESQL.retryable(a)).isFalse();
    }

    @Test
    void aSchemaCreationRaceIsRecognised() {
        assertThat(JdbcDatabase.createRace(new SQLException("exists", "42P07"))).isTrue();
        assertThat(JdbcDatabase.createRace(new SQLException("exists", "42710"))).isTrue();
        assertThat(JdbcDatabase.createRace(new SQLException("dup", "23505"))).isTrue();
        assertThat(JdbcDatabase.createRace(new SQLException("syntax", "42601"))).isFalse();
    }
}
