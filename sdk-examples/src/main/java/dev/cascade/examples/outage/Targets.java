package dev.cascade.examples.outage;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.StringJoiner;

/** Checks a run against the demo's targets. All comparisons are on integers (counts and microseconds). */
public final class Targets {
    /** The demo must finish within this wall time. */
    public static final Duration MAX_RUN_TIME = Duration.ofSeconds(60);

    private Targets() {
    }

    /**
     * Evaluates the targets.
     *
     * @param config    the run's configuration
     * @param cascade   Cascade's results
     * @param tryCatch  baseline (b)'s results
     * @param cheap     the stats of the cheap model Cascade used
     * @param budget    Cascade's daily budget at the end of the run
     * @param runTime   the run's wall time
     */
    public static List<TargetCheck> evaluate(DemoConfig config, StrategyStats cascade, StrategyStats tryCatch,
                                             ModelStats cheap, BudgetReport budget, Duration runTime) {
        List<TargetCheck> checks = new ArrayList<>();
        long total = cascade.total().requests();
        checks.add(new TargetCheck("cascade_requests", "Cascade handles >= " + config.minCascadeRequests()
                + " requests", total >= config.minCascadeRequests(), total + " requests"));

        boolean noneLost = true;
        StringJoiner lost = new StringJoiner(", ");
        for (Phase p : Phase.values()) {
            long l = cascade.phase(p).lost();
            noneLost &= l == 0;
            lost.add(p.key() + " " + l);
        }
        checks.add(new TargetCheck("cascade_lost_zero", "Cascade loses no request in any phase", noneLost,
                "lost: " + lost));

        PhaseStats outage = cascade.phase(Phase.OUTAGE);
        long requests = outage.requests();
        long withoutHuman = requests - outage.answeredBy(CascadeStrategy.HUMAN_REVIEW) - outage.lost();
        checks.add(new TargetCheck("cascade_outage_answered_without_human",
                "outage: Cascade answers >= 99% of requests without the human step",
                requests > 0 && withoutHuman * 100 >= requests * 99,
                withoutHuman + " of " + requests + " (" + percent(withoutHuman, requests) + ")"));

        OptionalLong p99 = outage.latency().percentileMicros(99);
        OptionalLong cheapP99 = cheap.phase(Phase.OUTAGE).answeredLatency().percentileMicros(99);
        long slow = outage.latency().countAtLeast(config.readTimeout().toNanos());
        checks.add(new TargetCheck("cascade_outage_p99_vs_cheap_model",
                "outage: Cascade p99 <= 1.5 x the cheap model's own p99",
                p99.isPresent() && cheapP99.isPresent() && p99.getAsLong() * 2 <= cheapP99.getAsLong() * 3,
                "Cascade p99 " + Millis.text(p99) + " ms vs cheap model p99 " + Millis.text(cheapP99)
                        + " ms (limit " + limit(cheapP99, 3, 2) + " ms); requests that waited >= one read timeout: "
                        + slow + " of " + requests + " (" + percent(slow, requests) + ")"));

        OptionalLong baseline = tryCatch.phase(Phase.OUTAGE).latency().percentileMicros(99);
        checks.add(new TargetCheck("cascade_outage_p99_vs_baseline_trycatch",
                "outage: Cascade p99 <= 1/3 of baseline_trycatch's p99",
                p99.isPresent() && baseline.isPresent() && p99.getAsLong() * 3 <= baseline.getAsLong(),
                "Cascade p99 " + Millis.text(p99) + " ms vs baseline_trycatch p99 " + Millis.text(baseline)
                        + " ms (limit " + limit(baseline, 1, 3) + " ms)"));

        PhaseStats recovery = cascade.phase(Phase.RECOVERY);
        long skips = recovery.overBudgetSkips();
        StringJoiner answered = new StringJoiner(", ");
        recovery.answeredBy().forEach((step, n) -> answered.add(step + " " + n));
        checks.add(new TargetCheck("cascade_budget",
                "budget: Cascade never spends past the daily limit and degrades instead of failing",
                budget.withinLimit() && recovery.lost() == 0 && skips > 0,
                "spent " + Usd.text(budget.spent()) + " of the " + Usd.text(budget.limit()) + " limit ("
                        + Usd.text(budget.earlierTraffic()) + " simulated earlier traffic + "
                        + Usd.text(budget.spentByRun()) + " this run); recovery: " + skips
                        + " OVER_BUDGET skips, lost " + recovery.lost() + ", answered by " + answered));

        checks.add(new TargetCheck("run_time", "the demo runs in under " + MAX_RUN_TIME.toSeconds() + " s",
                runTime.compareTo(MAX_RUN_TIME) < 0, "ran " + Millis.seconds(runTime)));
        return checks;
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "-" : BigDecimal.valueOf(part * 10_000 / whole, 2).toPlainString() + "%";
    }

    private static String limit(OptionalLong micros, long num, long den) {
        return micros.isPresent() ? Millis.text(OptionalLong.of(micros.getAsLong() * num / den)) : "-";
    }
}
