package dev.cascade.examples.outage;

import dev.cascade.api.Money;
import dev.cascade.examples.json.JsonWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run as JSON: {@code config}, {@code budget_limit_usd} and {@code budget_spent_usd} (top level: Cascade's chain
 * is the only strategy with a budget; spent includes the simulated earlier traffic of the day), {@code budget} (the
 * details: account, earlier traffic, this run's spend, open reservations, the cost check), {@code strategies} (per
 * strategy and phase: {@code requests}, {@code answered_by}, {@code lost}, {@code p50_ms}, {@code p99_ms},
 * {@code cost_usd}; for {@code cascade} also {@code over_budget_skips}, {@code over_budget_skips_by_step} and
 * {@code budget_left_usd}, what the daily limit left at the phase's end), {@code models} (each simulated model's own
 * {@code p50_ms} / {@code p99_ms} per phase), {@code storm_models_only} (the chain's model steps alone, without and
 * with the last resort: the storm phase, all phases, {@code last_resorts}, {@code answered_by_last_resort}),
 * {@code breaker_transitions} and {@code targets}. Money is exact USD.
 */
public final class ReportJson {
    /** The key holding all phases together, next to the phase keys of each strategy. */
    public static final String ALL_PHASES = "all_phases";

    private ReportJson() {
    }

    /** Writes the report to {@code path}, creating its directory. */
    public static void write(DemoResult result, Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(path, JsonWriter.write(toTree(result)));
    }

    /** The report as nested maps and lists, ready for {@link JsonWriter}. */
    public static Map<String, Object> toTree(DemoResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("config", config(r));
        BudgetReport b = r.budget();
        root.put("budget_limit_usd", b.limit().toUsd());
        root.put("budget_spent_usd", b.spent().toUsd());
        root.put("budget", budget(b));
        Map<String, Object> strategies = new LinkedHashMap<>();
        r.strategies().forEach((name, stats) -> {
            boolean budgeted = CascadeStrategy.NAME.equals(name);
            Map<String, Object> phases = new LinkedHashMap<>();
            for (Phase p : Phase.values()) {
                Map<String, Object> m = phase(stats.phase(p));
                if (budgeted) {
                    addBudget(m, stats.phase(p), b.leftAt(p));
                }
                phases.put(p.key(), m);
            }
            Map<String, Object> all = phase(stats.total());
            if (budgeted) {
                addBudget(all, stats.total(), b.leftAt(Phase.values()[Phase.values().length - 1]));
            }
            phases.put(ALL_PHASES, all);
            strategies.put(name, phases);
        });
        root.put("strategies", strategies);
        Map<String, Object> storm = new LinkedHashMap<>();
        for (StormComparison v : r.stormVariants()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("description", v.description());
            m.put(Phase.RATE_LIMIT_STORM.key(), phase(v.stats().phase(Phase.RATE_LIMIT_STORM)));
            m.put(ALL_PHASES, phase(v.stats().total()));
            m.put("last_resorts", v.lastResorts());
            m.put("answered_by_last_resort", v.answeredByLastResort());
            storm.put(v.name(), m);
        }
        root.put("storm_models_only", storm);
        Map<String, Object> models = new LinkedHashMap<>();
        r.models().forEach((id, stats) -> {
            Map<String, Object> phases = new LinkedHashMap<>();
            for (Phase p : Phase.values()) {
                phases.put(p.key(), model(stats.phase(p)));
            }
            models.put(id, phases);
        });
        root.put("models", models);
        List<Object> transitions = new ArrayList<>();
        for (BreakerLog.Transition t : r.breaker()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at_ms", t.at().toMillis());
            m.put("phase", t.phase().key());
            m.put("from", t.from());
            m.put("to", t.to());
            transitions.add(m);
        }
        root.put("breaker_transitions", transitions);
        root.put("review_queue_items", r.reviewItems());
        Map<String, Object> targets = new LinkedHashMap<>();
        for (TargetCheck t : r.targets()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pass", t.passed());
            m.put("description", t.description());
            m.put("detail", t.detail());
            targets.put(t.key(), m);
        }
        root.put("targets", targets);
        root.put("all_targets_pass", r.allTargetsMet());
        return root;
    }

    private static Map<String, Object> phase(PhaseStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", s.requests());
        m.put("answered_by", new LinkedHashMap<String, Object>(s.answeredBy()));
        m.put("lost", s.lost());
        m.put("p50_ms", Millis.exact(s.latency().percentileMicros(50)));
        m.put("p99_ms", Millis.exact(s.latency().percentileMicros(99)));
        m.put("cost_usd", s.cost().toUsd());
        return m;
    }

