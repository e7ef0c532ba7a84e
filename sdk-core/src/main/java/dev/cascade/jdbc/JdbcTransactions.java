package dev.cascade.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The JDBC plumbing Cascade's database stores ({@code JdbcBudgetLedger}, {@code JdbcReviewStore}) share: one short
 * transaction (or one auto-committed statement) on a connection borrowed from the {@link DataSource} and handed back
 * as it came; READ COMMITTED, set per transaction only when the connection's default (read once) differs; a
 * transaction that failed only because of a concurrent one runs again, up to {@code maxAttempts} times, after a short
 * random pause; the dialect read from the first connection; the shipped schema script, split into statements and run
 * idempotently. Not API.
 *
 * <p>Thread-safe: its only state is what the first connection told.
 *
 * @param <D> the store's dialect (its statements), found from the database product name
 */
public final class JdbcTransactions<D extends JdbcTransactions.Dialect> {

    /** What a store's dialect must tell this class. */
    public interface Dialect {
        /** Whether the transaction failed only because of a concurrent one, so running it again may succeed. */
        boolean retryable(SQLException e);
    }

    /** The statements of one transaction (or one auto-committed statement). */
    @FunctionalInterface
    public interface Work<D, T> {
        T run(Connection c, D dialect) throws SQLException;
    }

    /** What the first connection told: the dialect, and whether READ COMMITTED must be set per transaction. */
    private record Setup<D>(D dialect, int defaultIsolation, boolean setIsolation) {
    }

    private final DataSource dataSource;
    private final Function<String, D> dialectOf;
    private final String subject;
    private final int maxAttempts;
    private final BiFunction<String, Throwable, ? extends RuntimeException> failure;
    private volatile Setup<D> setup;

    /**
     * @param dialectOf   the dialect of a database product name; throws for an unsupported database
     * @param subject     what the failure messages name ({@code "budget ledger"}: "budget ledger reserve('r1') failed
     *                    after 10 attempts: ...")
     * @param maxAttempts runs of a transaction that keeps failing on conflicts, the first included
     * @param failure     the store's own exception, from a message and the cause
     */
    public JdbcTransactions(DataSource dataSource, Function<String, D> dialectOf, String subject, int maxAttempts,
                            BiFunction<String, Throwable, ? extends RuntimeException> failure) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialectOf = Objects.requireNonNull(dialectOf, "dialectOf");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.maxAttempts = maxAttempts;
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** The dialect, or {@code null} until the first connection was opened. */
    public D dialect() {
        Setup<D> s = setup;
        return s == null ? null : s.dialect();
    }

    /**
     * Whether the connections default to READ COMMITTED, so a transaction runs without changing the isolation;
     * {@code false} until the first connection was opened.
     */
    public boolean readCommittedByDefault() {
        Setup<D> s = setup;
        return s != null && !s.setIsolation();
    }

    /**
     * Runs the {@code statements} (see {@link #schemaStatements}) in one transaction. Two instances creating the same
     * table at once: one may fail on the catalog's unique key; running again, it sees the table. So it is tried up to
     * three times when that is the failure.
     */
    public void createSchema(List<String> statements) {
        for (int attempt = 1; ; attempt++) {
            try {
                inTransaction("createSchema", (c, d) -> {
                    try (Statement s = c.createStatement()) {
                        for (String sql : statements) {
                            s.execute(sql);
                        }
                    }
                    return null;
                });
                return;
            } catch (RuntimeException e) {
                if (attempt >= 3 || !(e.getCause() instanceof SQLException sql) || !createRace(sql)) {
                    throw e;
                }
            }
        }
    }

    /** Runs {@code work} in one transaction at READ COMMITTED, again on a conflict; {@code operation} names it. */
    public <T> T inTransaction(String operation, Work<D, T> work) {
        return withRetries(operation, work, false);
    }

    /** Runs one statement in its own transaction (auto-commit), again on a conflict. */
    public <T> T inStatement(String operation, Work<D, T> work) {
        return withRetries(operation, work, true);
    }

    private <T> T withRetries(String operation, Work<D, T> work, boolean autoCommitted) {
        for (int attempt = 1; ; attempt++) {
            try {
                return autoCommitted ? autoCommitted(work) : once(work);
            } catch (SQLException e) {
                D d = dialect();
                if (d == null || !d.retryable(e) || attempt >= maxAttempts) {
                    throw failure.apply(subject + " " + operation + " failed"
                            + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + e.getMessage()
                            + " (SQLSTATE " + e.getSQLState() + ")", e);
                }
                pause(operation, attempt, e);
            }
        }
    }

    private <T> T autoCommitted(Work<D, T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Setup<D> s = setup(c);
            boolean autoCommit = c.getAutoCommit();
            if (!autoCommit) {
                c.setAutoCommit(true);
            }
            try {
                return work.run(c, s.dialect());
            } finally {
                if (!autoCommit) {
                    try {
                        c.setAutoCommit(false);
                    } catch (SQLException ignored) {
                        // Hand-back only; the statement's outcome stands. A broken connection the pool discards.
                    }
                }
            }
        }
    }

    private <T> T once(Work<D, T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Setup<D> s = setup(c);
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            if (s.setIsolation()) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            T result;
            try {
                result = work.run(c, s.dialect());
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                    restore(c, s, autoCommit);
                } catch (SQLException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            try {
                restore(c, s, autoCommit);
            } catch (SQLException ignored) {
                // Committed: the operation succeeded. The connection is closed next; a broken one the pool discards.
            }
            return result;
        }
    }

    /** Hands the connection back as it came: a pool's other users expect its settings. */
    private static void restore(Connection c, Setup<?> s, boolean autoCommit) throws SQLException {
        if (s.setIsolation()) {
            c.setTransactionIsolation(s.defaultIsolation());
        }
        if (autoCommit) {
            c.setAutoCommit(true);
        }
    }

    private Setup<D> setup(Connection c) throws SQLException {
        Setup<D> s = setup;
        if (s == null) {
            D dialect = dialectOf.apply(c.getMetaData().getDatabaseProductName());
            int isolation = c.getTransactionIsolation();
            s = new Setup<>(dialect, isolation, isolation != Connection.TRANSACTION_READ_COMMITTED);
            setup = s;
        }
        return s;
    }

    private void pause(String operation, int attempt, SQLException cause) {
        try {
            long maxMicros = Math.min(50_000L, 500L << attempt);
            TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextLong(maxMicros / 2, maxMicros));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            RuntimeException re = failure.apply(subject + " " + operation
                    + " interrupted while retrying after a conflict", e);
            re.addSuppressed(cause);
            throw re;
        }
    }

    private static boolean createRace(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if ("23505".equals(state) || "42P07".equals(state) || "42710".equals(state)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The statements of a schema script on the classpath next to {@code owner}: {@code --} comment lines and blank
     * lines dropped, each statement ending with {@code ;} (not passed on).
     *
     * @throws IllegalStateException when the file is missing or its last statement has no semicolon
     */
    public static List<String> schemaStatements(Class<?> owner, String resource) {
        String text;
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema file " + resource + " is missing from the classpath"
                        + " (expected next to " + owner.getName() + ")");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema file " + resource, e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("schema file " + resource + " ends without a semicolon");
        }
        return List.copyOf(statements);
    }

    @Override
    public String toString() {
        D d = dialect();
        return d == null ? "not connected yet" : d.toString();
    }
}
