package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.event.BudgetAlert;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.spi.CascadeListener;
import dev.cascade.testing.VirtualTime;
import dev.cascade.watch.AcceptanceRateWatcher;
import dev.cascade.watch.ErrorRateWatcher;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A service that runs for months keeps a bounded number of budget accounts: the in-memory ledger forgets ended
 * windows after the budget's history, instead of keeping every window it ever saw (issue 16, item 4).
 */
class MemoryStaysFlatTest {
    private static final int TENANTS = 20;
    private static final int DAYS = 90;

    /** Runs DAYS of hourly traffic for TENANTS tenants on virtual time; returns the largest account count seen. */
    private static int run(VirtualTime time, Budget budget, InMemoryBudgetLedger ledger,
                           List<CascadeListener> watchers) {
        var builder = Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(100)).parse(ModelResponse::text)
                .model("cheap", new BudgetScenarioTest.PricedModel("gpt-4o-mini", Usage.of(1000, 100)))
                .budget(budget)
                .timeSource(time);
        watchers.forEach(builder::listener);
        Cascade<String, String> chain = builder.build();
        int most = 0;
        for (int hour = 0; hour < DAYS * 24; hour++) {
            for (int t = 0; t < TENANTS; t++) {
                Outcome<String> out = chain.execute("ticket", CallContext.empty().withTenant("tenant-" + t));
                assertThat(out.isAnswered()).as("hour %d tenant %d: %s", hour, t, out.attempts()).isTrue();
            }
            most = Math.max(most, ledger.accountCount());
            time.advance(Duration.ofHours(1));
        }
        return most;
    }

    private static Budget.Builder hourlyTenantLimits(VirtualTime time, InMemoryBudgetLedger ledger) {
        return Budget.builder()
                .limit(Scope.TENANT, Window.HOUR, "1.00")
                .limit(Scope.CHAIN, Window.DAY, "100.00")
                .ledger(ledger)
                .clock(time.asClock());
    }

    @Test
    void ninetyDaysOfHourlyTenantLimitsKeepTheAccountCountBounded() {
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
        Budget budget = hourlyTenantLimits(time, ledger).build(); // default history: 2 days
        SpendAnomalyDetector spend = SpendAnomalyDetector.builder().clock(time.asClock()).build();
        ErrorRateWatcher errors = ErrorRateWatcher.builder().build();
        AcceptanceRateWatcher acceptance = AcceptanceRateWatcher.builder().build();

        int most = run(time, budget, ledger, List.of(spend, errors, acceptance));

        // Kept: the current window plus 2 days of ended ones, plus at most one hour of purge lag:
        // 20 tenants x (48 + 1 + 1) hourly accounts, and (2 + 1 + 1) daily chain accounts.
        int bound = TENANTS * (48 + 2) + (2 + 2);
        assertThat(most).isLessThanOrEqualTo(bound);
        assertThat(ledger.accountCount()).isLessThanOrEqualTo(bound).isGreaterThanOrEqualTo(TENANTS * 48);
        assertThat(ledger.openReservations()).isZero();
        // The watchers key by subject (tenant, chain, step), never by period: flat as well.
        assertThat(spend.seriesCount()).isEqualTo((TENANTS + 2) * 2);
        assertThat(errors.subjectCount()).isEqualTo(1);
        assertThat(acceptance.subjectCount()).isEqualTo(1);

        // What the history keeps stays queryable; what it let go reads as nothing spent.
        Instant now = time.now();
        assertThat(budget.spend(Scope.TENANT, "tenant-3", Window.HOUR, now.minus(Duration.ofHours(47))).spent())
                .isEqualTo(Money.usd("0.00021"));
        assertThat(budget.spend(Scope.CHAIN, "triage", Window.DAY, now.minus(Duration.ofDays(1))).spent())
                .isEqualTo(Money.ofMicros(210L * TENANTS * 24));
        assertThat(budget.spend(Scope.TENANT, "tenant-3", Window.HOUR, now.minus(Duration.ofDays(10))).spent())
                .isEqualTo(Money.ZERO);
    }

    @Test
    void withoutPurgingTheSameRunKeepsEveryWindowItEverSaw() {
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
        // A history longer than the run: nothing is ever old enough to let go, as before the fix.
        Budget budget = hourlyTenantLimits(time, ledger).history(Duration.ofDays(365)).build();

        int most = run(time, budget, ledger, List.of());

        assertThat(most).isEqualTo(TENANTS * DAYS * 24 + DAYS); // 43,290
    }

    @Test
    void theCurrentWindowIsNeverForgottenSoItsLimitHolds() {
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
        Budget budget = Budget.builder().limit(Scope.CHAIN, Window.MONTH, "0.0004").ledger(ledger)
                .history(Duration.ofMinutes(1)).clock(time.asClock()).build();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(100)).parse(ModelResponse::text)
                .model("cheap", new BudgetScenarioTest.PricedModel("gpt-4o-mini", Usage.of(1000, 100)))
                .budget(budget).timeSource(time).build();

        assertThat(chain.execute("a").isAnswered()).isTrue();
        assertThat(chain.execute("b").isAnswered()).isTrue();
        // Twenty days later, many purges on: the month's account, with its $0.00042 spent, is still there.
        for (int day = 0; day < 20; day++) {
            time.advance(Duration.ofDays(1));
            budget.recordSpend(Scope.CHAIN, "other", Window.MONTH, Money.ZERO); // a purge runs at most hourly
        }
        Outcome<String> third = chain.execute("c");
        assertThat(third.isAnswered()).isFalse();
        assertThat(budget.spend(Scope.CHAIN, "triage", Window.MONTH).spent()).isEqualTo(Money.usd("0.00042"));
    }

    @Test
    void aPurgeNeverForgetsAnAccountThatHoldsAReservation() {
        InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
        Instant end = Instant.parse("2026-01-01T01:00:00Z");
        assertThat(ledger.reserve("r1", List.of(new BudgetLedger.Hold("a|HOUR|x", 100, 40, end)))).isNull();
        assertThat(ledger.reserve("r2", List.of(new BudgetLedger.Hold("b|HOUR|x", 100, 40, end)))).isNull();
        ledger.settle("r2", 30);
        assertThat(ledger.reserve("r3", List.of(new BudgetLedger.Hold("forever", 100, 10)))).isNull();
        ledger.settle("r3", 10);

        assertThat(ledger.purgeWindowsEndedBefore(end.plusSeconds(1))).isEqualTo(1);

        assertThat(ledger.balance("a|HOUR|x")).isEqualTo(new BudgetLedger.Balance(0, 40));
        assertThat(ledger.balance("b|HOUR|x")).isEqualTo(BudgetLedger.Balance.EMPTY);
        assertThat(ledger.balance("forever")).isEqualTo(new BudgetLedger.Balance(10, 0));
        ledger.settle("r1", 40);
        assertThat(ledger.purgeWindowsEndedBefore(end)).isZero(); // ended at `end`, not before it
        assertThat(ledger.purgeWindowsEndedBefore(end.plusSeconds(1))).isEqualTo(1);
        assertThat(ledger.accountCount()).isEqualTo(1);
    }

    @Test
    void softLimitAlertsAreRememberedPerSeriesNotPerWindow() {
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
        Budget budget = Budget.builder().softLimit(Scope.TENANT, Window.HOUR, "0.0001").clock(time.asClock())
                .listener(new CascadeListener() {
                    @Override
                    public void onBudgetAlert(BudgetAlert event) {
                        alerts.add(event);
                    }
                }).build();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(100)).parse(ModelResponse::text)
                .model("cheap", new BudgetScenarioTest.PricedModel("gpt-4o-mini", Usage.of(1000, 100)))
                .budget(budget).timeSource(time).build();
        List<String> subjects = new ArrayList<>();
        for (int hour = 0; hour < 3; hour++) {
            chain.execute("a", CallContext.empty().withTenant("acme"));
            chain.execute("b", CallContext.empty().withTenant("acme"));
            time.advance(Duration.ofHours(1));
        }
        alerts.stream().filter(a -> a.type() == BudgetAlert.Type.SOFT_LIMIT_CROSSED)
                .forEach(a -> subjects.add(a.account()));
        // One alert per window, each window once.
        assertThat(subjects).containsExactly("tenant:acme|HOUR|2026-01-01T00", "tenant:acme|HOUR|2026-01-01T01",
                "tenant:acme|HOUR|2026-01-01T02");
        assertThat(budget.softAlertSeries()).isEqualTo(1);
    }

    @Test
    void historyMustBePositive() {
        assertThatThrownBy(() -> Budget.builder().history(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("history must be > 0, was PT0S");
    }
}
