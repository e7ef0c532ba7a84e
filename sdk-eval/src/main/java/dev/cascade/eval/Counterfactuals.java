package dev.cascade.eval;

import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counterfactual estimate of a run (see {@link Counterfactual} for the method): the chosen model and each case's
 * representative usage. Package-private.
 *
 * @param result   the estimate, or {@code null} without candidates
 * @param perCase  representative usage per case id (empty without candidates)
 */
record Counterfactuals(Counterfactual result, Map<String, Usage> perCase) {

    static final Counterfactuals NONE = new Counterfactuals(null, Map.of());

    /** The counterfactual cost of case {@code id}, or {@code null}. */
    Money costOf(String id) {
        Usage u = perCase.get(id);
        return result == null || u == null ? null : result.pricing().cost(u);
    }

    static Counterfactuals estimate(Map<String, Pricing> candidates, List<List<CaseRun>> variants) {
        if (candidates.isEmpty() || variants.isEmpty()) {
            return NONE;
        }
        Map<String, Usage> own = new LinkedHashMap<>();
        List<CaseRun> order = variants.get(0);
        for (List<CaseRun> v : variants) {
            for (CaseRun r : v) {
                Usage u = r.answeringUsage();
                if (u != null) {
                    own.putIfAbsent(r.testCase().id(), u);
                }
            }
        }
        for (List<CaseRun> v : variants) {
            for (CaseRun r : v) {
                Usage u = r.firstCallUsage();
                if (u != null) {
                    own.putIfAbsent(r.testCase().id(), u);
                }
            }
        }
        long sumIn = 0;
        long sumOut = 0;
        for (Usage u : own.values()) {
            sumIn += u.inputTokens();
            sumOut += u.outputTokens();
        }
        Usage mean = own.isEmpty() ? Usage.NONE
                : Usage.of(ceilDiv(sumIn, own.size()), ceilDiv(sumOut, own.size()));
        Map<String, Usage> perCase = new HashMap<>();
        long in = 0;
        long out = 0;
        int fromMean = 0;
        for (CaseRun r : order) {
            Usage u = own.get(r.testCase().id());
            if (u == null) {
                u = mean;
                fromMean++;
            }
            // Priced uncached: the counterfactual model is assumed to see every prompt fresh.
            u = Usage.of(u.inputTokens(), u.outputTokens());
            perCase.put(r.testCase().id(), u);
            in += u.inputTokens();
            out += u.outputTokens();
        }
        String best = null;
        Money bestCost = null;
        for (Map.Entry<String, Pricing> c : candidates.entrySet()) {
            long micros = 0;
            for (Usage u : perCase.values()) {
                micros += c.getValue().cost(u).micros();
            }
            if (bestCost == null || micros > bestCost.micros()) {
                best = c.getKey();
                bestCost = Money.ofMicros(micros);
            }
        }
        int n = order.size();
        Counterfactual cf = new Counterfactual(best, candidates.get(best), n, n - fromMean, fromMean, in, out,
                bestCost, perTransaction(bestCost, n));
        return new Counterfactuals(cf, perCase);
    }

    /** {@code total / n}, half-up to the micro-dollar; zero when {@code n == 0}. */
    static Money perTransaction(Money total, int n) {
        if (n == 0) {
            return Money.ZERO;
        }
        return Money.ofMicros(BigDecimal.valueOf(total.micros()).divide(BigDecimal.valueOf(n), 0,
                RoundingMode.HALF_UP).longValueExact());
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
