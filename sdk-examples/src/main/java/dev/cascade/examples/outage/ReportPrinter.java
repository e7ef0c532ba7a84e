package dev.cascade.examples.outage;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Prints the demo's header, its per-phase tables, the models' own latencies and the target verdicts. */
public final class ReportPrinter {
    private static final List<String> STEP_COLUMNS = List.of(CascadeStrategy.ADVANCED, CascadeStrategy.CHEAP,
            CascadeStrategy.RULES, CascadeStrategy.HUMAN_REVIEW);
    private static final String ROW = "  %-18s %9s %9s %9s %9s %9s %7s %9s %9s %14s %11s%n";
    private static final String MODEL_ROW = "  %-26s %-10s %7s %9s %9s %12s %7s %9s %9s%n";

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
        out.println("  advanced   lognormal latency, median " + c.advancedLatency().medianMs() + " ms, sigma "
                + c.advancedLatency().sigma() + "; " + Pricing.ADVANCED.describePerMillion()
                + " per 1M input / output tokens");
        out.println("  cheap      lognormal latency, median " + c.cheapLatency().medianMs() + " ms, sigma "
                + c.cheapLatency().sigma() + "; " + Pricing.CHEAP.describePerMillion()
                + " per 1M input / output tokens");
        out.println("  load       " + c.concurrency() + " closed-loop workers per strategy until the timeline ends;"
                + " seed " + c.seed() + "; support tickets, about 1 in 3 matches an FAQ rule");
        strategies.forEach((name, d) -> out.println("  " + String.format(Locale.ROOT, "%-18s", name) + " " + d));
        out.println("  A request counts in the phase it STARTED in; latency is end to end; lost = no answer and no"
                + " review item; cost = tokens the providers reported for answered calls, exact to 1e-9 USD.");
        out.println();
    }

    /** The results: per-phase tables, all phases, the models' own latencies, the breaker, the targets. */
    public static void printResults(DemoResult r, PrintStream out) {
        for (Phase p : Phase.values()) {
            out.println(p.key() + "  (" + Millis.seconds(r.timeline().startOf(p)) + " - "
                    + Millis.seconds(r.timeline().startOf(p).plus(r.timeline().duration(p))) + ")");
            printHeaderRow(out);
            r.strategies().forEach((name, s) -> printRow(out, name, s.phase(p)));
            out.println();
        }
        out.println("all phases");
        printHeaderRow(out);
        r.strategies().forEach((name, s) -> printRow(out, name, s.total()));
        out.println("  Cascade's human review queue holds " + r.reviewItems() + " items.");
        out.println();

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

    private static void printHeaderRow(PrintStream out) {
        out.printf(Locale.ROOT, ROW, "strategy", "requests", "advanced", "cheap", "rules", "human", "lost", "p50 ms",
                "p99 ms", "cost USD", "USD/1k req");
    }

    private static void printRow(PrintStream out, String name, PhaseStats s) {
        Map<String, Long> by = s.answeredBy();
        Object[] steps = STEP_COLUMNS.stream().map(k -> by.containsKey(k) ? String.valueOf(by.get(k)) : "-")
                .toArray();
        BigDecimal cost = Pricing.usd(s.costNanoUsd());
        String perK = s.requests() == 0 ? "-" : cost.multiply(BigDecimal.valueOf(1000))
                .divide(BigDecimal.valueOf(s.requests()), 4, RoundingMode.HALF_UP).toPlainString();
        out.printf(Locale.ROOT, ROW, name, s.requests(), steps[0], steps[1], steps[2], steps[3], s.lost(),
                Millis.text(s.latency().percentileMicros(50)), Millis.text(s.latency().percentileMicros(99)),
                cost.toPlainString(), perK);
    }

    private static String pct(double share) {
        return BigDecimal.valueOf(share * 100).stripTrailingZeros().toPlainString() + "%";
    }
}
