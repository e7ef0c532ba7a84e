package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.cascade.budget.JdbcBudgetLedger;
import dev.cascade.budget.LeasingBudgetLedger;
import dev.cascade.spi.BudgetLedger;

/**
 * {@code cascade.ledger.type: jdbc-leased}: the leasing ledger on the application's DataSource (H2 here), its
 * {@code cascade.ledger.lease.*} settings, and the errors that name a bad or unknown one.
 */
class LeasedLedgerWiringTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withBean("gpt", TestModel.class, () -> TestModel.answering("gpt-4o", "ok"))
            .withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                    "cascade.chains.triage.budget.per-day=10.00");

    private static DataSource h2(String name) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    @Test
    void aBudgetedChainSpendsThroughTheLeasingLedgerAndItsSpendIsWrittenWhenTheContextCloses() {
        DataSource ds = h2("leased-wiring");
        runner.withBean(DataSource.class, () -> ds).withPropertyValues("cascade.ledger.type=jdbc-leased",
                "cascade.ledger.lease.instance-id=pod-1", "cascade.ledger.lease.flush-interval=100ms",
                "cascade.ledger.lease.expiry=5s", "cascade.ledger.lease.outage-allowance=0.05").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    BudgetLedger ledger = ctx.getBean(BudgetLedger.class);
                    assertThat(ledger).isInstanceOf(LeasingBudgetLedger.class);
                    assertThat(((LeasingBudgetLedger) ledger).instanceId()).isEqualTo("pod-1");
                    assertThat(ctx.getBean(CascadeChains.class).get("triage").execute("hello").answeredBy())
                            .contains("gpt");
                    assertThat(ledger.openReservations()).isZero();
                });
        // Closed with the context: what the chain spent is in the database, nothing stays leased.
        JdbcBudgetLedger direct = new JdbcBudgetLedger(ds);
        try (var c = ds.getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(spent_micros), 0), COALESCE(SUM(reserved_micros),"
                     + " 0) FROM cascade_budget_account")) {
            rs.next();
            assertThat(rs.getLong(1)).isPositive();
            assertThat(rs.getLong(2)).isPositive();
            assertThat(rs.getLong(3)).isZero();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        assertThat(direct.openReservations()).isZero();
    }

    @Test
    void aBadLeaseSettingNamesTheProperty() {
        FailureAnalysis a = StartupFailures.analysisOf(runner.withBean(DataSource.class, () -> h2("leased-bad"))
                .withPropertyValues("cascade.ledger.type=jdbc-leased", "cascade.ledger.lease.slice-fraction=2"));
        assertThat(a.getDescription()).contains("cascade.ledger.lease.slice-fraction").contains("2")
                .contains("sliceFraction must be in (0, 1]");

        FailureAnalysis expiry = StartupFailures.analysisOf(runner.withBean(DataSource.class, () -> h2("leased-bad2"))
                .withPropertyValues("cascade.ledger.type=jdbc-leased", "cascade.ledger.lease.flush-interval=1s",
                        "cascade.ledger.lease.expiry=2s"));
        assertThat(expiry.getDescription()).contains("cascade.ledger.lease.expiry").contains("4 flush intervals");
    }

    @Test
    void anUnknownLeaseKeyIsReportedWithTheNearestKnownOne() {
        FailureAnalysis a = StartupFailures.analysisOf(runner.withBean(DataSource.class, () -> h2("leased-unknown"))
                .withPropertyValues("cascade.ledger.type=jdbc-leased", "cascade.ledger.lease.flush-intervall=1s"));
        assertThat(a.getDescription()).contains("cascade.ledger.lease.flush-intervall")
                .contains("cascade.ledger.lease.flush-interval");
    }

    @Test
    void withoutADataSourceTheLeasedLedgerSaysWhatIsMissing() {
        FailureAnalysis a = StartupFailures.analysisOf(runner.withPropertyValues("cascade.ledger.type=jdbc-leased"));
        assertThat(a.getDescription()).contains("cascade.ledger.type").contains("'jdbc-leased'")
                .contains("no single DataSource");
    }

    @Test
    void theMetadataDescribesTheLeaseSettings() throws Exception {
        try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(json).contains("\"name\": \"cascade.ledger.lease.flush-interval\"")
                    .contains("\"name\": \"cascade.ledger.lease.outage-allowance\"")
                    .contains("\"name\": \"cascade.ledger.lease.slice-fraction\"");
        }
    }
}
