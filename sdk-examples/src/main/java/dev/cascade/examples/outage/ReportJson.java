package dev.cascade.examples.outage;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run as JSON: {@code config}, {@code strategies} (per strategy and phase: {@code requests}, {@code answered_by},
 * {@code lost}, {@code p50_ms}, {@code p99_ms}, {@code cost_usd}), {@code models} (each simulated model's own
 * {@code p50_ms} / {@code p99_ms} per phase), {@code breaker_transitions} and {@code targets}.
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
        Map<String, Object> strategies = new LinkedHashMap<>();
        r.strategies().forEach((name, stats) -> {
            Map<String, Object> phases = new LinkedHashMap<>();
            for (Phase p : Phase.values()) {
                phases.put(p.key(), phase(stats.phase(p)));
            }
            phases.put(ALL_PHASES, phase(stats.total()));
            strategies.put(name, phases);
        });
        root.put("strategies", strategies);
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
        m.put("cost_usd", Pricing.usd(s.costNanoUsd()));
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
        m.put("advanced_model", model(c.advancedLatency(), Pricing.ADVANCED));
        m.put("cheap_model", model(c.cheapLatency(), Pricing.CHEAP));
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

    private static Map<String, Object> model(LatencyProfile latency, Pricing price) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("latency", "lognormal");
        m.put("median_ms", latency.medianMs());
        m.put("sigma", latency.sigma());
        m.put("usd_per_1m_input_tokens", perMillion(price.inputNanoUsdPerToken()));
        m.put("usd_per_1m_output_tokens", perMillion(price.outputNanoUsdPerToken()));
        return m;
    }

    /** A per-token nano-dollar price as USD per 1M tokens. */
    private static BigDecimal perMillion(long nanoUsdPerToken) {
        return Pricing.usd(nanoUsdPerToken * 1_000_000L).stripTrailingZeros();
    }
}
