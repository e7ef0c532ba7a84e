package dev.cascade.examples.outage;

import dev.cascade.api.Money;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Prints the demo's header, its per-phase tables, the budget, the models' own latencies and the target verdicts. */
public final class ReportPrinter {
    private static final List<String> STEP_COLUMNS = List.of(CascadeStrategy.ADVANCED, CascadeStrategy.CHEAP,
            CascadeStrategy.RULES, CascadeStrategy.HUMAN_REVIEW);
    private static final String ROW = "  %-18s %9s %9s %9s %9s %9s %7s %11s %9s %9s %12s %11s%n";
    private static final String MODEL_ROW = "  %-26s %-10s %7s %9s %9s %12s %7s %9s %9s%n";
    private static final String STORM_ROW = "  %-24s %9s %6s %7s %9s %9s %13s %17s%n";

    private ReportPrinter() {
    }

    /** What is about to run: the scenario, and each strategy's configuration. */
    public static void printHeader(DemoConfig c, Timeline t, Map<String, String> strategies, PrintStream out) {
        out.println("Cascade outage demo: one Cascade chain vs. two hand-written baselines, simulated providers,");
        out.println("one shared wall-clock timeline (the three strategies run at the same time, each on its own"
                + " models)");
        out.println();
        StringJoiner phases = new StringJoiner(" -> ");
        for (Phase p : Phase.values()) {
            phases.add(p.key() + " " + Millis.seconds(t.duration(p)));
        }
        out.println("  timeline   " + phases + "  (total " + Millis.seconds(t.total()) + ")");
        out.println("  outage     the advanced model hangs: every call blocks until the " + c.readTimeout().toMillis()
                + " ms read timeout, then SocketTimeoutException");
        out.println("  429 storm  " + pct(c.stormRateLimitShare()) + " of calls to "
                + (c.stormHitsCheap() ? "BOTH models (advanced and cheap)" : "the advanced model only")
                + " get 429 with Retry-After " + c.retryAfterMin().toMillis() + "-" + c.retryAfterMax().toMillis()
                + " ms; the advanced model is reachable again");
        out.println("  advanced   " + ModelPrice.ADVANCED.model() + ", lognormal latency, median "
                + c.advancedLatency().medianMs() + " ms, sigma " + c.advancedLatency().sigma() + "; "
                + ModelPrice.ADVANCED.describePerMillion() + " per 1M input / output tokens");
        out.println("  cheap      " + ModelPrice.CHEAP.model() + ", lognormal latency, median "
                + c.cheapLatency().medianMs() + " ms, sigma " + c.cheapLatency().sigma() + "; "
                + ModelPrice.CHEAP.describePerMillion() + " per 1M input / output tokens");
        out.println("  requests   every request carries max " + SupportPrompt.MAX_OUTPUT_TOKENS + " output tokens (the"
                + " models answer with 80-240)");
        BudgetSettings b = c.budget();
        out.println("  budget     Cascade's chain has a hard limit of " + Usd.text(b.dailyLimit()) + " per day"
                + " (dev.cascade.budget.Budget, Scope.CHAIN, Window.DAY, in-memory ledger), the models priced as above;"
                + " a standard run spends about $10, so healthy, outage and storm are never limited");
        out.println("             " + DailyBudget.earlierTrafficSentence("$X", b.dailyLimit()) + ", where $X is all"
                + " but " + Usd.text(b.leftForRecovery()) + " of what the budget has left then (a reserve + settle on"
                + " the chain's day account in the same ledger;");
        out.println("             $X is printed when it happens); from then on a model step whose worst case the"
                + " remainder cannot cover is skipped with OVER_BUDGET and the next step answers");
        if (b.keepsForCheaperSteps()) {
            out.println("             the advanced step is also skipped with OVER_BUDGET once the remainder cannot"
                    + " cover its worst case plus " + Usd.text(b.keepForCheaperSteps()) + " kept for the cheaper"
                    + " steps (a StepAdmission in front of the Budget), so the cheap model, then rules, then review"
                    + " answer");
        } else {
            out.println("             nothing is kept for the cheaper steps: the Budget alone decides");
        }
        out.println("  load       " + c.concurrency() + " closed-loop workers per strategy until the timeline ends;"
                + " seed " + c.seed() + "; support tickets, about 1 in 3 matches an FAQ rule");
        strategies.forEach((name, d) -> out.println("  " + String.format(Locale.ROOT, "%-18s", name) + " " + d));
        out.println("  A request counts in the phase it STARTED in; latency is end to end; lost = no answer and no"
                + " review item; over-budget = steps the budget skipped (OVER_BUDGET); cost = tokens the providers"
                + " reported, each call billed exactly and rounded up to $0.000001 (the budget's rule); Cascade's cost"
                + " is Outcome.cost(), the budget's settled cost.");
        out.println();
    }

