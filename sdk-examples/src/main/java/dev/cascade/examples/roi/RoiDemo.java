package dev.cascade.examples.roi;

import dev.cascade.eval.Dataset;
import dev.cascade.eval.EvalCase;
import dev.cascade.eval.EvalJson;
import dev.cascade.eval.Evaluation;
import dev.cascade.eval.EvaluationResult;
import dev.cascade.eval.RoiOptions;
import dev.cascade.eval.RoiReport;
import dev.cascade.eval.RoiReportWriter;
import dev.cascade.eval.RunSummary;
import dev.cascade.eval.Scorers;
import dev.cascade.eval.ValidationHistory;
import dev.cascade.examples.outage.ModelPrice;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.testing.VirtualTime;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The ROI demo: the committed labelled support tickets ({@value RoiTickets#RESOURCE}) through three chains built on
 * the same two simulated models ({@link RoiVariants}: always-advanced, cheap-first, the full chain), evaluated side by
 * side with cascade-eval, then the ROI report a manager reads: {@code roi.json} and {@code roi.html}.
 *
 * <p>It makes {@value #RUNS} validation runs, one per simulated day, each with its own seed (first seed, +1, ...), so
 * the figures are not those of one lucky draw: the report is the last run's, its trend shows all of them, and
 * {@code roi-demo.json} lists every run's figures. Everything runs in virtual time ({@link VirtualTime}), so the
 * models' simulated latencies cost no wall time: a run takes about a second.
 *
 * <pre>
 * mvn -B -q -Proi -DskipTests package            # writes sdk-examples/target/roi/, prints the headline line
 * java ... dev.cascade.examples.roi.RoiDemo [DIR] [FIRST_SEED] [RUNS]
 * </pre>
 */
public final class RoiDemo {
    /** Validation runs (seeds) per demo. */
    public static final int RUNS = 5;
    /** The data set's name in the report. */
    public static final String DATASET = "support-tickets";
    /** Where the runs' simulated days start. */
    static final Instant FIRST_DAY = Instant.parse("2026-11-01T03:00:00Z");

    private RoiDemo() {
    }

    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : Path.of("target", "roi");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : RUNS;
        RoiDemoResult result = run(dataset(), seed, runs, dir);
        System.out.println(result.headline());
        System.out.println("wrote " + dir.resolve(RoiReportWriter.JSON) + " and " + dir.resolve(RoiReportWriter.HTML));
    }

    /** The committed data set, as cascade-eval reads it. */
    public static Dataset dataset() {
        try (InputStream in = RoiDemo.class.getClassLoader().getResourceAsStream(RoiTickets.RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("data set " + RoiTickets.RESOURCE + " is not on the class path");
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Dataset.fromJsonl(DATASET, r);
            }
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes {@code runs} validation runs of {@code dataset} (seeds {@code firstSeed}, {@code firstSeed + 1}, ...) and
     * writes the report of the last one, with the others as its trend, into {@code dir}: {@code roi.json},
     * {@code roi.html}, {@code evaluation.json} (the last run's full result: per step, tag and template) and
     * {@code roi-demo.json} (each run's headline figures).
     */
    public static RoiDemoResult run(Dataset dataset, long firstSeed, int runs, Path dir) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1, was " + runs);
        }
        List<RoiTicket> tickets = dataset.cases().stream().map(RoiDemo::ticket).toList();
        Map<String, RoiTicket> byId = tickets.stream()
                .collect(Collectors.toMap(RoiTicket::id, Function.identity()));
        ValidationHistory history = ValidationHistory.inMemory(runs);
        List<RoiDemoResult.Run> figures = new ArrayList<>();
        EvaluationResult last = null;
        for (int i = 0; i < runs; i++) {
            long seed = firstSeed + i;
            VirtualTime time = new VirtualTime(FIRST_DAY.plus(Duration.ofDays(i)));
            last = evaluation(tickets, byId, seed, time).run(dataset, "seed-" + seed);
            history.append(RunSummary.of(last));
            figures.add(RoiDemoResult.Run.of(seed, last));
        }
        RoiReport report = RoiReport.fromEvaluation(last, RoiOptions.defaults()
                .withTitle("Support triage: what the Cascade chain saves")
                .withBaseline(RoiVariants.ALWAYS_ADVANCED)
                .withChosen(RoiVariants.FULL_CHAIN)
                .withTrend(history.all()));
        RoiReportWriter.write(report, dir);
        EvalJson.write(last, dir.resolve("evaluation.json"));
        RoiDemoResult result = new RoiDemoResult(report, figures);
        EvalJson.write(result.toJsonTree(), dir.resolve("roi-demo.json"));
        return result;
    }

    /**
     * The evaluation of one run: the three variants on {@code time}, scored on the category label, with the advanced
     * model's price as the counterfactual "everything on the most expensive model".
     */
    static Evaluation<RoiTicket, Triage> evaluation(List<RoiTicket> tickets, Map<String, RoiTicket> byId, long seed,
                                                    VirtualTime time) {
        RoiVariants variants = new RoiVariants(tickets, seed, time);
        return Evaluation.<RoiTicket, Triage>builder()
                .input(c -> byId.get(c.id()))
                .scorer(Scorers.exactLabel(Triage::category))
                .variant(RoiVariants.ALWAYS_ADVANCED, variants.alwaysAdvanced())
                .variant(RoiVariants.CHEAP_FIRST, variants.cheapFirst())
                .variant(RoiVariants.FULL_CHAIN, variants.fullChain(new InMemoryReviewQueue<>()))
                .counterfactual(ModelPrice.ADVANCED.model(), ModelPrice.ADVANCED.budgetPricing())
                .timeSource(time)
                .build();
    }

    static RoiTicket ticket(EvalCase c) {
        if (c.expected() == null || c.template() == null) {
            throw new IllegalArgumentException("case " + c.id() + " needs 'expected' and 'template'");
        }
        return new RoiTicket(c.id(), c.input(), c.expected(), c.tags().stream().sorted().toList(), c.template());
    }
}
