package dev.cascade.examples.outage;

import io.opentelemetry.api.OpenTelemetry;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The outage demo: in one command, shows why a fallback chain beats hand-written retries when a provider goes down.
 *
 * <p>Three strategies answer support tickets at the same time, each with its own simulated providers on one shared
 * timeline (healthy, hard outage of the advanced model, 429 storm, recovery): the Cascade chain
 * ({@link CascadeStrategy}), a retry loop on the advanced model ({@link RetryBaseline}) and a try/catch fallback to
 * the cheap model ({@link TryCatchBaseline}). Cascade's chain runs on a daily budget ({@link DailyBudget}) that runs
 * low at the start of the recovery phase, so its traffic degrades to the cheaper steps instead of failing. It prints a
 * table per phase, the models' own latencies, the budget, and whether the targets were met, and writes the same as
 * JSON.
 *
 * <p>Usage: {@code OutageDemo [output.json]} (default {@code target/cascade-demo/outage.json}). Exits with 0 when the
 * demo ran, even if a target failed (the report says FAIL); a crash exits non-zero.
 */
public final class OutageDemo {
    /** Where the JSON report goes when no path is given. */
    public static final Path DEFAULT_OUTPUT = Path.of("target", "cascade-demo", "outage.json");

    /** How long the JVM is warmed up before the timeline starts. */
    private static final Duration WARM_UP = Duration.ofSeconds(1);