    /** The results: per-phase tables, all phases, the models' own latencies, the breaker, the targets. */
    public static void printResults(DemoResult r, PrintStream out) {
        for (Phase p : Phase.values()) {
            out.println(p.key() + "  (" + Millis.seconds(r.timeline().startOf(p)) + " - "
                    + Millis.seconds(r.timeline().startOf(p).plus(r.timeline().duration(p))) + ")");
            printHeaderRow(out);
            r.strategies().forEach((name, s) -> printRow(out, name, s.phase(p)));
            printBudgetLine(r, p, out);
            out.println();
        }
        out.println("all phases");
        printHeaderRow(out);
        r.strategies().forEach((name, s) -> printRow(out, name, s.total()));
        out.println("  Cascade's human review queue holds " + r.reviewItems() + " items.");
        BudgetReport b = r.budget();
        out.println("  " + CascadeStrategy.NAME + " budget: spent " + Usd.text(b.spent()) + " of the "
                + Usd.text(b.limit()) + " daily limit (" + Usd.text(b.earlierTraffic()) + " simulated earlier traffic"
                + " + " + Usd.text(b.spentByRun()) + " this run); " + (b.withinLimit() ? "never over" : "OVER THE LIMIT")
                + "; open reservations " + b.openReservations() + "; account " + b.account());
        out.println("  " + CascadeStrategy.NAME + " cost check: sum of Outcome.cost() " + Usd.text(b.outcomeCost())
                + (b.outcomeCost().equals(b.priceListCost()) ? " = " : " != ") + "demo price list "
                + Usd.text(b.priceListCost()) + (b.outcomeCost().equals(b.spentByRun()) ? " = " : " != ")
                + "budget ledger spend of this run " + Usd.text(b.spentByRun()) + " (" + b.costMismatches() + " of "
                + b.requests() + " requests differ)");
        out.println();

        printStormVariants(r, out);

        out.println("simulated models, measured inside the client (p50/p99 of the calls each model answered)");
        out.printf(Locale.ROOT, MODEL_ROW, "model", "phase", "calls", "answered", "timeouts", "interrupted", "429s",
                "p50 ms", "p99 ms");
        r.models().forEach((id, m) -> {
            for (Phase p : Phase.values()) {
                ModelPhaseStats s = m.phase(p);
                out.printf(Locale.ROOT, MODEL_ROW, id, p.key(), s.calls(), s.answeredLatency().count(), s.timeouts(),
                        s.interrupts(), s.rateLimitedCalls(), Millis.text(s.answeredLatency().percentileMicros(50)),
                        Millis.text(s.answeredLatency().percentileMicros(99)));
            }
        });
        out.println();

        out.println("Cascade's advanced-model circuit breaker");
        if (r.breaker().isEmpty()) {
            out.println("  (no state change)");
        }
        for (BreakerLog.Transition t : r.breaker()) {
            out.printf(Locale.ROOT, "  %8s  %-10s %s -> %s%n", Millis.seconds(t.at()), t.phase().key(), t.from(),
                    t.to());
        }
        out.println();

        out.println("targets");
        for (TargetCheck t : r.targets()) {
            out.printf(Locale.ROOT, "  %s  %s%n        %s%n", t.passed() ? "PASS" : "FAIL", t.description(),
                    t.detail());
        }
        out.println(r.allTargetsMet() ? "ALL TARGETS PASS" : "SOME TARGETS FAILED (see FAIL above)");
    }

