package dev.cascade.cache;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.budget.Budget;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGConnectionPoolDataSource;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDBC store on real databases (H2 in memory, embedded PostgreSQL): two chains on two store instances over one
 * database stand for two service instances sharing a cache.
 */
class JdbcCacheStoreTest {

    enum Db { H2, POSTGRESQL }

    private static final AtomicInteger FRESH = new AtomicInteger();
    private static EmbeddedPostgres postgres;
    private final List<JdbcConnectionPool> pools = new ArrayList<>();
    private final VirtualTime time = new VirtualTime(Instant.parse("2026-12-01T09:00:00Z"));

    @AfterEach
    void closePools() {
        pools.forEach(JdbcConnectionPool::dispose);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A pool on a fresh, empty H2 database or PostgreSQL schema. */
    private JdbcConnectionPool freshDatabase(Db db) throws Exception {
        int n = FRESH.incrementAndGet();
        JdbcConnectionPool pool;
        if (db == Db.POSTGRESQL) {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
            }
            String schema = "cache_test_" + n;
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
            ds.setUrl("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?currentSchema=" + schema);
            ds.setUser("postgres");
            ds.setPassword("");
            pool = JdbcConnectionPool.create(ds);
        } else {
            pool = JdbcConnectionPool.create("jdbc:h2:mem:cache_test_" + n + ";DB_CLOSE_DELAY=-1", "sa", "");
        }
        pool.setMaxConnections(4);
        pools.add(pool);
        return pool;
    }

    private Cascade<String, String> instance(JdbcConnectionPool db, ScriptedModel model, String system,
                                             Budget budget) {
        JdbcCacheStore<String> store = JdbcCacheStore.create(db, CacheCodec.strings());
        store.createSchema(); // each instance at start: idempotent
        return Cascade.<String, String>builder("support").prompt(in -> ModelRequest.of(system, in))
                .parse(ModelResponse::text).timeSource(time).budget(budget)
                .model("cheap", model, s -> s.pricing(Pricing.perMillionTokens("2.50", "10.00")))
                .cache(c -> c.store(store).ttl(Duration.ofHours(1))
                        .embeddingModel(TestEmbeddings.bagOfWords()).similarityThreshold(0.75))
                .build();
    }

