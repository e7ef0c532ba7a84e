package dev.cascade.examples.snippets;

import java.time.ZoneId;

import javax.sql.DataSource;

import dev.cascade.Cascade;
import dev.cascade.budget.Budget;
import dev.cascade.budget.JdbcBudgetLedger;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;

/** Snippets of docs/budgets.md. Compiled, never run. */
final class BudgetSnippets {
    private BudgetSnippets() {
    }

    static void budget(String ticket) {
        // tag::budget[]
        Budget budget = Budget.builder()
                .perRequest("0.05")                                // one execution never commits more
                .limit(Scope.CHAIN, Window.DAY, "200.00")          // hard: never exceeded, even under concurrency
                .limit(Scope.TENANT, Window.MONTH, "1000.00")      // tenant from CallContext.withTenant(...)
                .softLimit(Scope.GLOBAL, Window.DAY, "500.00")     // soft: a BudgetAlert event, nothing refused
                .zone(ZoneId.of("Europe/Berlin"))                  // windows align to this calendar
                .build();

        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                // ...steps...
                .budget(budget)
                .build();

        triage.execute(ticket).cost();                             // what this execution spent, exact
        budget.spend(Scope.CHAIN, "support-triage", Window.DAY);   // spent, reserved, limit, remaining
        // end::budget[]
    }

    static Budget sharedLedger(DataSource dataSource) {
        // tag::budget-jdbc[]
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(dataSource);   // PostgreSQL or H2, detected
        ledger.createSchema();                                         // optional; runs the shipped V1__cascade_budget.sql
        Budget budget = Budget.builder().perDay("200.00").ledger(ledger).build();
        // end::budget-jdbc[]
        return budget;
    }
}