    /** The models-only chain in the storm, without and with its last resort: the requests it lost, side by side. */
    private static void printStormVariants(DemoResult r, PrintStream out) {
        if (r.stormVariants().isEmpty()) {
            return;
        }
        out.println(Phase.RATE_LIMIT_STORM.key() + ", the cascade chain's model steps alone (advanced -> cheap, no rules,"
                + " no human review), side by side");
        out.printf(Locale.ROOT, STORM_ROW, "variant", "requests", "lost", "lost %", "p50 ms", "p99 ms",
                "last resorts", "answered by them");
        for (StormComparison v : r.stormVariants()) {
            PhaseStats s = v.stats().phase(Phase.RATE_LIMIT_STORM);
            String share = s.requests() == 0 ? "-" : BigDecimal.valueOf(100.0 * s.lost() / s.requests())
                    .setScale(1, RoundingMode.HALF_UP).toPlainString();
            out.printf(Locale.ROOT, STORM_ROW, v.name(), s.requests(), s.lost(), share,
                    Millis.text(s.latency().percentileMicros(50)), Millis.text(s.latency().percentileMicros(99)),
                    v.lastResorts(), v.answeredByLastResort());
        }
        out.println("  (last resorts: whole run; the storm is where they happen)");
        out.println();
    }

    private static void printHeaderRow(PrintStream out) {
        out.printf(Locale.ROOT, ROW, "strategy", "requests", "advanced", "cheap", "rules", "human", "lost",
                "over-budget", "p50 ms", "p99 ms", "cost USD", "USD/1k req");
    }

    private static void printRow(PrintStream out, String name, PhaseStats s) {
        Map<String, Long> by = s.answeredBy();
        Object[] steps = STEP_COLUMNS.stream().map(k -> by.containsKey(k) ? String.valueOf(by.get(k)) : "-")
                .toArray();
        BigDecimal cost = s.cost().toUsd();
        String perK = s.requests() == 0 ? "-" : cost.multiply(BigDecimal.valueOf(1000))
                .divide(BigDecimal.valueOf(s.requests()), 4, RoundingMode.HALF_UP).toPlainString();
        // Only Cascade has a budget; the baselines have nothing that could skip a step.
        String skips = CascadeStrategy.NAME.equals(name) ? String.valueOf(s.overBudgetSkips()) : "-";
        out.printf(Locale.ROOT, ROW, name, s.requests(), steps[0], steps[1], steps[2], steps[3], s.lost(), skips,
                Millis.text(s.latency().percentileMicros(50)), Millis.text(s.latency().percentileMicros(99)),
                cost.toPlainString(), perK);
    }

    /** Cascade's budget in {@code phase}: skips, what was left at the end, and the simulated earlier traffic. */
    private static void printBudgetLine(DemoResult r, Phase phase, PrintStream out) {
        StrategyStats cascade = r.strategies().get(CascadeStrategy.NAME);
        if (cascade == null) {
            return;
        }
        BudgetReport b = r.budget();
        PhaseStats s = cascade.phase(phase);
        StringJoiner bySteps = new StringJoiner(", ", " (", ")").setEmptyValue("");
        s.overBudgetSkipsByStep().forEach((step, n) -> bySteps.add(step + " " + n));
        if (phase == Phase.RECOVERY) {
            Money earlier = b.earlierTraffic();
            out.println("  " + CascadeStrategy.NAME + " budget: " + DailyBudget.earlierTrafficSentence(earlier,
                    b.limit()) + ", leaving " + Usd.text(b.leftForRecovery()));
        }
        out.println("  " + CascadeStrategy.NAME + " budget: " + s.overBudgetSkips() + " OVER_BUDGET skips" + bySteps
                + "; " + Usd.text(b.leftAt(phase)) + " of the " + Usd.text(b.limit()) + " daily limit left at phase"
                + " end");
    }

    private static String pct(double share) {
        return BigDecimal.valueOf(share * 100).stripTrailingZeros().toPlainString() + "%";
    }
}
