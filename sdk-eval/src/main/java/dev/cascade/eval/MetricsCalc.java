package dev.cascade.eval;

import dev.cascade.api.Money;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Turns case runs into {@link Metrics} and {@link VariantResult}s. Stateless; package-private. */
final class MetricsCalc {
    private MetricsCalc() {
    }

    static VariantResult variant(String name, String chain, List<CaseRun> runs, Counterfactuals cf) {
        String cfModel = cf.result() == null ? null : cf.result().model();
        List<CaseResult> cases = new ArrayList<>(runs.size());
        Map<String, Long> savings = new TreeMap<>();
        for (CaseRun r : runs) {
            String lever = r.outcome() == null ? Levers.NONE : Levers.of(r.outcome(), r.firstStep(), cfModel);
            Money cfCost = cf.costOf(r.testCase().id());
            if (cfCost != null && r.ran()) {
                savings.merge(lever, cfCost.micros() - r.cost().micros(), Long::sum);
            }
            Score s = r.score();
            cases.add(new CaseResult(r.testCase().id(), r.testCase().tags(), r.testCase().template(), r.status(),
                    r.outcome() == null ? null : r.outcome().answeredBy().orElse(null), lever,
                    r.testCase().expected() != null, s != null && s.pass(), s == null ? 0 : s.value(),
                    s != null ? s.detail() : r.detail(), r.cost(), r.latencyMs(), r.usage().inputTokens(),
                    r.usage().outputTokens(), r.outcome() == null ? 0 : r.outcome().modelCalls(), r.failures(),
                    cfCost));
        }
        Map<String, Money> byLever = new LinkedHashMap<>();
        savings.forEach((k, v) -> byLever.put(k, Money.ofMicros(v)));
        return new VariantResult(name, chain, metrics(cases), group(cases, MetricsCalc::stepKey),
                groupMulti(cases), group(cases, c -> c.template() == null ? "(none)" : c.template()), byLever, cases);
    }

    private static String stepKey(CaseResult c) {
        if (c.answeredBy() != null && c.answered()) {
            return c.answeredBy();
        }
        return switch (c.status()) {
            case "PENDING_REVIEW" -> "(review)";
            case "ERROR" -> "(error)";
            case "NOT_RUN" -> "(not run)";
            default -> "(unanswered)";
        };
    }

    private static Map<String, Metrics> group(List<CaseResult> cases, Function<CaseResult, String> key) {
        Map<String, List<CaseResult>> groups = new TreeMap<>();
        for (CaseResult c : cases) {
            groups.computeIfAbsent(key.apply(c), k -> new ArrayList<>()).add(c);
        }
        Map<String, Metrics> out = new TreeMap<>();
        groups.forEach((k, v) -> out.put(k, metrics(v)));
        return out;
    }

    private static Map<String, Metrics> groupMulti(List<CaseResult> cases) {
        Map<String, List<CaseResult>> groups = new TreeMap<>();
        for (CaseResult c : cases) {
            if (c.tags().isEmpty()) {
                groups.computeIfAbsent("(untagged)", k -> new ArrayList<>()).add(c);
            }
            for (String t : c.tags()) {
                groups.computeIfAbsent(t, k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, Metrics> out = new TreeMap<>();
        groups.forEach((k, v) -> out.put(k, metrics(v)));
        return out;
    }

    static Metrics metrics(List<CaseResult> cases) {
        int run = 0;
        int scored = 0;
        int passed = 0;
        int answered = 0;
        int answeredScored = 0;
        int review = 0;
        int unanswered = 0;
        double scoreSum = 0;
        long cost = 0;
        Map<String, Integer> failures = new TreeMap<>();
        double[] latencies = new double[cases.size()];
        for (CaseResult c : cases) {
            if (!c.ran()) {
                continue;
            }
            latencies[run++] = c.latencyMs();
            cost += c.cost().micros();
            if (c.scored()) {
                scored++;
                scoreSum += c.score();
                if (c.pass()) {
                    passed++;
                }
            }
            if (c.answered()) {
                answered++;
                if (c.scored()) {
                    answeredScored++;
                }
            } else if ("PENDING_REVIEW".equals(c.status())) {
                review++;
            } else {
                unanswered++;
            }
            for (String f : c.failures()) {
                failures.merge(f, 1, Integer::sum);
            }
        }
        double[] sorted = Arrays.copyOf(latencies, run);
        Arrays.sort(sorted);
        Money total = Money.ofMicros(cost);
        return new Metrics(cases.size(), run, cases.size() - run, scored, passed, ratio(passed, scored),
                ratio(passed, answeredScored), scored == 0 ? 0 : scoreSum / scored, total,
                Counterfactuals.perTransaction(total, run), percentile(sorted, 50), percentile(sorted, 90),
                percentile(sorted, 99), answered, ratio(answered, run), review, ratio(review, run), unanswered,
                failures);
    }

    static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** Nearest-rank percentile of sorted values; 0 when empty. */
    static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
