package dev.cascade.examples.outage;

import dev.cascade.api.Money;
import dev.cascade.budget.Budget;
import dev.cascade.budget.InMemoryBudgetLedger;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The Cascade chain's daily budget in the demo: a real {@link Budget} with a hard limit per chain and day
 * ({@link Scope#CHAIN}, {@link Window#DAY}) on an {@link InMemoryBudgetLedger}, pricing the simulated models from
 * {@link ModelPrice}, and the story around it:
 *
 * <ul>
 *   <li>The phases are told to it as requests arrive ({@link #enter}); the first request of a phase records what the
 *       budget had left when the previous phase ended (reservations of calls still in flight count as used).</li>
 *   <li>At the start of the recovery phase, before the first recovery request runs, the day's earlier traffic is
 *       simulated as having spent all but {@link BudgetSettings#leftForRecovery()} of what is left: one reservation
 *       and its settle in the budget's own ledger, on the chain's day account. No request of the recovery phase can
 *       run before it (they all pass through {@link #enter}), so the budget runs low at the same point of the
 *       timeline on any machine, however fast. From then on a model step whose worst case the remainder cannot cover
 *       is skipped with {@code OVER_BUDGET}, and the chain answers with the next step.</li>
 *   <li>The advanced step has {@link Budget.Builder#headroom headroom}: it leaves
 *       {@link BudgetSettings#keepForCheaperSteps()} of the limit to the steps after it, and is skipped with
 *       {@code OVER_BUDGET} once its worst case would eat into that. Without it, a chain-wide limit lets the first
 *       (dearest) step spend the day down to less than one of its own calls: the cheap model then gets that crumb (a
 *       few dozen to a hundred calls) and the rest of the day goes to the rules and human review. The ledger
 *       enforces the headroom atomically, like the limit.</li>
 * </ul>
 *
 * <p>The budget's clock is pinned to the moment the demo started, so a run across midnight (UTC) stays in one budget
 * day. Thread-safe.
 */
public final class DailyBudget {
    private static final Phase[] PHASES = Phase.values();

    private final String chain;
    private final Money limit;
    private final Money leftForRecovery;
    private final Money keepForCheaperSteps;
    private final Budget budget;
    private final Consumer<String> log;
    /** What the budget had left when each phase ended; guarded by {@code this}. */
    private final Map<Phase, Money> leftAtEnd = new EnumMap<>(Phase.class);
    /** The latest phase a request has entered; written under {@code this}, after the phase's set-up is done. */
    private volatile Phase current;
    /** Guarded by {@code this}. */
    private Money earlierTraffic = Money.ZERO;
    private boolean earlierTrafficSimulated;

    /**
     * @param chain    the chain's name (the budget's {@code CHAIN} subject)
     * @param settings the limit and what is left at the start of the recovery phase
     * @param log      receives one line when the earlier traffic is simulated
     */
    public DailyBudget(String chain, BudgetSettings settings, Consumer<String> log) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.limit = settings.dailyLimit();
        this.leftForRecovery = settings.leftForRecovery();
        this.keepForCheaperSteps = settings.keepForCheaperSteps();
        this.log = Objects.requireNonNull(log, "log");
        Budget.Builder b = Budget.builder()
                .limit(Scope.CHAIN, Window.DAY, limit.toUsd().toPlainString())
                .price(ModelPrice.ADVANCED.model(), ModelPrice.ADVANCED.budgetPricing())   // sim-advanced
                .price(ModelPrice.CHEAP.model(), ModelPrice.CHEAP.budgetPricing())         // sim-cheap
                .ledger(new InMemoryBudgetLedger())
                .clock(Clock.fixed(Instant.now(), ZoneOffset.UTC));
        if (keepForCheaperSteps.isPositive()) {
            b.headroom(CascadeStrategy.ADVANCED, keepForCheaperSteps.toUsd().toPlainString());
        }
        this.budget = b.build();
    }

    /** The budget to give the chain ({@code CascadeBuilder.budget(...)}). */
    public Budget budget() {
        return budget;
    }

    /** What the advanced step leaves to the cheaper steps (zero: the budget alone). */
    public Money keepForCheaperSteps() {
        return keepForCheaperSteps;
    }

    /** The chain's hard daily limit. */
    public Money limit() {
        return limit;
    }

    /** What the simulated earlier traffic leaves at the start of the recovery phase. */
    public Money leftForRecovery() {
        return leftForRecovery;
    }

    /** The chain's day account, e.g. {@code chain:support-triage|DAY|2026-11-28}. */
    public String account() {
        return spend().account();
    }

    /** The chain's day account now: spent, reserved, and what the hard limit leaves. */
    public Budget.Spend spend() {
        return budget.spend(Scope.CHAIN, chain, Window.DAY);
    }

    /**
     * Called before every request with the phase it runs in. The first request of a later phase closes the earlier
     * phases (records what was left) and, for the recovery phase, simulates the day's earlier traffic, while every
     * other request of that phase waits.
     */
    public void enter(Phase phase) {
        Phase c = current;
        if (c != null && phase.ordinal() <= c.ordinal()) {
            return;
        }
        synchronized (this) {
            c = current;
            if (c != null && phase.ordinal() <= c.ordinal()) {
                return;
            }
            Money left = left();
            for (int i = c == null ? 0 : c.ordinal(); i < phase.ordinal(); i++) {
                leftAtEnd.put(PHASES[i], left);
            }
            if (phase == Phase.RECOVERY && !earlierTrafficSimulated) {
                simulateEarlierTraffic();
            }
            current = phase;
        }
    }

    /** Called once every request has finished: records what is left at the end of the last phase(s). */
    public synchronized void finish() {
        Money left = left();
        for (Phase p : PHASES) {
            if (current == null || p.ordinal() >= current.ordinal()) {
                leftAtEnd.put(p, left);
            }
        }
    }

    /** What the day's earlier traffic was simulated as having spent (zero before the recovery phase). */
    public synchronized Money earlierTraffic() {
        return earlierTraffic;
    }

    /** Whether the recovery phase started and the earlier traffic was simulated. */
    public synchronized boolean earlierTrafficSimulated() {
        return earlierTrafficSimulated;
    }

    /** What was left at the end of each phase (after {@link #finish()}, every phase has a value). */
    public synchronized Map<Phase, Money> leftAtPhaseEnd() {
        return Map.copyOf(leftAtEnd);
    }

    /** What the hard limit leaves now: limit - spent - reserved. */
    public Money left() {
        return spend().remaining().orElseThrow();
    }

    /** Reservations neither settled nor released (0 once every request has finished). */
    public long openReservations() {
        return budget.ledger().openReservations();
    }

    /**
     * Records all but {@link #leftForRecovery} of what is left as spent by the day's earlier traffic
     * ({@link Budget#recordSpend}), on the chain's day account. Reservations of storm-phase calls still in flight
     * count as used, so the limit still holds when they settle.
     */
    private void simulateEarlierTraffic() {
        long amount = left().micros() - leftForRecovery.micros();
        if (amount > 0) {
            earlierTraffic = Money.ofMicros(amount);
            budget.recordSpend(Scope.CHAIN, chain, Window.DAY, earlierTraffic);
        }
        earlierTrafficSimulated = true;
        log.accept(earlierTrafficSentence(earlierTraffic, limit) + ", leaving " + Usd.text(leftForRecovery));
    }

    /** The sentence the report uses, e.g. for the header with a placeholder amount. */
    static String earlierTrafficSentence(Object spent, Money limit) {
        return "at the start of the recovery phase, the day's earlier traffic is simulated as having spent "
                + (spent instanceof Money m ? Usd.text(m) : spent) + " of the " + Usd.text(limit) + " daily budget";
    }
}
