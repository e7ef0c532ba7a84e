package dev.cascade.cache;

import dev.cascade.api.Money;
import dev.cascade.jdbc.JdbcDatabase;
import dev.cascade.jdbc.JdbcTransactions;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link CacheStore} in PostgreSQL or H2, shared by every instance that uses the same database: an answer one
 * instance stored is a hit for the others. Exact lookups read one row by its indexed key hash (SHA-256 of the scope
 * and the normalised input) and check the stored scope and input against the key, so a hash collision could never
 * serve another scope's answer. Semantic lookups read the newest live rows of one scope and embedding model (a
 * bounded scan on an index) with their vectors. The input is kept with its case ({@link CacheEntry#inputText()},
 * column {@code input_text}), so a {@link MatchGuard} on a shared cache sees names as the asker typed them; the key's
 * lower-cased text is derived from it. Every statement uses bound parameters.
 *
 * <p>Answers are kept as text through a {@link CacheCodec} ({@link CacheCodec#strings()} for {@code String}
 * answers). Expired rows are never returned; {@link #purgeExpired(Instant)} deletes them. Apply the schema with
 * {@link #createSchema()} or the shipped {@value #SCHEMA_RESOURCE} in your migration tool.
 *
 * <pre>{@code
 * JdbcCacheStore<String> store = JdbcCacheStore.create(dataSource, CacheCodec.strings());
 * store.createSchema();
 * }</pre>
 *
 * <p>Thread-safe; each operation borrows a connection from the {@link DataSource} for one short statement or
 * transaction.
 *
 * @param <O> the chain's output type
 */
public final class JdbcCacheStore<O> implements CacheStore<O> {

    /** The schema file on the classpath, relative to this class's package. */
    public static final String SCHEMA_RESOURCE = "V1__cascade_cache.sql";

    private static final int MAX_ATTEMPTS = 5;
    private static final String COLUMNS = "key_hash, scope_hash, chain, tenant, namespace, configuration, input_text,"
            + " answer, embedding_model, vector, cost_micros, step, stored_at_us, expires_at_us";
    private static final String INSERT = "INSERT INTO cascade_cache_entry (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String DELETE_KEY = "DELETE FROM cascade_cache_entry WHERE key_hash = ?";
    private static final String SELECT_KEY = "SELECT " + COLUMNS + " FROM cascade_cache_entry WHERE key_hash = ?"
            + " AND expires_at_us > ?";
    private static final String SELECT_SCOPE = "SELECT " + COLUMNS + " FROM cascade_cache_entry WHERE scope_hash = ?"
            + " AND embedding_model = ? AND expires_at_us > ? ORDER BY stored_at_us DESC, key_hash LIMIT ?";
    private static final String DELETE_NAMESPACE = "DELETE FROM cascade_cache_entry WHERE chain = ? AND namespace = ?";
    private static final String DELETE_TENANT = "DELETE FROM cascade_cache_entry WHERE chain = ? AND tenant = ?";
    private static final String DELETE_NO_TENANT = "DELETE FROM cascade_cache_entry WHERE chain = ? AND tenant IS NULL";
    private static final String DELETE_EXPIRED = "DELETE FROM cascade_cache_entry WHERE expires_at_us <= ?";

    private record Dialect(JdbcDatabase database) implements JdbcTransactions.Dialect {
        static Dialect of(String product) {
            return new Dialect(JdbcDatabase.of(product, "JdbcCacheStore"));
        }
    }

    private final JdbcTransactions<Dialect> tx;
    private final CacheCodec<O> codec;

    private JdbcCacheStore(DataSource dataSource, CacheCodec<O> codec) {
        this.tx = new JdbcTransactions<>(Objects.requireNonNull(dataSource, "dataSource"), Dialect::of,
                "cache store", MAX_ATTEMPTS, CacheStoreException::new);
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** A store over {@code dataSource} (PostgreSQL or H2; pooled, for any real load). Opens no connection. */
    public static <O> JdbcCacheStore<O> create(DataSource dataSource, CacheCodec<O> codec) {
        return new JdbcCacheStore<>(dataSource, codec);
    }

    /**
     * Creates the table and indexes if missing ({@link #SCHEMA_RESOURCE}). Idempotent, and safe when several
     * instances call it at start at once.
     *
     * @throws CacheStoreException if the database refused
     */
    public void createSchema() {
        tx.createSchema(JdbcTransactions.schemaStatements(JdbcCacheStore.class, SCHEMA_RESOURCE));
    }

    @Override
    public Optional<CacheEntry<O>> get(CacheKey key, Instant now) {
        return tx.inStatement("get", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_KEY)) {
                ps.setString(1, key.hash());
                ps.setLong(2, micros(now));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        CacheEntry<O> e = read(rs);
                        if (e != null && e.key().equals(key)) {
                            return Optional.of(e);
                        }
                    }
                }
            }
            return Optional.empty();
        });
    }

    @Override
    public List<CacheEntry<O>> candidates(CacheScope scope, String embeddingModel, int limit, Instant now) {
        return tx.inStatement("candidates", (c, d) -> {
            List<CacheEntry<O>> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT_SCOPE)) {
                ps.setString(1, scope.id());
                ps.setString(2, embeddingModel);
                ps.setLong(3, micros(now));
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        CacheEntry<O> e = read(rs);
                        if (e != null && e.key().scope().equals(scope)) {
                            found.add(e);
                        }
                    }
                }
            }
            return found;
        });
    }

    @Override
    public void put(CacheEntry<O> entry) {
        CacheKey key = entry.key();
        String hash = key.hash();
        String answer = codec.encode(entry.answer());
        try {
            tx.inTransaction("put", (c, d) -> {
                try (PreparedStatement del = c.prepareStatement(DELETE_KEY)) {
                    del.setString(1, hash);
                    del.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    CacheScope s = key.scope();
                    ps.setString(1, hash);
                    ps.setString(2, s.id());
                    ps.setString(3, s.chain());
                    ps.setString(4, s.tenant());
                    ps.setString(5, s.namespace());
                    ps.setString(6, s.configuration());
                    ps.setString(7, entry.inputText());
                    ps.setString(8, answer);
                    ps.setString(9, entry.embeddingModel());
                    if (entry.vector() == null) {
                        ps.setNull(10, Types.BINARY);
                    } else {
                        ps.setBytes(10, bytes(entry.vector()));
                    }
                    ps.setLong(11, entry.cost().micros());
                    ps.setString(12, entry.step());
                    ps.setLong(13, micros(entry.storedAt()));
                    ps.setLong(14, micros(entry.expiresAt()));
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (!JdbcDatabase.uniqueViolation(e)) {
                        throw e;
                    }
                    throw new KeyTaken(); // rolls the transaction back (PostgreSQL has aborted it anyway)
                }
                return null;
            });
        } catch (KeyTaken e) {
            // Another instance stored the same key between our delete and insert: its answer stands.
        }
    }

    /** Thrown inside a put that lost the race for its key. */
    private static final class KeyTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyTaken() {
            super(null, null, false, false);
        }
    }

    @Override
    public boolean invalidate(CacheKey key) {
        return update("invalidate", DELETE_KEY, key.hash()) > 0;
    }

    @Override
    public long invalidateNamespace(String chain, String namespace) {
        return update("invalidateNamespace", DELETE_NAMESPACE, chain, namespace);
    }

    @Override
    public long invalidateTenant(String chain, String tenant) {
        return tenant == null ? update("invalidateTenant", DELETE_NO_TENANT, chain)
                : update("invalidateTenant", DELETE_TENANT, chain, tenant);
    }

    /** Deletes the entries expired at {@code now}; how many. Lookups never return them either way. */
    public long purgeExpired(Instant now) {
        return tx.inStatement("purgeExpired", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement(DELETE_EXPIRED)) {
                ps.setLong(1, micros(now));
                return (long) ps.executeUpdate();
            }
        });
    }

    private long update(String operation, String sql, String... params) {
        return tx.inStatement(operation, (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setString(i + 1, params[i]);
                }
                return (long) ps.executeUpdate();
            }
        });
    }

    /** The row as an entry, or {@code null} when the codec cannot read its answer (then it is a miss). */
    private CacheEntry<O> read(ResultSet rs) throws SQLException {
        O answer;
        try {
            answer = codec.decode(rs.getString("answer"));
        } catch (RuntimeException e) {
            return null;
        }
        if (answer == null) {
            return null;
        }
        CacheScope scope = new CacheScope(rs.getString("chain"), rs.getString("tenant"), rs.getString("namespace"),
                rs.getString("configuration"));
        byte[] v = rs.getBytes("vector");
        String model = rs.getString("embedding_model");
        String text = rs.getString("input_text");
        return new CacheEntry<>(new CacheKey(scope, ResponseCache.lowerCase(text)), text, answer,
                v == null || model == null ? null : floats(v), v == null || model == null ? null : model,
                Money.ofMicros(rs.getLong("cost_micros")), rs.getString("step"), instant(rs.getLong("stored_at_us")),
                instant(rs.getLong("expires_at_us")));
    }

    private static long micros(Instant t) {
        if (t.isAfter(MAX)) {
            return Long.MAX_VALUE;
        }
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    private static final Instant MAX = Instant.EPOCH.plus(Long.MAX_VALUE / 2, ChronoUnit.MICROS);

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    private static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static float[] floats(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        float[] v = new float[bytes.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }

    @Override
    public String toString() {
        return "JdbcCacheStore";
    }
}