    private static void addBudget(Map<String, Object> m, PhaseStats s, Money left) {
        m.put("over_budget_skips", s.overBudgetSkips());
        m.put("over_budget_skips_by_step", new LinkedHashMap<String, Object>(s.overBudgetSkipsByStep()));
        m.put("budget_left_usd", left.toUsd());
    }

    private static Map<String, Object> budget(BudgetReport b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", CascadeStrategy.NAME);
        m.put("account", b.account());
        m.put("scope", "CHAIN");
        m.put("window", "DAY");
        m.put("limit_usd", b.limit().toUsd());
        m.put("spent_usd", b.spent().toUsd());
        m.put("simulated_earlier_traffic_usd", b.earlierTraffic().toUsd());
        m.put("left_at_recovery_start_usd", b.leftForRecovery().toUsd());
        m.put("kept_for_cheaper_steps_usd", b.keepForCheaperSteps().toUsd());
        m.put("spent_by_run_usd", b.spentByRun().toUsd());
        m.put("within_limit", b.withinLimit());
        m.put("open_reservations", b.openReservations());
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("outcome_cost_usd", b.outcomeCost().toUsd());
        check.put("price_list_usd", b.priceListCost().toUsd());
        check.put("ledger_spent_by_run_usd", b.spentByRun().toUsd());
        check.put("requests", b.requests());
        check.put("mismatched_requests", b.costMismatches());
        check.put("agree", b.costsAgree());
        m.put("cost_check", check);
        return m;
    }

    private static Map<String, Object> model(ModelPhaseStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50_ms", Millis.exact(s.answeredLatency().percentileMicros(50)));
        m.put("p99_ms", Millis.exact(s.answeredLatency().percentileMicros(99)));
        m.put("calls", s.calls());
        m.put("answered", s.answeredLatency().count());
        m.put("timeouts", s.timeouts());
        m.put("interrupted", s.interrupts());
        m.put("rate_limited", s.rateLimitedCalls());
        return m;
    }

    private static Map<String, Object> config(DemoResult r) {
        DemoConfig c = r.config();
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> phases = new LinkedHashMap<>();
        for (Phase p : Phase.values()) {
            phases.put(p.key(), c.phases().get(p).toMillis());
        }
        m.put("phases_ms", phases);
        m.put("workers_per_strategy", c.concurrency());
        m.put("strategies_run_concurrently", true);
        m.put("seed", c.seed());
        m.put("read_timeout_ms", c.readTimeout().toMillis());
        m.put("advanced_model", model(c.advancedLatency(), ModelPrice.ADVANCED));
        m.put("cheap_model", model(c.cheapLatency(), ModelPrice.CHEAP));
        m.put("max_output_tokens", SupportPrompt.MAX_OUTPUT_TOKENS);
        Map<String, Object> budget = new LinkedHashMap<>();
        budget.put("daily_limit_usd", c.budget().dailyLimit().toUsd());
        budget.put("left_at_recovery_start_usd", c.budget().leftForRecovery().toUsd());
        budget.put("kept_for_cheaper_steps_usd", c.budget().keepForCheaperSteps().toUsd());
        budget.put("earlier_traffic", DailyBudget.earlierTrafficSentence("$X", c.budget().dailyLimit())
                + ", where $X is all but left_at_recovery_start_usd of what the budget has left then");
        m.put("budget", budget);
        Map<String, Object> storm = new LinkedHashMap<>();
        storm.put("rate_limited_share", c.stormRateLimitShare());
        storm.put("hits", c.stormHitsCheap() ? List.of("advanced", "cheap") : List.of("advanced"));
        storm.put("retry_after_ms", List.of(c.retryAfterMin().toMillis(), c.retryAfterMax().toMillis()));
        m.put("storm_429", storm);
        m.put("outage", "advanced model hangs until the read timeout, then SocketTimeoutException");
        m.put("strategies", new LinkedHashMap<String, Object>(r.descriptions()));
        m.put("run_time_ms", r.runTime().toMillis());
        return m;
    }

    private static Map<String, Object> model(LatencyProfile latency, ModelPrice price) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", price.model());
        m.put("latency", "lognormal");
        m.put("median_ms", latency.medianMs());
        m.put("sigma", latency.sigma());
        m.put("usd_per_1m_input_tokens", ModelPrice.perMillionUsd(price.inputNanoUsdPerToken()));
        m.put("usd_per_1m_output_tokens", ModelPrice.perMillionUsd(price.outputNanoUsdPerToken()));
        return m;
    }
}
