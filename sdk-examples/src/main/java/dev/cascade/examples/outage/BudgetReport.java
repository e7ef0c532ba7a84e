package dev.cascade.examples.outage;

import dev.cascade.api.Money;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Cascade's daily budget at the end of a run, and the check of its cost figures.
 *
 * @param account            the chain's day account in the budget's ledger
 * @param limit              the hard daily limit
 * @param spent              what the account has spent: the simulated earlier traffic plus this run
 * @param earlierTraffic     what the day's earlier traffic was simulated as having spent at the start of recovery
 * @param leftForRecovery    what the earlier traffic was set to leave at the start of recovery
 * @param keepForCheaperSteps what the advanced step leaves to the cheaper steps (zero: the budget alone)
 * @param leftAtPhaseEnd     what the limit left at the end of each phase (limit - spent - held)
 * @param openReservations   reservations never settled (must be 0)
 * @param outcomeCost        the sum of {@code Outcome.cost()} over every Cascade request (the budget's settled cost)
 * @param priceListCost      the same requests billed by the demo's own price list ({@link ModelPrice}), per attempt
 * @param requests           the Cascade requests checked
 * @param costMismatches     requests whose {@code Outcome.cost()} differs from the price list (must be 0)
 */
public record BudgetReport(String account, Money limit, Money spent, Money earlierTraffic, Money leftForRecovery,
                           Money keepForCheaperSteps, Map<Phase, Money> leftAtPhaseEnd, long openReservations, Money outcomeCost,
                           Money priceListCost, long requests, long costMismatches) {

    public BudgetReport {
        Objects.requireNonNull(account, "account");
        leftAtPhaseEnd = leftAtPhaseEnd.isEmpty() ? Map.of() : new EnumMap<>(leftAtPhaseEnd);
    }

    /** What this run spent: the account's spend without the simulated earlier traffic. */
    public Money spentByRun() {
        return spent.minus(earlierTraffic);
    }

    /** Whether the account stayed within its hard limit. */
    public boolean withinLimit() {
        return spent.compareTo(limit) <= 0;
    }

    /** Whether the cost figures agree: every request's Outcome.cost() matches the price list, and the ledger. */
    public boolean costsAgree() {
        return costMismatches == 0 && outcomeCost.equals(priceListCost) && outcomeCost.equals(spentByRun());
    }

    /** What was left at the end of {@code phase}. */
    public Money leftAt(Phase phase) {
        return leftAtPhaseEnd.getOrDefault(phase, Money.ZERO);
    }
}