    private Budget budget() {
        return Budget.builder().perDay("100.00").clock(time.asClock()).build();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void anAnswerOneInstanceStoredIsAHitForTheOther(Db db) throws Exception {
        JdbcConnectionPool pool = freshDatabase(db);
        ScriptedModel modelA = ScriptedModel.answering("gpt-4o-mini", "Use the reset link.");
        ScriptedModel modelB = ScriptedModel.answering("gpt-4o-mini", "B would answer this");
        Cascade<String, String> a = instance(pool, modelA, "You help.", budget());
        Cascade<String, String> b = instance(pool, modelB, "You help.", budget());
        CallContext acme = CallContext.empty().withTenant("acme");

        Outcome<String> stored = a.execute("How do I reset my password?", acme);
        Money paid = stored.cost();
        assertThat(paid.isPositive()).isTrue();

        Outcome<String> exact = b.execute("how do i reset my  password?", acme);
        assertThat(exact.answer()).contains("Use the reset link.");
        assertThat(exact.cacheHit()).get().satisfies(h -> {
            assertThat(h.exact()).isTrue();
            assertThat(h.savedCost()).isEqualTo(paid);
            assertThat(h.originalStep()).isEqualTo("cheap");
            assertThat(h.storedAt()).isEqualTo(time.now());
        });
        Outcome<String> semantic = b.execute("How do I reset my password please?", acme);
        assertThat(semantic.answer()).contains("Use the reset link.");
        assertThat(semantic.cacheHit()).get().satisfies(h -> {
            assertThat(h.exact()).isFalse();
            assertThat(h.similarity()).isGreaterThanOrEqualTo(0.75);
        });
        assertThat(modelB.calls()).isZero();

        // Across the tenant, the system prompt, and into the no-tenant scope: never, exact or semantic.
        assertThat(b.execute("How do I reset my password?", CallContext.empty().withTenant("globex")).cacheHit())
                .isEmpty();
        assertThat(b.execute("How do I reset my password?", CallContext.empty()).cacheHit()).isEmpty();
        Cascade<String, String> otherPrompt = instance(pool, modelB, "Answer in French.", budget());
        assertThat(otherPrompt.execute("How do I reset my password?", acme).cacheHit()).isEmpty();
        assertThat(modelB.calls()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void expiryAndInvalidationHoldAcrossInstances(Db db) throws Exception {
        JdbcConnectionPool pool = freshDatabase(db);
        ScriptedModel model = ScriptedModel.answering("gpt-4o-mini", "answer");
        Cascade<String, String> a = instance(pool, model, "S", budget());
        Cascade<String, String> b = instance(pool, model, "S", budget());
        CallContext acme = CallContext.empty().withTenant("acme");
        CallContext globex = CallContext.empty().withTenant("globex");
        a.execute("q1", acme);
        a.execute("q2", acme);
        a.execute("q1", globex);

        assertThat(b.cache().orElseThrow().invalidate("q2", acme)).isTrue();
        assertThat(a.execute("q2", acme).cacheHit()).isEmpty(); // and stores it again
        assertThat(b.cache().orElseThrow().invalidateTenant("acme")).isEqualTo(2);
        assertThat(a.execute("q1", acme).cacheHit()).isEmpty();
        assertThat(a.execute("q1", globex).cacheHit()).isPresent();
        assertThat(b.cache().orElseThrow().invalidateNamespace()).isEqualTo(2); // acme's q1 again, globex's q1
        assertThat(a.execute("q1", globex).cacheHit()).isEmpty();

        time.advance(Duration.ofMinutes(59));
        assertThat(b.execute("q1", globex).cacheHit()).isPresent();
        time.advance(Duration.ofMinutes(1));
        JdbcCacheStore<?> store = (JdbcCacheStore<?>) a.cache().orElseThrow().store();
        assertThat(b.execute("q9", globex).cacheHit()).isEmpty(); // semantic candidates: none alive
        assertThat(store.purgeExpired(time.now())).isEqualTo(1); // globex q1; q9 was stored just now
        assertThat(b.execute("q1", globex).cacheHit()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void theStoreKeepsAnyTextAndReplacesAnEntryUnderTheSameKey(Db db) throws Exception {
        JdbcCacheStore<String> store = JdbcCacheStore.create(freshDatabase(db), CacheCodec.strings());
        store.createSchema();
        store.createSchema(); // idempotent
        CacheKey key = new CacheKey(new CacheScope("c", "tenant 'x'; DROP TABLE cascade_cache_entry; --", "ns",
                "cfg"), "ünïcödé ☃ 'quoted' \"double\"");
        Instant now = time.now();
        store.put(new CacheEntry<>(key, key.input(), "first", new float[] {0.5f, -1f}, "e", Money.ofMicros(7), "m",
                now, now.plusSeconds(60)));
        store.put(new CacheEntry<>(key, key.input(), "second ☃", new float[] {0.25f, 2f}, "e", Money.ofMicros(9),
                "m", now, now.plusSeconds(60)));
        CacheEntry<String> got = store.get(key, now).orElseThrow();
        assertThat(got.answer()).isEqualTo("second ☃");
        assertThat(got.vector()).containsExactly(0.25f, 2f);
        assertThat(got.cost()).isEqualTo(Money.ofMicros(9));
        assertThat(got.key()).isEqualTo(key);
        assertThat(store.candidates(key.scope(), "e", 10, now)).hasSize(1);
        assertThat(store.candidates(key.scope(), "other-model", 10, now)).isEmpty();
        assertThat(store.candidates(new CacheScope("c", null, "ns", "cfg"), "e", 10, now)).isEmpty();
        assertThat(store.get(key, now.plusSeconds(60))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void theInputKeepsItsCaseSoAGuardOnASharedCacheSeesNames(Db db) throws Exception {
        JdbcConnectionPool pool = freshDatabase(db);
        JdbcCacheStore<String> store = JdbcCacheStore.create(pool, CacheCodec.strings());
        store.createSchema();
        CacheKey key = new CacheKey(new CacheScope("c", "acme", "ns", "cfg"), "export to dropbox: «ünïcödé»");
        Instant now = time.now();
        store.put(new CacheEntry<>(key, "Export to Dropbox: «Ünïcödé»", "answer", new float[] {1f}, "e",
                Money.ofMicros(1), "m", now, now.plusSeconds(60)));
        CacheEntry<String> got = store.get(key, now).orElseThrow();
        assertThat(got.inputText()).isEqualTo("Export to Dropbox: «Ünïcödé»");
        assertThat(got.key()).isEqualTo(key);
        assertThat(got.key().hash()).isEqualTo(key.hash());
        assertThat(store.candidates(key.scope(), "e", 10, now)).singleElement()
                .satisfies(e -> assertThat(e.inputText()).isEqualTo("Export to Dropbox: «Ünïcödé»"));

        // Two instances: B's guard compares its input with the text A stored, case and all.
        ScriptedModel modelA = ScriptedModel.answering("gpt-4o-mini", "Evernote: File > Export.");
        ScriptedModel modelB = ScriptedModel.answering("gpt-4o-mini", "Notion: Settings > Export.");
        Cascade<String, String> a = instance(pool, modelA, "You help.", budget());
        Cascade<String, String> b = instance(pool, modelB, "You help.", budget());
        CallContext acme = CallContext.empty().withTenant("acme");
        a.execute("Can I export my notes from Evernote?", acme);
        Outcome<String> other = b.execute("Can I export my notes from Notion?", acme);
        assertThat(other.answer()).contains("Notion: Settings > Export.");
        assertThat(other.cacheLookup().orElseThrow().refusedBy()).isEqualTo(LexicalGuards.ENTITY);
        Outcome<String> same = b.execute("can I export all my notes from Evernote", acme);
        assertThat(same.answer()).contains("Evernote: File > Export.");
        assertThat(same.cacheHit()).get().satisfies(h -> assertThat(h.exact()).isFalse());
        assertThat(b.execute("CAN I EXPORT MY NOTES FROM EVERNOTE?", acme).cacheHit()).get()
                .satisfies(h -> assertThat(h.exact()).isTrue());
    }
}
