package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.event.BudgetAlert;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.spi.BudgetLedger.Balance;
import dev.cascade.spi.BudgetLedger.Hold;
import dev.cascade.spi.BudgetLedgerException;
import dev.cascade.spi.CascadeListener;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link LeasingBudgetLedger} beyond the single-instance contract ({@link JdbcBudgetLedgerTest} runs that): several
 * instances and many threads on one real PostgreSQL, the database taken away mid-run through a real TCP proxy while a
 * real chain keeps answering, and the lease metrics. No mocks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeasingBudgetLedgerTest {
    private EmbeddedPostgres postgres;
    private int schemas;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        postgres = EmbeddedPostgres.start();
    }

    @AfterAll
    void stop() throws Exception {
        postgres.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (BudgetLedgerException ignored) {
                // a test that left the database away: nothing to give back
            }
        }
        closing.clear();
    }

    private String freshSchema() throws SQLException {
        String schema = "leasing_" + (++schemas);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    private JdbcConnectionPool pool(String schema, int port) {
        JdbcConnectionPool pool = LedgerHammer.pool("jdbc:postgresql://localhost:" + port + "/postgres?currentSchema="
                + schema, "postgres", "", 8);
        closing.add(pool::dispose);
        return pool;
    }

    private LeasingBudgetLedger.Builder leasing(javax.sql.DataSource ds) {
        return LeasingBudgetLedger.builder(ds).flushInterval(Duration.ofMillis(50)).leaseExpiry(Duration.ofSeconds(5));
    }

    private LeasingBudgetLedger track(LeasingBudgetLedger ledger) {
        closing.add(ledger);
        return ledger;
    }

    @Test
    void threeInstancesWithManyThreadsNeverPassTheLimitUseItAllAndRecordExactlyWhatWasSettled() throws Exception {
        String schema = freshSchema();
        List<LeasingBudgetLedger> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            instances.add(track(leasing(pool(schema, postgres.getPort())).instanceId("instance-" + i).build()));
        }
        instances.get(0).createSchema();
        String account = "chain:triage|DAY|2026-12-08";
        String soft = "tenant:acme|DAY|2026-12-08";
        long limit = 30_000_000;
        AtomicLong settled = new AtomicLong();
        AtomicLong softSettled = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                BudgetLedger ledger = instances.get(t % 3);
                int thread = t;
                futures.add(threads.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    int refusedInARow = 0;
                    for (int i = 0; refusedInARow < 200; i++) {
                        long amount = random.nextLong(1, 20_001);
                        String id = thread + "-" + i;
                        boolean alsoSoft = random.nextBoolean();
                        List<Hold> holds = alsoSoft
                                ? List.of(new Hold(soft, Long.MAX_VALUE, amount), new Hold(account, limit, amount))
                                : List.of(new Hold(account, limit, amount));
                        String refusedBy = ledger.reserve(id, holds);
                        if (refusedBy != null) {
                            assertThat(refusedBy).isEqualTo(account);
                            refusals.incrementAndGet();
                            refusedInARow++;
                            continue;
                        }
                        refusedInARow = 0;
                        long actual = random.nextInt(10) == 0 ? 0 : random.nextLong(0, amount + 1);
                        ledger.settle(id, actual);
                        settled.addAndGet(actual);
                        if (alsoSoft) {
                            softSettled.addAndGet(actual);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        for (LeasingBudgetLedger l : instances) {
            assertThat(l.openReservations()).isZero();
            l.close();
        }

        JdbcBudgetLedger direct = new JdbcBudgetLedger(pool(schema, postgres.getPort()));
        Balance hard = direct.balance(account);
        double utilisation = (double) hard.spentMicros() / limit;
        System.out.printf("leasing, 3 instances x 4 threads: limit %d, spent %d, utilisation %.6f, leases %s%n",
                limit, hard.spentMicros(), utilisation,
                instances.stream().map(l -> l.leasesTaken() + "").collect(Collectors.joining("/")));
        assertThat(hard.spentMicros()).as("overspend").isLessThanOrEqualTo(limit);
        assertThat(hard.spentMicros()).as("recorded vs settled").isEqualTo(settled.get());
        assertThat(hard.reservedMicros()).as("leased or held after close").isZero();
        assertThat(direct.balance(soft)).isEqualTo(new Balance(softSettled.get(), 0));
        assertThat(utilisation).isGreaterThanOrEqualTo(0.99);
        assertThat(refusals.get()).isPositive();
    }

    @Test
    void theDatabaseTakenAwayMidRunModelsKeepAnsweringWhileTheSliceLastsAndTheSpendIsRecordedWhenItReturns()
            throws Exception {
        String schema = freshSchema();
        TcpProxy proxy = new TcpProxy(postgres.getPort());
        closing.add(proxy);
        PGSimpleDataSource viaProxy = new PGSimpleDataSource(); // a connection per operation: each goes through the cut
        viaProxy.setUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres?currentSchema=" + schema
                + "&connectTimeout=2&socketTimeout=5");
        viaProxy.setUser("postgres");
        List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
        CascadeListener listener = new CascadeListener() {
            @Override
            public void onBudgetAlert(BudgetAlert event) {
                alerts.add(event);
            }
        };
        LeasingBudgetLedger ledger = track(leasing(viaProxy).maxSlice(Money.usd("0.20"))
                .markAhead(Duration.ofSeconds(60)).listener(listener).build());
        ledger.createSchema();
        Instant day = Instant.parse("2026-12-08T10:00:00Z");
        Budget budget = Budget.builder().perDay("5.00").ledger(ledger).clock(Clock.fixed(day, ZoneOffset.UTC))
                .build();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(1000))
                .parse(ModelResponse::text)
                .model("advanced", FixedModel.of("gpt-4o"))
                .rules("fallback", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "rules").build())
                .budget(budget)
                .build();
        // Traffic under way when the database goes: the published mark runs ahead of the spend rate.
        Money spent = Money.ZERO;
        for (int i = 0; i < 100 || ledger.leasesTaken() < 2; i++) {
            Outcome<String> out = chain.execute("hello");
            assertThat(out.answeredBy()).contains("advanced");
            spent = spent.plus(out.cost());
        }

        proxy.cut();
        int byModelWhileAway = 0;
        Outcome<String> out = chain.execute("hello");
        while (out.answeredBy().orElseThrow().equals("advanced") && byModelWhileAway < 1_000) {
            byModelWhileAway++;
            spent = spent.plus(out.cost());
            out = chain.execute("hello");
        }
        // Fail closed: once the slice is used up with the database away, the step is skipped, never overspent.
        assertThat(out.answeredBy()).contains("fallback");
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.OVER_BUDGET);
        assertThat(byModelWhileAway).as("answered by the model while the database was away").isGreaterThan(10);
        poll("the outage alert", () -> alerts.stream().anyMatch(a -> a.type()
                == BudgetAlert.Type.LEDGER_UNREACHABLE));
        assertThat(ledger.databaseUnreachable()).isTrue();

        proxy.restore();
        poll("the ledger reconnected", () -> !ledger.databaseUnreachable());
        assertThat(alerts.stream().map(BudgetAlert::type)).contains(BudgetAlert.Type.LEDGER_RECONNECTED);
        for (int i = 0; i < 5; i++) {
            out = chain.execute("hello");
            assertThat(out.answeredBy()).contains("advanced");
            spent = spent.plus(out.cost());
        }
        ledger.flush();

        JdbcBudgetLedger direct = new JdbcBudgetLedger(pool(schema, postgres.getPort()));
        Balance recorded = direct.balance(budget.account(Scope.CHAIN, "triage", Window.DAY, day));
        System.out.printf("leasing outage: %d answers by the model while the database was away, spent %s, recorded"
                + " %s%n", byModelWhileAway, spent, Money.ofMicros(recorded.spentMicros()));
        assertThat(recorded.spentMicros()).as("recorded vs spent").isEqualTo(spent.micros());
        assertThat(recorded.reservedMicros()).isZero();
        assertThat(recorded.spentMicros()).isLessThanOrEqualTo(Money.usd("5.00").micros());
    }

    @Test
    void anOutageAllowanceLetsAnInstanceOverdrawByAtMostItsAllowanceAndWritesItWhenTheDatabaseReturns()
            throws Exception {
        String schema = freshSchema();
        TcpProxy proxy = new TcpProxy(postgres.getPort());
        closing.add(proxy);
        PGSimpleDataSource viaProxy = new PGSimpleDataSource();
        viaProxy.setUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres?currentSchema=" + schema
                + "&connectTimeout=2&socketTimeout=5");
        viaProxy.setUser("postgres");
        LeasingBudgetLedger ledger = track(leasing(viaProxy).maxSlice(Money.ofMicros(1_000))
                .outagePolicy(LeasingBudgetLedger.OutagePolicy.allowance(Money.ofMicros(500))).build());
        ledger.createSchema();
        assertThat(ledger.reserve("r0", List.of(new Hold("a", 1_000_000, 100)))).isNull();
        ledger.settle("r0", 100);
        poll("leased", () -> ledger.heldMicros() > 0);

        proxy.cut();
        long held = 0;
        int i = 1;
        while (true) {
            try {
                assertThat(ledger.reserve("r" + i, List.of(new Hold("a", 1_000_000, 100)))).isNull();
            } catch (BudgetLedgerException refused) {
                assertThat(refused).hasMessageContaining("allowance(");
                break;
            }
            held += 100;
            i++;
        }
        long slice = 1_000; // at most one slice of 1,000 plus what a top-up before the cut added
        assertThat(held).as("held while away").isGreaterThanOrEqualTo(500).isLessThanOrEqualTo(2 * slice + 500);
        for (int j = 1; j < i; j++) {
            ledger.settle("r" + j, 100);
        }
        proxy.restore();
        poll("reconnected", () -> !ledger.databaseUnreachable());
        ledger.flush();
        Balance recorded = new JdbcBudgetLedger(pool(schema, postgres.getPort())).balance("a");
        assertThat(recorded).isEqualTo(new Balance(100 + held, 0));
    }

    @Test
    void leaseMetricsCountAcquisitionsSliceSizesMoneyHeldAndFlushLag() throws Exception {
        String schema = freshSchema();
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
        closing.add(provider::close);
        LeasingBudgetLedger ledger = track(leasing(pool(schema, postgres.getPort()))
                .meter(provider.get("dev.cascade")).instanceId("metered").build());
        ledger.createSchema();
        assertThat(ledger.reserve("r1", List.of(new Hold("a", 10_000_000, 1_000)))).isNull();
        ledger.settle("r1", 700);

        Map<String, MetricData> metrics = reader.collectAllMetrics().stream()
                .collect(Collectors.toMap(MetricData::getName, m -> m));
        assertThat(metrics.get(LeasingBudgetLedger.METRIC_ACQUISITIONS).getLongSumData().getPoints())
                .singleElement().satisfies(p -> {
                    assertThat(p.getValue()).isPositive();
                    assertThat(p.getAttributes().asMap().values()).contains("metered");
                });
        assertThat(metrics.get(LeasingBudgetLedger.METRIC_SLICE).getHistogramData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getMin()).isGreaterThanOrEqualTo(0.001));
        assertThat(metrics.get(LeasingBudgetLedger.METRIC_HELD).getDoubleGaugeData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getValue()).isPositive());
        assertThat(metrics).containsKey(LeasingBudgetLedger.METRIC_FLUSH_LAG);
    }

    @Test
    void slicesOfEndedWindowsAreForgottenOnceTheyHoldNothingSoMemoryStaysFlat() throws Exception {
        JdbcConnectionPool h2 = JdbcConnectionPool.create("jdbc:h2:mem:leasing-windows;DB_CLOSE_DELAY=-1", "sa", "");
        closing.add(h2::dispose);
        LeasingBudgetLedger ledger = track(leasing(h2).idleReturn(Duration.ZERO).build());
        ledger.createSchema();
        Instant ended = Instant.now().minus(Duration.ofHours(1));
        for (int hour = 0; hour < 24; hour++) {
            Hold h = new Hold("t|HOUR|" + hour, 1_000_000, 100, ended.minus(Duration.ofHours(hour)));
            assertThat(ledger.reserve("r" + hour, List.of(h))).isNull();
            ledger.settle("r" + hour, 60);
        }
        Hold current = new Hold("t|HOUR|now", 1_000_000, 100, Instant.now().plus(Duration.ofHours(1)));
        assertThat(ledger.reserve("open", List.of(current))).isNull();

        poll("ended windows forgotten", () -> ledger.sliceCount() == 1);

        JdbcBudgetLedger direct = new JdbcBudgetLedger(h2);
        assertThat(direct.balance("t|HOUR|3")).isEqualTo(new Balance(60, 0)); // the spend stays recorded
        // A late hold on a forgotten window starts a fresh slice on the same row.
        assertThat(ledger.reserve("late", List.of(new Hold("t|HOUR|3", 1_000_000, 100, ended)))).isNull();
        ledger.settle("late", 40);
        ledger.settle("open", 100);
        ledger.flush();
        assertThat(direct.balance("t|HOUR|3")).isEqualTo(new Balance(100, 0));
        assertThat(direct.balance("t|HOUR|now")).isEqualTo(new Balance(100, 0));
    }

    @Test
    void badSettingsAreRefusedNamingTheSettingAndTheValue() {
        JdbcConnectionPool any = JdbcConnectionPool.create("jdbc:h2:mem:unused", "sa", "");
        closing.add(any::dispose);
        assertThatThrownBy(() -> LeasingBudgetLedger.builder(any).sliceFraction(0))
                .hasMessage("sliceFraction must be in (0, 1], was 0.0");
        assertThatThrownBy(() -> LeasingBudgetLedger.builder(any).flushInterval(Duration.ofSeconds(11)))
                .hasMessage("flushInterval must be in [PT0.001S, PT10S], was PT11S");
        assertThatThrownBy(() -> LeasingBudgetLedger.builder(any).flushInterval(Duration.ofSeconds(1))
                .leaseExpiry(Duration.ofSeconds(2)).build())
                .hasMessage("leaseExpiry must be at least 4 flush intervals (PT4S), was PT2S");
        assertThatThrownBy(() -> LeasingBudgetLedger.OutagePolicy.allowance(Money.ZERO))
                .hasMessageContaining("outage allowance must be > 0, was");
    }

    private static void poll(String what, BooleanSupplier check) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
