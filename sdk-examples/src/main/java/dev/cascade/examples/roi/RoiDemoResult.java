package dev.cascade.examples.roi;

import dev.cascade.eval.EvaluationResult;
import dev.cascade.eval.Metrics;
import dev.cascade.eval.RoiReport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the ROI demo found: the report (of its last run) and each run's headline figures. Immutable.
 *
 * @param report the ROI report written as roi.json / roi.html
 * @param runs   every run, in order
 */
public record RoiDemoResult(RoiReport report, List<Run> runs) {

    public RoiDemoResult {
        runs = List.copyOf(runs);
    }

    /**
     * One run's figures: the full chain against always-advanced.
     *
     * @param seed                 the run's seed
     * @param costShare            full chain's cost per ticket / always-advanced's
     * @param accuracy             full chain's accuracy (cases sent to human review count as wrong)
     * @param baselineAccuracy     always-advanced's accuracy
     * @param answeredWithoutHumans full chain's share answered without human review
     * @param cheapFirstCostShare  cheap-first's cost per ticket / always-advanced's
     * @param cheapFirstAccuracy   cheap-first's accuracy
     */
    public record Run(long seed, double costShare, double accuracy, double baselineAccuracy,
                      double answeredWithoutHumans, double cheapFirstCostShare, double cheapFirstAccuracy) {

        static Run of(long seed, EvaluationResult r) {
            Metrics before = r.variant(RoiVariants.ALWAYS_ADVANCED).overall();
            Metrics after = r.variant(RoiVariants.FULL_CHAIN).overall();
            Metrics cheapFirst = r.variant(RoiVariants.CHEAP_FIRST).overall();
            return new Run(seed, share(after, before), after.accuracy(), before.accuracy(), after.answeredShare(),
                    share(cheapFirst, before), cheapFirst.accuracy());
        }

        /** Whether the full chain met the target: at most 40% of the cost, accuracy no worse, 99% without humans. */
        public boolean meetsTarget() {
            return costShare <= 0.40 && accuracy >= baselineAccuracy && answeredWithoutHumans >= 0.99;
        }

        private static double share(Metrics m, Metrics base) {
            return (double) m.costPerTransaction().micros() / base.costPerTransaction().micros();
        }
    }

    /** The last run. */
    public Run last() {
        return runs.get(runs.size() - 1);
    }

    /** The one line the demo prints. */
    public String headline() {
        Run r = last();
        RoiReport.Side before = report.before();
        RoiReport.Side after = report.after();
        double minShare = runs.stream().mapToDouble(Run::costShare).min().orElseThrow();
        double maxShare = runs.stream().mapToDouble(Run::costShare).max().orElseThrow();
        double minAnswered = runs.stream().mapToDouble(Run::answeredWithoutHumans).min().orElseThrow();
        long noWorse = runs.stream().filter(x -> x.accuracy() >= x.baselineAccuracy()).count();
        return String.format(Locale.ROOT, "ROI: the full chain (rules -> cheap -> advanced -> review) costs %.1f%% of"
                        + " always-advanced (%s vs %s per ticket) at %s accuracy vs %s, answering %s without humans"
                        + " (seed %d); over %d seeds: %.1f-%.1f%% of the cost, accuracy no worse in %d/%d, >= %.1f%%"
                        + " without humans", 100 * r.costShare(), after.costPerTransaction(),
                before.costPerTransaction(), pct(r.accuracy()), pct(r.baselineAccuracy()),
                pct(r.answeredWithoutHumans()), r.seed(), runs.size(), 100 * minShare, 100 * maxShare, noWorse,
                runs.size(), 100 * minAnswered);
    }

    /** roi-demo.json's content. */
    Map<String, Object> toJsonTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("headline", headline());
        m.put("profiles", List.of(AccuracyProfile.ADVANCED.describe(), AccuracyProfile.CHEAP.describe()));
        m.put("gates", Map.of("cheapAcceptAtConfidence", RoiVariants.CHEAP_ACCEPT,
                "advancedAcceptAtConfidence", RoiVariants.ADVANCED_ACCEPT));
        m.put("runs", runs);
        m.put("allRunsMeetTarget", runs.stream().allMatch(Run::meetsTarget));
        return m;
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
