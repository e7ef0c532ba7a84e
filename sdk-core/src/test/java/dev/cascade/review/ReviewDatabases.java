package dev.cascade.review;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real databases for the review store tests: one embedded PostgreSQL per test class, a fresh schema (PostgreSQL) or
 * database (H2) per store, and pools closed with the class.
 */
final class ReviewDatabases implements AutoCloseable {

    enum Kind { IN_MEMORY, POSTGRESQL, H2 }

    private static final AtomicInteger FRESH = new AtomicInteger();
    private EmbeddedPostgres postgres;
    private final List<JdbcConnectionPool> pools = new ArrayList<>();

    /** A store of that kind on fresh, empty tables (created). */
    ReviewStore store(Kind kind, Clock clock) throws Exception {
        return switch (kind) {
            case IN_MEMORY -> new InMemoryReviewStore(clock);
            case POSTGRESQL, H2 -> {
                JdbcReviewStore s = new JdbcReviewStore(freshPool(kind, 16), clock);
                s.createSchema();
                yield s;
            }
        };
    }

    /** A pool on a fresh PostgreSQL schema or H2 database, no tables yet. */
    JdbcConnectionPool freshPool(Kind kind, int size) throws Exception {
        return pool(freshUrl(kind), size);
    }

    /** The JDBC URL of a fresh PostgreSQL schema or H2 database. */
    String freshUrl(Kind kind) throws Exception {
        int n = FRESH.incrementAndGet();
        if (kind == Kind.POSTGRESQL) {
            String schema = "review_test_" + n;
            try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            return "jdbc:postgresql://localhost:" + postgres().getPort() + "/postgres?currentSchema=" + schema;
        }
        return "jdbc:h2:mem:review_test_" + n + ";DB_CLOSE_DELAY=-1";
    }

    JdbcConnectionPool pool(String url, int size) {
        JdbcConnectionPool pool = poolOf(url, size);
        pools.add(pool);
        return pool;
    }

    static JdbcConnectionPool poolOf(String url, int size) {
        JdbcConnectionPool pool;
        if (url.startsWith("jdbc:postgresql:")) {
            PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
            ds.setUrl(url);
            ds.setUser("postgres");
            ds.setPassword("");
            pool = JdbcConnectionPool.create(ds);
        } else {
            pool = JdbcConnectionPool.create(url, "sa", "");
        }
        pool.setMaxConnections(size);
        return pool;
    }

    synchronized EmbeddedPostgres postgres() throws Exception {
        if (postgres == null) {
            postgres = EmbeddedPostgres.start();
        }
        return postgres;
    }

    @Override
    public void close() throws Exception {
        pools.forEach(JdbcConnectionPool::dispose);
        pools.clear();
        if (postgres != null) {
            postgres.close();
        }
    }

    static void exec(JdbcConnectionPool pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A clock that moves only when told; thread-safe. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T09:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
