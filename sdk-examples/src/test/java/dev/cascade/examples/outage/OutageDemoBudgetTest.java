package dev.cascade.examples.outage;

import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelClient;
import dev.cascade.spi.StepAdmission;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's daily budget on its own, without the timeline: the simulated earlier traffic, and why the advanced step
 * keeps a share of the remainder for the cheap one. Single-threaded, so exact.
 */
class OutageDemoBudgetTest {
    private static final Usage TYPICAL = Usage.of(83, 160);
    private static final ModelRequest REQUEST = SupportPrompt.of(new Ticket(1,
            "The CSV export drops the last column when a cell contains a line break"));

    @Test
    void earlierTrafficLeavesExactlyWhatIsConfiguredAndIsRecordedPerPhase() {
        List<String> log = new ArrayList<>();
        DailyBudget budget = new DailyBudget("c", BudgetSettings.standard(), log::add);
        budget.enter(Phase.HEALTHY);
        spendOne(budget, CascadeStrategy.ADVANCED, ModelPrice.ADVANCED);
        budget.enter(Phase.RECOVERY); // closes healthy, outage and storm, then simulates the earlier traffic
        assertThat(budget.left()).isEqualTo(Money.usd("1.50"));
        assertThat(budget.earlierTraffic()).isEqualTo(Money.usd("100.00").minus(Money.usd("1.50"))
                .minus(ModelPrice.ADVANCED.billed(TYPICAL)));
        assertThat(budget.leftAtPhaseEnd()).containsOnlyKeys(Phase.HEALTHY, Phase.OUTAGE, Phase.RATE_LIMIT_STORM);
        assertThat(budget.leftAtPhaseEnd().get(Phase.RATE_LIMIT_STORM))
                .isEqualTo(Money.usd("100.00").minus(ModelPrice.ADVANCED.billed(TYPICAL)));
        assertThat(log).singleElement().asString().startsWith("at the start of the recovery phase, the day's earlier"
                + " traffic is simulated as having spent $" + budget.earlierTraffic().toUsd().stripTrailingZeros()
                .toPlainString() + " of the $100.00 daily budget");
        budget.enter(Phase.RECOVERY); // once only
        budget.enter(Phase.OUTAGE);   // a late request of an earlier phase changes nothing
        assertThat(log).hasSize(1);
        budget.finish();
        assertThat(budget.leftAtPhaseEnd()).containsKey(Phase.RECOVERY);
        assertThat(budget.openReservations()).isZero();
    }

    @Test
    void theBudgetAloneLeavesTheCheapModelOnlyCrumbs() {
        DailyBudget budget = lowBudget("0.00");
        int advanced = drain(budget, CascadeStrategy.ADVANCED, ModelPrice.ADVANCED);
        int cheap = drain(budget, CascadeStrategy.CHEAP, ModelPrice.CHEAP);
        // $0.50 buys ~270 advanced calls; what the advanced step leaves is less than its own worst case (~$0.003).
        assertThat(advanced).isBetween(200, 300);
        assertThat(cheap).isLessThan(30);
        assertThat(budget.spend().spent()).isLessThanOrEqualTo(budget.limit());
        assertThat(budget.openReservations()).isZero();
    }

    @Test
    void keepingAShareForTheCheaperStepsLetsTheCheapModelAnswer() {
        DailyBudget budget = lowBudget("0.40");
        int advanced = drain(budget, CascadeStrategy.ADVANCED, ModelPrice.ADVANCED);
        StepAdmission.Ticket refused = admit(budget, CascadeStrategy.ADVANCED, ModelPrice.ADVANCED);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusal()).isEqualTo(FailureKind.OVER_BUDGET);
        assertThat(refused.reason()).contains("of which $0.40 is left to later steps");
        assertThat(budget.left()).isGreaterThanOrEqualTo(Money.usd("0.40"));
        int cheap = drain(budget, CascadeStrategy.CHEAP, ModelPrice.CHEAP);
        assertThat(advanced).isBetween(40, 60);   // ~$0.10 of advanced calls
        assertThat(cheap).isGreaterThan(3_000);   // ~$0.40 of cheap calls
        assertThat(budget.spend().spent()).isLessThanOrEqualTo(budget.limit());
        assertThat(budget.openReservations()).isZero();
    }

    /** A budget with $0.50 left, keeping {@code keep} of it for the cheaper steps. */
    private static DailyBudget lowBudget(String keep) {
        DailyBudget budget = new DailyBudget("c", BudgetSettings.standard().leaving("0.50", keep), line -> { });
        budget.enter(Phase.RECOVERY);
        assertThat(budget.left()).isEqualTo(Money.usd("0.50"));
        return budget;
    }

    /** Admits and settles typical calls of {@code step} until the admission refuses; returns how many ran. */
    private static int drain(DailyBudget budget, String step, ModelPrice price) {
        int n = 0;
        while (spendOne(budget, step, price)) {
            n++;
        }
        return n;
    }

    private static boolean spendOne(DailyBudget budget, String step, ModelPrice price) {
        StepAdmission.Ticket t = admit(budget, step, price);
        if (!t.admitted()) {
            assertThat(t.refusal()).isEqualTo(FailureKind.OVER_BUDGET);
            return false;
        }
        t.settle(TYPICAL, null);
        assertThat(t.cost()).isEqualTo(price.billed(TYPICAL));
        return true;
    }

    private static StepAdmission.Ticket admit(DailyBudget budget, String step, ModelPrice price) {
        return budget.budget().admit(new StepAdmission.Request("c", step, "x", 1,
                client(price.model()), REQUEST, CallContext.empty(), Money.ZERO));
    }

    private static ModelClient client(String model) {
        return new ModelClient() {
            @Override
            public ModelResponse call(ModelRequest request) {
                throw new UnsupportedOperationException("admission only");
            }

            @Override
            public String model() {
                return model;
            }
        };
    }
}