    private OutageDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path output = args.length > 0 ? Path.of(args[0]) : DEFAULT_OUTPUT;
        DemoResult result;
        try (DemoTelemetry telemetry = DemoTelemetry.fromEnvironment()) {
            result = run(DemoConfig.standard(), System.out, telemetry.openTelemetry());
        }
        ReportPrinter.printResults(result, System.out);
        ReportJson.write(result, output);
        System.out.println("JSON report: " + output.toAbsolutePath());
    }

    /**
     * Runs the whole scenario and returns what it measured; prints the header and phase changes to {@code progress}.
     * Blocks for the length of the timeline, plus the requests still in flight at its end.
     */
    public static DemoResult run(DemoConfig config, PrintStream progress) throws InterruptedException {
        return run(config, progress, OpenTelemetry.noop());
    }

    /** As {@link #run(DemoConfig, PrintStream)}, with Cascade's spans and metrics going to {@code otel}. */
    public static DemoResult run(DemoConfig config, PrintStream progress, OpenTelemetry otel)
            throws InterruptedException {
        long began = System.nanoTime();
        Timeline timeline = new Timeline(config.phases());
        Map<String, SimulatedModel> models = new LinkedHashMap<>();
        CascadeStrategy cascade = new CascadeStrategy(config,
                add(models, advanced("cascade", config, timeline)), add(models, cheap("cascade", config, timeline)),
                timeline, otel, line -> progress.println("[" + Millis.seconds(timeline.elapsedAt(System.nanoTime()))
                        + "] budget: " + line));
        RetryBaseline retry = new RetryBaseline(add(models, advanced("baseline_retry", config, timeline)),
                config.baselineAttempts(), config.baselineBackoff());
        TryCatchBaseline tryCatch = new TryCatchBaseline(add(models, advanced("baseline_trycatch", config, timeline)),
                add(models, cheap("baseline_trycatch", config, timeline)));
        List<Strategy> strategies = List.of(cascade, retry, tryCatch);
        // Side by side in the storm: the cascade chain's model steps alone, without and with the last resort. Their
        // models are their own (as every strategy's), and they run on a quarter of the workers to load the machine
        // less; they are not part of the targets.
        List<StormVariant> variants = List.of(
                new StormVariant(config, advanced(StormVariant.OFF, config, timeline),
                        cheap(StormVariant.OFF, config, timeline), false),
                new StormVariant(config, advanced(StormVariant.ON, config, timeline),
                        cheap(StormVariant.ON, config, timeline), true));
        BreakerLog breaker = new BreakerLog(timeline);
        breaker.watch(cascade.advancedBreaker());

        Map<String, String> descriptions = new LinkedHashMap<>();
        strategies.forEach(s -> descriptions.put(s.name(), s.describe()));
        ReportPrinter.printHeader(config, timeline, descriptions, progress);
        variants.forEach(v -> progress.println("  side by side in the storm, " + v.name() + ": " + v.describe()));
        progress.println("warming up the JVM for " + Millis.seconds(WARM_UP) + " (a throwaway chain, not measured)");
        Warmup.run(WARM_UP, config.concurrency());

        List<LoadGenerator> generators = strategies.stream()
                .map(s -> new LoadGenerator(s, new TicketFeed(config.seed()), timeline, config.concurrency()))
                .toList();
        List<LoadGenerator> variantGenerators = variants.stream()
                .map(s -> new LoadGenerator(s, new TicketFeed(config.seed()), timeline,
                        Math.max(1, config.concurrency() / 4)))
                .toList();
        timeline.start();
        generators.forEach(LoadGenerator::start);
        variantGenerators.forEach(LoadGenerator::start);
        announcePhases(timeline, progress);

        Map<String, StrategyStats> results = new LinkedHashMap<>();
        for (LoadGenerator g : generators) {
            StrategyStats s = g.await();
            results.put(s.strategy(), s);
        }
        List<StormComparison> storm = new java.util.ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            StormVariant v = variants.get(i);
            storm.add(new StormComparison(v.name(), v.describe(), variantGenerators.get(i).await(), v.lastResorts(),
                    v.answeredByLastResort()));
        }
        Duration runTime = Duration.ofNanos(System.nanoTime() - began);
        progress.println("[" + Millis.seconds(timeline.elapsedAt(System.nanoTime())) + "] all requests finished");
        progress.println();

        Map<String, ModelStats> modelStats = new LinkedHashMap<>();
        models.forEach((id, m) -> modelStats.put(id, m.stats()));
        BudgetReport budget = cascade.budgetReport();
        List<TargetCheck> targets = Targets.evaluate(config, results.get(cascade.name()),
                results.get(tryCatch.name()), models.get("cascade/cheap").stats(), budget, runTime);
        return new DemoResult(config, timeline, results, descriptions, modelStats, breaker.transitions(),
                cascade.reviewQueue().size(), budget, runTime, targets, storm);
    }

    private static SimulatedModel advanced(String strategy, DemoConfig c, Timeline t) {
        return new SimulatedModel(strategy + "/advanced", ModelPrice.ADVANCED.model(), c.advancedLatency(),
                FaultScript.advanced(c), c.readTimeout(), t, c.seed() + 1);
    }

    private static SimulatedModel cheap(String strategy, DemoConfig c, Timeline t) {
        return new SimulatedModel(strategy + "/cheap", ModelPrice.CHEAP.model(), c.cheapLatency(),
                FaultScript.cheap(c), c.readTimeout(), t, c.seed() + 2);
    }

    private static SimulatedModel add(Map<String, SimulatedModel> models, SimulatedModel m) {
        models.put(m.id(), m);
        return m;
    }

    /** Prints a line as each phase begins, and when the timeline is over. */
    private static void announcePhases(Timeline timeline, PrintStream progress) throws InterruptedException {
        for (Phase p : Phase.values()) {
            sleepUntil(timeline, timeline.startOf(p));
            progress.println("[" + Millis.seconds(timeline.startOf(p)) + "] phase " + p.key() + " begins ("
                    + Millis.seconds(timeline.duration(p)) + ")");
        }
        sleepUntil(timeline, timeline.total());
        progress.println("[" + Millis.seconds(timeline.total()) + "] timeline over; finishing requests in flight");
    }

    private static void sleepUntil(Timeline timeline, Duration at) throws InterruptedException {
        long wait = at.minus(timeline.elapsedAt(System.nanoTime())).toNanos();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
