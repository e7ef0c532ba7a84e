package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.event.BudgetAlert;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.spi.CascadeListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Regressions, each named after what broke. */
class BudgetRegressionTest {

    @Test
    void aHugeReservationCannotOverflowPastTheLimit() {
        InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
        assertThat(ledger.reserve("r1", List.of(new BudgetLedger.Hold("hard", 100, 100)))).isNull();
        // c + amount would wrap to a negative number and pass "<= limit".
        assertThat(ledger.reserve("r2", List.of(new BudgetLedger.Hold("hard", 100, Long.MAX_VALUE)))).isEqualTo("hard");
        assertThat(ledger.balance("hard")).isEqualTo(new BudgetLedger.Balance(0, 100));
        assertThat(ledger.openReservations()).isEqualTo(1);
    }

    @Test
    void aLedgerThatCannotSettleStillReportsTheCostAndRaisesAnAlert() {
        InMemoryBudgetLedger real = new InMemoryBudgetLedger();
        BudgetLedger unreachableOnSettle = new BudgetLedger() {
            @Override
            public String reserve(String id, List<Hold> holds) {
                return real.reserve(id, holds);
            }

            @Override
            public void settle(String id, long actualMicros) {
                throw new IllegalStateException("connection refused");
            }

            @Override
            public Balance balance(String account) {
                return real.balance(account);
            }

            @Override
            public long openReservations() {
                return real.openReservations();
            }
        };
        List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
        Budget budget = Budget.builder().perDay("10.00").ledger(unreachableOnSettle)
                .listener(new CascadeListener() {
                    @Override
                    public void onBudgetAlert(BudgetAlert event) {
                        alerts.add(event);
                    }
                }).build();
        Cascade<String, String> chain = Cascade.<String, String>builder("c")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(100)).parse(ModelResponse::text)
                .model("m", new BudgetScenarioTest.PricedModel("gpt-4o-mini", Usage.of(1000, 100)))
                .budget(budget)
                .build();

        Outcome<String> out = chain.execute("hello");

        assertThat(out.isAnswered()).isTrue();
        // $0.15 * 1000/1M + $0.60 * 100/1M = $0.00021: spent, even though the ledger could not be told.
        assertThat(out.cost()).isEqualTo(Money.usd("0.00021"));
        assertThat(alerts).singleElement().extracting(BudgetAlert::type).isEqualTo(BudgetAlert.Type.SETTLE_FAILED);
        assertThat(unreachableOnSettle.openReservations()).isEqualTo(1);
    }
}
