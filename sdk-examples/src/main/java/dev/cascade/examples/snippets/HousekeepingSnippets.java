package dev.cascade.examples.snippets;

import dev.cascade.budget.Budget;
import dev.cascade.budget.JdbcBudgetLedger;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;
import dev.cascade.review.JdbcReviewStore;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Documentation snippets for keeping memory and tables flat in a long-running service: the budget's history for the
 * in-memory ledger, and scheduled housekeeping for the JDBC ledger and review store. Compiled, so the docs stay true.
 */
public final class HousekeepingSnippets {
    private HousekeepingSnippets() {
    }

    static Budget inMemoryHistory() {
        // tag::budget-history[]
        Budget budget = Budget.builder()
                .limit(Scope.TENANT, Window.HOUR, "5.00")
                .perDay("200.00")
                .history(Duration.ofDays(7))   // ended windows stay queryable for a week (default: 2 days)
                .build();                      // default in-memory ledger: forgets older windows as time passes
        // end::budget-history[]
        return budget;
    }

    static ScheduledExecutorService jdbcHousekeeping(DataSource dataSource) {
        // tag::jdbc-housekeeping[]
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(dataSource);
        JdbcReviewStore store = new JdbcReviewStore(dataSource);
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor();
        housekeeping.scheduleWithFixedDelay(() -> {
            ledger.purgeWindowsOlderThan(Duration.ofDays(35));   // accounts of windows that ended > 35 days ago
            ledger.deleteSettledOlderThan(Duration.ofDays(2));   // settled reservation rows
            store.purgeFinishedOlderThan(Duration.ofDays(90));   // decided review items and their audit rows
        }, 1, 60, TimeUnit.MINUTES);
        // end::jdbc-housekeeping[]
        return housekeeping;
    }
}
