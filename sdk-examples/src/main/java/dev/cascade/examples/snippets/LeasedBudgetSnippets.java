package dev.cascade.examples.snippets;

import java.time.Duration;

import javax.sql.DataSource;

import dev.cascade.api.Money;
import dev.cascade.budget.Budget;
import dev.cascade.budget.LeasingBudgetLedger;
import io.opentelemetry.api.OpenTelemetry;

/** Snippets of docs/budgets.md (the leasing ledger). Compiled, never run. */
final class LeasedBudgetSnippets {
    private LeasedBudgetSnippets() {
    }

    static Budget leased(DataSource dataSource, OpenTelemetry otel) {
        // tag::budget-leased[]
        LeasingBudgetLedger ledger = LeasingBudgetLedger.builder(dataSource)   // PostgreSQL or H2, pooled
                .instanceId(System.getenv("HOSTNAME"))      // stable per instance: a restart takes its leases over
                .flushInterval(Duration.ofMillis(250))      // spend written at least this often (default)
                .leaseExpiry(Duration.ofSeconds(30))        // a dead instance's slice returns after this (default)
                .markAhead(Duration.ofSeconds(1))           // outage runway vs. what a crash counts (default)
                .outagePolicy(LeasingBudgetLedger.OutagePolicy.allowance(Money.usd("1.00"))) // default: fail closed
                .meter(otel.getMeter("dev.cascade"))        // cascade.budget.lease.* metrics
                .build();
        ledger.createSchema();                              // optional; V1, V2 and V3__cascade_budget_lease.sql
        Budget budget = Budget.builder().perDay("200.00").ledger(ledger).build();
        // ... on shutdown: ledger.close() writes what was settled and gives the unused slices back
        // end::budget-leased[]
        return budget;
    }
}
