package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.spi.BudgetLedger.Balance;
import dev.cascade.spi.BudgetLedger.Hold;
import dev.cascade.testing.VirtualTime;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link BudgetLedger} contract on a real PostgreSQL (embedded, started once for the class) and on H2, each test
 * on fresh tables; the in-memory ledger runs the same contract tests as the reference. No mocks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcBudgetLedgerTest {

    enum Db { POSTGRESQL, H2, IN_MEMORY, LEASED_POSTGRESQL, LEASED_H2 }

    enum SqlDb { POSTGRESQL, H2 }

    private static final AtomicInteger FRESH = new AtomicInteger();

    private EmbeddedPostgres postgres;
    private final List<JdbcConnectionPool> pools = new ArrayList<>();
    private final List<LeasingBudgetLedger> leased = new ArrayList<>();

    @BeforeAll
    void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.start();
    }

    @AfterAll
    void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @AfterEach
    void closePools() {
        leased.forEach(LeasingBudgetLedger::close);
        leased.clear();
        pools.forEach(JdbcConnectionPool::dispose);
        pools.clear();
    }

    /** A pool on fresh, empty tables: its own PostgreSQL schema, or its own H2 database. No tables created yet. */
    private JdbcConnectionPool freshPool(SqlDb db, String extraPostgresOptions) throws SQLException {
        int n = FRESH.incrementAndGet();
        JdbcConnectionPool pool;
        if (db == SqlDb.POSTGRESQL) {
            String schema = "ledger_test_" + n;
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            pool = LedgerHammer.pool("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?currentSchema="
                    + schema + extraPostgresOptions, "postgres", "", 16);
        } else {
            pool = LedgerHammer.pool("jdbc:h2:mem:ledger_test_" + n + ";DB_CLOSE_DELAY=-1", "sa", "", 16);
        }
        pools.add(pool);
        return pool;
    }

    private JdbcBudgetLedger jdbc(SqlDb db) throws SQLException {
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(freshPool(db, ""));
        ledger.createSchema();
        return ledger;
    }

    private BudgetLedger ledger(Db db) throws SQLException {
        return switch (db) {
            case POSTGRESQL -> jdbc(SqlDb.POSTGRESQL);
            case H2 -> jdbc(SqlDb.H2);
            case IN_MEMORY -> new InMemoryBudgetLedger();
            case LEASED_POSTGRESQL -> leasing(SqlDb.POSTGRESQL);
            case LEASED_H2 -> leasing(SqlDb.H2);
        };
    }

    /** The leasing ledger runs the same contract: one instance, its slices leased from fresh tables. */
    private LeasingBudgetLedger leasing(SqlDb db) throws SQLException {
        LeasingBudgetLedger ledger = LeasingBudgetLedger.builder(freshPool(db, "")).build();
        leased.add(ledger);
        ledger.createSchema();
        return ledger;
    }

    private static Hold hold(String account, long limit, long amount) {
        return new Hold(account, limit, amount);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void reservesWithinTheLimit(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);

        assertThat(ledger.reserve("r1", List.of(hold("a", 1_000, 300)))).isNull();
        assertThat(ledger.reserve("r2", List.of(hold("a", 1_000, 700)))).isNull(); // exactly up to the limit

        assertThat(ledger.balance("a")).isEqualTo(new Balance(0, 1_000));
        assertThat(ledger.balance("never-used")).isEqualTo(Balance.EMPTY);
        assertThat(ledger.openReservations()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void refusesPastTheLimitAndHoldsNothingAnywhere(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);
        assertThat(ledger.reserve("r1", List.of(hold("b", 1_000, 600)))).isNull();

        // "a" sorts first and would fit; "b" refuses, so "a" must be left as it was.
        String refusedBy = ledger.reserve("r2", List.of(hold("b", 1_000, 401), hold("a", 1_000, 100),
                hold("c", 5_000, 100)));

        assertThat(refusedBy).isEqualTo("b");
        assertThat(ledger.balance("a").reservedMicros()).isZero();
        assertThat(ledger.balance("b")).isEqualTo(new Balance(0, 600));
        assertThat(ledger.balance("c").reservedMicros()).isZero();
        assertThat(ledger.openReservations()).isEqualTo(1);
        // A refused id held nothing and is not open: it may be used again.
        assertThat(ledger.reserve("r2", List.of(hold("b", 1_000, 400), hold("a", 1_000, 100)))).isNull();
        assertThat(ledger.balance("a")).isEqualTo(new Balance(0, 100));
        assertThat(ledger.balance("b")).isEqualTo(new Balance(0, 1_000));
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void anAmountAboveTheLimitIsRefusedOnANewAccount(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);

        assertThat(ledger.reserve("r1", List.of(hold("new", 100, 101)))).isEqualTo("new");
        assertThat(ledger.balance("new").reservedMicros()).isZero();
        assertThat(ledger.openReservations()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void settleReplacesTheHoldWithTheActualSpendOnEveryAccount(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);
        ledger.reserve("r1", List.of(hold("a", 1_000, 500), hold("b", 2_000, 500)));

        ledger.settle("r1", 120);

        assertThat(ledger.balance("a")).isEqualTo(new Balance(120, 0));
        assertThat(ledger.balance("b")).isEqualTo(new Balance(120, 0));
        assertThat(ledger.openReservations()).isZero();
        // What the settle gave back can be held again: 880 left on "a".
        assertThat(ledger.reserve("r2", List.of(hold("a", 1_000, 881)))).isEqualTo("a");
        assertThat(ledger.reserve("r3", List.of(hold("a", 1_000, 880)))).isNull();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void releaseFreesTheWholeHold(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);
        ledger.reserve("r1", List.of(hold("a", 1_000, 1_000)));
        assertThat(ledger.reserve("r2", List.of(hold("a", 1_000, 1)))).isEqualTo("a");

        ledger.release("r1");

        assertThat(ledger.balance("a")).isEqualTo(new Balance(0, 0));
        assertThat(ledger.reserve("r3", List.of(hold("a", 1_000, 1_000)))).isNull();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aSettleAboveTheHeldAmountCountsInFull(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);
        ledger.reserve("r1", List.of(hold("a", 200, 200)));

        ledger.settle("r1", 300);

        assertThat(ledger.balance("a")).isEqualTo(new Balance(300, 0));
        // Over the limit now: even a zero hold is refused.
        assertThat(ledger.reserve("r2", List.of(hold("a", 200, 0)))).isEqualTo("a");
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aDoubleSettleFailsClearlyAndChangesNothing(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);
        ledger.reserve("r1", List.of(hold("a", 1_000, 500)));
        ledger.reserve("r2", List.of(hold("a", 1_000, 100)));
        ledger.settle("r1", 50);

        assertThatThrownBy(() -> ledger.settle("r1", 70))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already settled");
        assertThatThrownBy(() -> ledger.release("r1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already settled");

        assertThat(ledger.balance("a")).isEqualTo(new Balance(50, 100));
        assertThat(ledger.openReservations()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aSettleOfAnUnknownIdFailsClearlyAndChangesNothing(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);
        ledger.reserve("r1", List.of(hold("a", 1_000, 500)));

        assertThatThrownBy(() -> ledger.settle("never-reserved", 10))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no open reservation");
        assertThatThrownBy(() -> ledger.settle("r1", -1)).isInstanceOf(IllegalArgumentException.class);

        assertThat(ledger.balance("a")).isEqualTo(new Balance(0, 500));
        assertThat(ledger.openReservations()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aReusedIdIsRefusedOpenOrSettled(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);
        ledger.reserve("r1", List.of(hold("a", 1_000, 100)));

        assertThatThrownBy(() -> ledger.reserve("r1", List.of(hold("a", 1_000, 100))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'r1' was used before");
        // Reused, and would be refused too: the reuse is what is reported.
        assertThatThrownBy(() -> ledger.reserve("r1", List.of(hold("a", 1_000, 1_000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'r1' was used before");
        assertThatThrownBy(() -> ledger.reserve("r1", List.of(hold("a", 1_000, 1), hold("b", 1_000, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'r1' was used before");
        ledger.settle("r1", 100);
        assertThatThrownBy(() -> ledger.reserve("r1", List.of(hold("b", 1_000, 100))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'r1' was used before");

        assertThat(ledger.balance("a")).isEqualTo(new Balance(100, 0));
        assertThat(ledger.balance("b")).isEqualTo(Balance.EMPTY);
        assertThat(ledger.openReservations()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void openReservationsCountsReservationsNotHolds(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);
        for (int i = 0; i < 3; i++) {
            ledger.reserve("r" + i, List.of(hold("a", 1_000, 10), hold("b", 1_000, 10)));
        }
        ledger.reserve("empty", List.of());
        assertThat(ledger.openReservations()).isEqualTo(4);

        ledger.settle("r0", 10);
        ledger.release("empty");

        assertThat(ledger.openReservations()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void anAccountListedTwiceIsHeldAndSpentTwiceAsInMemory(Db db) throws Exception {
        BudgetLedger ledger = ledger(db);

        assertThat(ledger.reserve("r1", List.of(hold("a", 120, 100), hold("a", 120, 50)))).isEqualTo("a");
        assertThat(ledger.reserve("r2", List.of(hold("a", 200, 100), hold("a", 200, 50)))).isNull();
        assertThat(ledger.balance("a")).isEqualTo(new Balance(0, 150));
        ledger.settle("r2", 10);

        assertThat(ledger.balance("a")).isEqualTo(new Balance(20, 0));
    }

    /**
     * Budget gives soft-limit accounts a hold with limit Long.MAX_VALUE. The JDBC ledger compares against
     * {@code limit - amount}, so nothing overflows. (The in-memory ledger computes {@code committed + amount} and
     * wraps past Long.MAX_VALUE, accepting the last hold; unreachable with real money, so not run for it here.)
     */
    @ParameterizedTest
    @EnumSource(SqlDb.class)
    void anUncappedHoldAtLongMaxValueDoesNotOverflow(SqlDb db) throws Exception {
        BudgetLedger ledger = jdbc(db);

        assertThat(ledger.reserve("r1", List.of(hold("soft", Long.MAX_VALUE, 5_000)))).isNull();
        ledger.settle("r1", 4_000);
        assertThat(ledger.reserve("r2", List.of(hold("soft", Long.MAX_VALUE, Long.MAX_VALUE - 4_000)))).isNull();
        assertThat(ledger.reserve("r3", List.of(hold("soft", Long.MAX_VALUE, 1)))).isEqualTo("soft");

        assertThat(ledger.balance("soft")).isEqualTo(new Balance(4_000, Long.MAX_VALUE - 4_000));
    }

    @ParameterizedTest
    @EnumSource(SqlDb.class)
    void aBudgetedChainOnTheSharedLedgerFallsBackToTheCheapModelWhenTheDayRunsLow(SqlDb db) throws Exception {
        JdbcBudgetLedger ledger = jdbc(db);
        Budget budget = Budget.builder()
                .perDay("0.015")
                .softLimit(Scope.TENANT, Window.DAY, "0.001") // a second account on tenant calls
                .clock(Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC))
                .ledger(ledger)
                .build();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(1000))
                .parse(ModelResponse::text)
                .model("advanced", FixedModel.of("gpt-4o"))
                .model("cheap", FixedModel.of("gpt-4o-mini"))
                .budget(budget)
                .build();

        // gpt-4o: $0.003 spent per call, worst case $0.010045: it fits twice in $0.015, then the cheap model answers.
        assertThat(chain.execute("hello").answeredBy()).contains("advanced");
        assertThat(chain.execute("hello", CallContext.empty().withTenant("acme")).answeredBy()).contains("advanced");
        Outcome<String> third = chain.execute("hello");

        assertThat(third.answeredBy()).contains("cheap");
        assertThat(third.attempts().get(0).failure()).isEqualTo(FailureKind.OVER_BUDGET);
        Budget.Spend spend = budget.spend(Scope.CHAIN, "triage", Window.DAY);
        assertThat(spend.spent()).isEqualTo(Money.usd("0.006").plus(Money.usd("0.00018")));
        assertThat(spend.reserved()).isEqualTo(Money.ZERO);
        assertThat(budget.spend(Scope.TENANT, "acme", Window.DAY).spent()).isEqualTo(Money.usd("0.003"));
        assertThat(ledger.openReservations()).isZero();
    }

    @ParameterizedTest
    @EnumSource(SqlDb.class)
    void createSchemaIsIdempotentAndKeepsTheData(SqlDb db) throws Exception {
        JdbcBudgetLedger ledger = jdbc(db);
        ledger.reserve("r1", List.of(hold("a", 1_000, 100)));
        ledger.settle("r1", 60);

        ledger.createSchema();
        ledger.createSchema();

        assertThat(ledger.balance("a")).isEqualTo(new Balance(60, 0));
        assertThatThrownBy(() -> ledger.settle("r1", 1)).hasMessageContaining("already settled");
    }

    @ParameterizedTest
    @EnumSource(SqlDb.class)
    void withoutTheTablesAnOperationFailsNamingItself(SqlDb db) throws Exception {
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(freshPool(db, ""));

        assertThatThrownBy(() -> ledger.reserve("r1", List.of(hold("a", 1_000, 100))))
                .isInstanceOf(dev.cascade.spi.BudgetLedgerException.class)
                .hasMessageContaining("budget ledger reserve('r1') failed")
                .hasCauseInstanceOf(SQLException.class);
    }

    @ParameterizedTest
    @EnumSource(SqlDb.class)
    void oldOpenReservationsAreReleasedAndOldSettledOnesDeleted(SqlDb db) throws Exception {
        VirtualTime time = new VirtualTime(); // the ledger's clock: rows age without sleeping
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(freshPool(db, ""), time.asClock());
        ledger.createSchema();
        ledger.reserve("abandoned", List.of(hold("a", 1_000, 300)));
        ledger.reserve("done", List.of(hold("a", 1_000, 200)));
        ledger.settle("done", 150);

        assertThat(ledger.releaseOpenOlderThan(Duration.ofHours(1))).isZero();
        assertThat(ledger.deleteSettledOlderThan(Duration.ofHours(1))).isZero();
        time.advance(Duration.ofMinutes(10));
        ledger.reserve("fresh", List.of(hold("a", 1_000, 100)));
        assertThat(ledger.releaseOpenOlderThan(Duration.ofMinutes(11))).isZero(); // 10 minutes old is not 11

        assertThat(ledger.releaseOpenOlderThan(Duration.ofMinutes(5))).isEqualTo(1); // "abandoned", not "fresh"
        assertThat(ledger.balance("a")).isEqualTo(new Balance(150, 100));
        // "done" was settled long enough ago; "abandoned" was settled (released) just now and stays.
        assertThat(ledger.deleteSettledOlderThan(Duration.ofMinutes(5))).isEqualTo(1);
        assertThat(ledger.openReservations()).isEqualTo(1);
        assertThatThrownBy(() -> ledger.settle("done", 1)).hasMessageContaining("no open reservation");
        assertThatThrownBy(() -> ledger.settle("abandoned", 1)).hasMessageContaining("already settled");
        ledger.settle("fresh", 100);
        assertThat(ledger.balance("a")).isEqualTo(new Balance(250, 0));
        assertThat(ledger.openReservations()).isZero();
    }

    @Test
    void aConnectionDefaultingToSerializableRunsAtReadCommittedAndIsHandedBackAsItCame() throws Exception {
        DataSource pool = freshPool(SqlDb.POSTGRESQL, "&options=-c%20default_transaction_isolation=serializable");
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(pool);
        ledger.createSchema();

        assertThat(ledger.reserve("r1", List.of(hold("a", 1_000, 100)))).isNull();
        ledger.settle("r1", 40);

        assertThat(ledger.balance("a")).isEqualTo(new Balance(40, 0));
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW transaction_isolation")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("serializable");
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(SqlDb.class)
    void manyThreadsOnOneLimitNeverPassItAndLoseNothing(SqlDb db) throws Exception {
        JdbcBudgetLedger ledger = jdbc(db);
        long limit = 200_000;
        AtomicLong settled = new AtomicLong();
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 100; i++) {
                        long amount = random.nextLong(1, 5_000);
                        String id = thread + "-" + i;
                        // A fresh account per thread too: its row is created under contention on first use.
                        if (ledger.reserve(id, List.of(hold("shared", limit, amount),
                                hold("own-" + thread, limit, amount))) == null) {
                            long actual = random.nextLong(0, amount + 1);
                            ledger.settle(id, actual);
                            settled.addAndGet(actual);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        Balance shared = ledger.balance("shared");
        assertThat(shared.spentMicros()).isLessThanOrEqualTo(limit).isEqualTo(settled.get());
        assertThat(shared.reservedMicros()).isZero();
        assertThat(ledger.openReservations()).isZero();
    }

    // ---- housekeeping (issue 16, item 4): old windows' accounts are deleted, current and held ones never

    private static final Instant HOUR_END = Instant.parse("2026-01-01T01:00:00Z");

    private static long accountRows(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM cascade_budget_account")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest
    @EnumSource(SqlDb.class)
    void purgingDeletesEndedWindowsThatHoldNothingAndKeepsTheRest(SqlDb db) throws Exception {
        JdbcConnectionPool pool = freshPool(db, "");
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(pool);
        ledger.createSchema();
        ledger.createSchema(); // V1 then V2, idempotent
        assertThat(ledger.reserve("spent", List.of(new Hold("t|HOUR|00", 1_000, 100, HOUR_END)))).isNull();
        ledger.settle("spent", 70);
        assertThat(ledger.reserve("held", List.of(new Hold("u|HOUR|00", 1_000, 100, HOUR_END)))).isNull();
        assertThat(ledger.reserve("zero", List.of(new Hold("v|HOUR|00", Long.MAX_VALUE, 0, HOUR_END)))).isNull();
        assertThat(ledger.reserve("later", List.of(new Hold("t|HOUR|01", 1_000, 100, HOUR_END.plusSeconds(3600)))))
                .isNull();
        ledger.settle("later", 10);
        assertThat(ledger.reserve("never", List.of(new Hold("forever", 1_000, 5)))).isNull();
        ledger.settle("never", 5);
        assertThat(accountRows(pool)).isEqualTo(5);

        assertThat(ledger.purgeWindowsEndedBefore(HOUR_END)).isZero(); // ended at, not before
        int purged = ledger.purgeWindowsEndedBefore(HOUR_END.plusSeconds(1));

        // Only the ended, settled window goes: an open hold (even of zero) keeps its account, so its settle works.
        assertThat(purged).isEqualTo(1);
        assertThat(ledger.balance("t|HOUR|00")).isEqualTo(Balance.EMPTY);
        assertThat(ledger.balance("u|HOUR|00")).isEqualTo(new Balance(0, 100));
        assertThat(ledger.balance("t|HOUR|01")).isEqualTo(new Balance(10, 0));
        assertThat(ledger.balance("forever")).isEqualTo(new Balance(5, 0));
        ledger.settle("held", 100);
        ledger.settle("zero", 42);
        assertThat(ledger.balance("v|HOUR|00")).isEqualTo(new Balance(42, 0));
        assertThat(ledger.purgeWindowsEndedBefore(HOUR_END.plusSeconds(1))).isEqualTo(2);
        assertThat(accountRows(pool)).isEqualTo(2);
        assertThat(ledger.openReservations()).isZero();
        // A late reservation on a purged window starts it again from zero (it was forgotten, by choice).
        assertThat(ledger.reserve("late", List.of(new Hold("t|HOUR|00", 1_000, 1_000, HOUR_END)))).isNull();
    }

    @ParameterizedTest
    @EnumSource(SqlDb.class)
    void aBudgetRecordsWindowEndsAndScheduledHousekeepingKeepsTheTableFlat(SqlDb db) throws Exception {
        JdbcConnectionPool pool = freshPool(db, "");
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(pool);
        ledger.createSchema();
        // Two days of hourly tenant limits, 3 tenants, in the past (so the database's clock has passed them all).
        AtomicLong now = new AtomicLong(Instant.parse("2025-03-01T00:00:00Z").toEpochMilli());
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        Budget budget = Budget.builder().limit(Scope.TENANT, Window.HOUR, "1.00").ledger(ledger).clock(clock).build();
        for (int hour = 0; hour < 48; hour++) {
            for (int t = 0; t < 3; t++) {
                budget.recordSpend(Scope.TENANT, "t" + t, Window.HOUR, Money.usd("0.01"));
            }
            now.addAndGet(Duration.ofHours(1).toMillis());
        }
        assertThat(accountRows(pool)).isEqualTo(48 * 3);
        Instant lastHour = Instant.ofEpochMilli(now.get()).minus(Duration.ofHours(1));
        assertThat(budget.spend(Scope.TENANT, "t1", Window.HOUR, lastHour).spent()).isEqualTo(Money.usd("0.01"));

        // Cutoff by the caller: keep the windows that ended in the last 24 hours of the budget's clock.
        int purged = ledger.purgeWindowsEndedBefore(Instant.ofEpochMilli(now.get()).minus(Duration.ofHours(24)));

        assertThat(purged).isEqualTo(23 * 3); // the windows of hours 0..22, which ended before hour 24
        assertThat(accountRows(pool)).isEqualTo(25 * 3);
        assertThat(budget.spend(Scope.TENANT, "t1", Window.HOUR, lastHour).spent()).isEqualTo(Money.usd("0.01"));
        // By the ledger's clock (the system clock here), all of 2025 is long over: everything goes.
        assertThat(ledger.purgeWindowsOlderThan(Duration.ofDays(1))).isEqualTo(25 * 3);
        assertThat(accountRows(pool)).isZero();
        assertThatThrownBy(() -> ledger.purgeWindowsOlderThan(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("age must be > 0, was PT0S");
    }

    @ParameterizedTest
    @EnumSource(SqlDb.class)
    void housekeepingAgesAreMeasuredOnTheLedgersClockNotTheDatabases(SqlDb db) throws Exception {
        // The ledger's clock starts on 2026-01-01, before the database's (real) now: by the database's clock every
        // row below would already be old.
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        JdbcConnectionPool pool = freshPool(db, "");
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(pool, time.asClock());
        ledger.createSchema();
        Instant windowEnd = Instant.parse("2026-01-01T01:00:00Z");
        ledger.reserve("done", List.of(new Hold("t|HOUR|00", 1_000, 100, windowEnd)));
        ledger.settle("done", 100);
        ledger.reserve("open", List.of(hold("a", 1_000, 100)));

        assertThat(ledger.purgeWindowsOlderThan(Duration.ofMinutes(1))).isZero(); // the window has not ended yet
        assertThat(ledger.releaseOpenOlderThan(Duration.ofMinutes(1))).isZero();
        assertThat(ledger.deleteSettledOlderThan(Duration.ofMinutes(1))).isZero();

        time.advance(Duration.ofHours(2)); // the window ended an hour ago; the reservations are two hours old
        assertThat(ledger.purgeWindowsOlderThan(Duration.ofHours(3))).isZero();
        assertThat(ledger.purgeWindowsOlderThan(Duration.ofMinutes(30))).isEqualTo(1);
        assertThat(ledger.releaseOpenOlderThan(Duration.ofHours(1))).isEqualTo(1);
        assertThat(ledger.deleteSettledOlderThan(Duration.ofHours(1))).isEqualTo(1); // "done"; "open" settled just now
        assertThat(ledger.openReservations()).isZero();
    }
}
