package dev.cascade.examples.outage;

import dev.cascade.api.Money;

import java.util.Objects;

/**
 * The Cascade chain's daily budget in the demo.
 *
 * @param dailyLimit          the chain's hard limit per day ({@code Scope.CHAIN}, {@code Window.DAY})
 * @param leftForRecovery     what the simulated earlier traffic of the day leaves of the limit at the start of the
 *                            recovery phase: it spends everything else that is left then
 * @param keepForCheaperSteps what the advanced step leaves to the cheaper steps: it is skipped ({@code OVER_BUDGET})
 *                            once the budget's remainder cannot cover its worst case plus this. Zero gives the chain
 *                            the {@code Budget} alone, and then the advanced step spends the day down to less than one
 *                            advanced call, which leaves the cheap model a few calls' worth (see {@link DailyBudget})
 */
public record BudgetSettings(Money dailyLimit, Money leftForRecovery, Money keepForCheaperSteps) {

    public BudgetSettings {
        Objects.requireNonNull(dailyLimit, "dailyLimit");
        Objects.requireNonNull(leftForRecovery, "leftForRecovery");
        Objects.requireNonNull(keepForCheaperSteps, "keepForCheaperSteps");
        if (!dailyLimit.isPositive()) {
            throw new IllegalArgumentException("dailyLimit must be > 0, was " + dailyLimit);
        }
        if (leftForRecovery.isNegative() || leftForRecovery.compareTo(dailyLimit) >= 0) {
            throw new IllegalArgumentException("leftForRecovery must be >= 0 and below the daily limit, was "
                    + leftForRecovery);
        }
        if (keepForCheaperSteps.isNegative() || keepForCheaperSteps.compareTo(dailyLimit) >= 0) {
            throw new IllegalArgumentException("keepForCheaperSteps must be >= 0 and below the daily limit, was "
                    + keepForCheaperSteps);
        }
    }

    /**
     * The demo's budget: $100.00 a day (a standard run spends about $10 before the recovery phase, so healthy, outage
     * and storm are never limited); $1.50 left at the start of the recovery phase, of which the advanced step may use
     * all but $1.00 (a few hundred advanced calls), and the $1.00 kept for the cheap model covers more cheap calls
     * than the recovery phase can make (32 workers, 15 ms median latency: about 6,000 calls at ~$0.00011).
     */
    public static BudgetSettings standard() {
        return new BudgetSettings(Money.usd("100.00"), Money.usd("1.50"), Money.usd("1.00"));
    }

    /** A copy that leaves {@code leftUsd} at the start of the recovery phase and keeps {@code keepUsd}. */
    public BudgetSettings leaving(String leftUsd, String keepUsd) {
        return new BudgetSettings(dailyLimit, Money.usd(leftUsd), Money.usd(keepUsd));
    }

    /** Whether the advanced step keeps a share of the budget for the cheaper steps. */
    public boolean keepsForCheaperSteps() {
        return keepForCheaperSteps.isPositive();
    }
}
