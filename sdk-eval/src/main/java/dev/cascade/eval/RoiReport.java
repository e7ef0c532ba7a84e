package dev.cascade.eval;

import dev.cascade.api.Money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The savings of a chain, for a manager: before/after cost per transaction, monthly cost at a volume, response time,
 * answered share, accuracy and manual-intervention share, savings by lever, and the trend of the last validation
 * runs. Built from an evaluation ({@link #fromEvaluation}) or from a period's live figures ({@link #fromPeriod});
 * written as {@code roi.json} and a self-contained {@code roi.html} by {@link RoiReportWriter}. Serialises with
 * {@link EvalJson}. Immutable.
 *
 * <p>Monthly figures are per-transaction figures times {@link #monthlyVolume}, rounded half-up to the micro-dollar.
 *
 * @param title          the title
 * @param generatedAt    when the report was made
 * @param source         {@code evaluation} or {@code live}
 * @param period         what the figures cover (the run id and data set, or the live period)
 * @param headline       one sentence with the result
 * @param before         the baseline
 * @param after          the chosen chain
 * @param monthlyVolume  transactions a month the monthly figures assume
 * @param monthlySavings {@code before.monthlyCost - after.monthlyCost}
 * @param costShare      after's cost per transaction as a share of before's (0 when before's is zero)
 * @param savingsByLever where the savings come from, largest first; empty without a counterfactual
 * @param answeredBy     cases or executions answered by each step (after)
 * @param trend          the last validation runs of the chosen variant (oldest first)
 * @param notes          how figures were estimated, in plain words
 */
public record RoiReport(String title, Instant generatedAt, String source, String period, String headline,
                        Side before, Side after, long monthlyVolume, Money monthlySavings, double costShare,
                        List<LeverSaving> savingsByLever, Map<String, Long> answeredBy, List<TrendPoint> trend,
                        List<String> notes) {

    public RoiReport {
        savingsByLever = List.copyOf(savingsByLever);
        answeredBy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(answeredBy));
        trend = List.copyOf(trend);
        notes = List.copyOf(notes);
    }

    /**
     * One side of the comparison.
     *
     * @param label              what it is (a variant's name, or the counterfactual model)
     * @param transactions       transactions (cases run, or executions) behind the figures
     * @param costPerTransaction cost per transaction
     * @param monthlyCost        at the report's monthly volume
     * @param latencyP50Ms       median response time, ms; {@code null} when unknown (counterfactual)
     * @param latencyP90Ms       90th percentile, ms; {@code null} when unknown
     * @param answeredShare      answered without humans; {@code null} when unknown
     * @param accuracy           share answered correctly; {@code null} when unknown (live figures, counterfactual)
     * @param manualShare        share that needed people (human review); {@code null} when unknown
     */
    public record Side(String label, long transactions, Money costPerTransaction, Money monthlyCost,
                       Double latencyP50Ms, Double latencyP90Ms, Double answeredShare, Double accuracy,
                       Double manualShare) {
    }

    /**
     * Savings credited to one lever (see {@link Levers}).
     *
     * @param lever          the lever
     * @param transactions   transactions it handled
     * @param savings        counterfactual cost minus actual cost over the figures' transactions (may be negative)
     * @param monthlySavings projected to the monthly volume
     */
    public record LeverSaving(String lever, long transactions, Money savings, Money monthlySavings) {
    }

    /**
     * One validation run in the trend.
     *
     * @param runId              the run
     * @param finishedAt         when it finished
     * @param variant            the variant
     * @param accuracy           its accuracy
     * @param costPerTransaction its cost per transaction
     * @param answeredShare      its answered share
     */
    public record TrendPoint(String runId, Instant finishedAt, String variant, double accuracy,
                             Money costPerTransaction, double answeredShare) {
    }

    /**
     * The report of an evaluation: {@code options.baseline()} against {@code options.chosen()} (see
     * {@link RoiOptions} for the defaults), savings by lever from the chosen variant against the counterfactual.
     *
     * @throws IllegalArgumentException naming a variant that is not in the result, or asking for the counterfactual
     *                                  baseline of a run that has none
     */
    public static RoiReport fromEvaluation(EvaluationResult result, RoiOptions options) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(options, "options");
        if (result.variants().isEmpty()) {
            throw new IllegalArgumentException("evaluation " + result.runId() + " has no variant");
        }
        List<String> notes = new ArrayList<>();
        long volume = options.monthlyVolume() != null ? options.monthlyVolume() : RoiOptions.DEFAULT_MONTHLY_VOLUME;
        if (options.monthlyVolume() == null) {
            notes.add("Monthly figures assume " + String.format(Locale.ROOT, "%,d", volume)
                    + " transactions a month (no volume was given).");
        }
        Counterfactual cf = result.counterfactual();
        Side before;
        VariantResult baseVariant = null;
        if (RoiOptions.COUNTERFACTUAL.equals(options.baseline())) {
            if (cf == null) {
                throw new IllegalArgumentException("baseline 'counterfactual' was asked for, but run "
                        + result.runId() + " has no counterfactual; give the evaluation counterfactual(model, pricing)"
                        + " or name a variant as baseline");
            }
            before = new Side("all on " + cf.model(), cf.cases(), cf.costPerTransaction(),
                    monthly(cf.costPerTransaction(), volume), null, null, null, null, null);
        } else {
            baseVariant = options.baseline() == null ? result.variants().get(0) : variant(result, options.baseline());
            before = side(baseVariant, volume);
        }
        VariantResult chosen = options.chosen() != null ? variant(result, options.chosen())
                : pick(result, baseVariant, before);
        Side after = side(chosen, volume);
        List<LeverSaving> levers = new ArrayList<>();
        if (cf != null) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (CaseResult c : chosen.cases()) {
                if (c.ran()) {
                    counts.merge(c.lever(), 1L, Long::sum);
                }
            }
            int run = chosen.overall().casesRun();
            chosen.savingsByLever().forEach((lever, saved) -> levers.add(new LeverSaving(lever,
                    counts.getOrDefault(lever, 0L), saved, scale(saved, volume, run))));
            levers.sort(Comparator.comparingLong((LeverSaving l) -> l.savings().micros()).reversed());
            notes.add("Savings by lever compare each case with " + cf.method() + ".");
        } else {
            notes.add("No counterfactual price was given, so savings are not split by lever.");
        }
        Map<String, Long> answeredBy = new LinkedHashMap<>();
        chosen.byStep().entrySet().stream()       // most first; ties by name (byStep is sorted, the sort is stable)
                .sorted(Map.Entry.<String, Metrics>comparingByValue(Comparator.comparingInt(Metrics::casesRun))
                        .reversed())
                .forEach(e -> answeredBy.put(e.getKey(), (long) e.getValue().casesRun()));
        notes.add("Accuracy is the share of labelled cases answered correctly; unanswered cases count as wrong.");
        String period = "evaluation run " + result.runId() + " on " + result.dataset() + " (" + result.datasetSize()
                + " cases)";
        return build(options, "evaluation", period, before, after, volume, levers, answeredBy,
                trend(options.trend(), chosen.name()), notes);
    }

    /**
     * The report of a period's live figures: the counterfactual (every execution on the most expensive model) as
     * "before", the chains' real figures as "after". Accuracy comes from the latest trend run of
     * {@code options.chosen()} when given, else is unknown.
     *
     * @throws IllegalArgumentException if the figures have no counterfactual
     */
    public static RoiReport fromPeriod(PeriodFigures figures, RoiOptions options) {
        Objects.requireNonNull(figures, "figures");
        Objects.requireNonNull(options, "options");
        if (figures.counterfactual() == null) {
            throw new IllegalArgumentException("live figures have no counterfactual model; give the LiveRoiCollector"
                    + " the most expensive model's name and price");
        }
        List<String> notes = new ArrayList<>();
        long n = figures.executions();
        long volume;
        if (options.monthlyVolume() != null) {
            volume = options.monthlyVolume();
        } else {
            Duration length = Duration.between(figures.from(), figures.to());
            double days = Math.max(length.toMillis(), 1) / 86_400_000.0;
            volume = Math.round(n / days * 30);
            notes.add("Monthly volume is the period's rate (" + n + " executions in "
                    + String.format(Locale.ROOT, "%.2f", days) + " days) over 30 days.");
        }
        Money cfPer = Counterfactuals.perTransaction(figures.counterfactualCost(), (int) Math.min(n, Integer.MAX_VALUE));
        Side before = new Side("all on " + figures.counterfactual(), n, cfPer, monthly(cfPer, volume), null, null,
                null, null, null);
        Double accuracy = null;
        for (RunSummary s : options.trend()) {
            if (options.chosen() == null || options.chosen().equals(s.variant())) {
                accuracy = s.accuracy();
            }
        }
        if (accuracy != null) {
            notes.add("Accuracy is the latest validation run's; live answers carry no labels.");
        }
        Side after = new Side("live", n, figures.costPerTransaction(), monthly(figures.costPerTransaction(), volume),
                figures.latencyP50Ms(), figures.latencyP90Ms(), figures.answeredShare(), accuracy,
                figures.reviewShare());
        List<LeverSaving> levers = new ArrayList<>();
        figures.savingsByLever().forEach((lever, saved) -> levers.add(new LeverSaving(lever, -1, saved,
                scale(saved, volume, n))));
        levers.sort(Comparator.comparingLong((LeverSaving l) -> l.savings().micros()).reversed());
        notes.add("The baseline prices each execution's tokens at " + figures.counterfactual()
                + "'s price (executions without a model call at the mean).");
        Map<String, Long> answeredBy = new LinkedHashMap<>();
        figures.answeredBy().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> answeredBy.put(e.getKey(), e.getValue()));
        String period = "live, " + figures.from() + " to " + figures.to();
        return build(options, "live", period, before, after, volume, levers, answeredBy,
                trend(options.trend(), options.chosen()), notes);
    }

    private static RoiReport build(RoiOptions options, String source, String period, Side before, Side after,
                                   long volume, List<LeverSaving> levers, Map<String, Long> answeredBy,
                                   List<TrendPoint> trend, List<String> notes) {
        Money savings = before.monthlyCost().minus(after.monthlyCost());
        double share = before.costPerTransaction().micros() == 0 ? 0
                : (double) after.costPerTransaction().micros() / before.costPerTransaction().micros();
        return new RoiReport(options.title(), Instant.now(), source, period, headline(before, after, share, savings,
                volume), before, after, volume, savings, share, levers, answeredBy, trend, notes);
    }

    static String headline(Side before, Side after, double share, Money savings, long volume) {
        StringBuilder h = new StringBuilder();
        h.append(after.label()).append(" costs ").append(pct(share)).append(" of ").append(before.label())
                .append(" per transaction (").append(after.costPerTransaction()).append(" vs ")
                .append(before.costPerTransaction()).append(")");
        if (after.accuracy() != null && before.accuracy() != null) {
            h.append(" at ").append(pct(after.accuracy())).append(" accuracy vs ").append(pct(before.accuracy()));
        } else if (after.accuracy() != null) {
            h.append(" at ").append(pct(after.accuracy())).append(" accuracy");
        }
        if (after.answeredShare() != null) {
            h.append(", answering ").append(pct(after.answeredShare())).append(" without people");
        }
        h.append(savings.isNegative() ? ": " + cents(savings).substring(1) + " a month more" : ": " + cents(savings)
                + " a month saved").append(" at ").append(String.format(Locale.ROOT, "%,d", volume))
                .append(" transactions a month.");
        return h.toString();
    }

    /** Dollars to the cent, half up, with thousands separators, for monthly figures read by people. */
    static String cents(Money m) {
        BigDecimal d = m.toUsd().setScale(2, RoundingMode.HALF_UP);
        return (d.signum() < 0 ? "-$" : "$") + String.format(Locale.ROOT, "%,.2f", d.abs());
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static VariantResult variant(EvaluationResult r, String name) {
        try {
            return r.variant(name);
        } catch (java.util.NoSuchElementException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static VariantResult pick(EvaluationResult r, VariantResult base, Side before) {
        double floor = base != null ? base.overall().accuracy() : -1;
        VariantResult best = null;
        for (VariantResult v : r.variants()) {
            if (v == base || v.overall().accuracy() < floor) {
                continue;
            }
            if (best == null || v.overall().costPerTransaction().compareTo(best.overall().costPerTransaction()) < 0) {
                best = v;
            }
        }
        if (best != null) {
            return best;
        }
        return r.variants().stream().filter(v -> v != base || r.variants().size() == 1)
                .max(Comparator.comparingDouble(v -> v.overall().accuracy())).orElseThrow();
    }

    private static Side side(VariantResult v, long volume) {
        Metrics m = v.overall();
        return new Side(v.name(), m.casesRun(), m.costPerTransaction(), monthly(m.costPerTransaction(), volume),
                m.latencyP50Ms(), m.latencyP90Ms(), m.answeredShare(), m.scored() == 0 ? null : m.accuracy(),
                m.reviewShare());
    }

    private static List<TrendPoint> trend(List<RunSummary> runs, String variant) {
        List<TrendPoint> out = new ArrayList<>();
        for (RunSummary s : runs) {
            if (variant == null || variant.equals(s.variant())) {
                out.add(new TrendPoint(s.runId(), s.finishedAt(), s.variant(), s.accuracy(), s.costPerTransaction(),
                        s.answeredShare()));
            }
        }
        return out;
    }

    static Money monthly(Money perTransaction, long volume) {
        return Money.ofMicros(Math.multiplyExact(perTransaction.micros(), volume));
    }

    static Money scale(Money total, long volume, long transactions) {
        if (transactions <= 0) {
            return Money.ZERO;
        }
        return Money.ofMicros(BigDecimal.valueOf(total.micros()).multiply(BigDecimal.valueOf(volume))
                .divide(BigDecimal.valueOf(transactions), 0, RoundingMode.HALF_UP).longValueExact());
    }
}
