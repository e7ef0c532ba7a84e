package dev.cascade.spring.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cascade.api.Description;
import dev.cascade.api.StepKind;
import dev.cascade.budget.Budget;
import dev.cascade.budget.Scope;
import dev.cascade.review.DurableReviewQueue;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.spring.CascadeChains;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * What the health contributor and the {@code cascade} endpoint report about one chain, read from the live chain:
 * each step with its breaker state, whether the chain can still answer without people, spend and review depth.
 */
final class ChainStatus {

    /** How well a chain can answer now. */
    enum Level {
        /** The first model step can be called. */
        UP,
        /** The first model step's breaker is open, but a later step other than human review can answer. */
        DEGRADED,
        /** Nothing but the human-review step (or nothing at all) can take an input. */
        DOWN
    }

    private ChainStatus() {
    }

    static boolean open(CircuitBreaker.State s) {
        return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
    }

    /** The chain's level from its steps' breakers. */
    static Level level(CascadeChains.Entry e) {
        boolean firstModelOpen = false;
        boolean seenModel = false;
        boolean laterCanAnswer = false;
        for (Description.Step s : e.chain().describe().steps()) {
            if (s.kind() == StepKind.HUMAN_REVIEW) {
                continue;
            }
            boolean available = s.kind() != StepKind.MODEL || !e.chain().circuitBreaker(s.name())
                    .map(b -> open(b.getState())).orElse(false);
            if (s.kind() == StepKind.MODEL && !seenModel) {
                seenModel = true;
                firstModelOpen = !available;
                if (available) {
                    return Level.UP;
                }
                continue;
            }
            laterCanAnswer |= available;
        }
        if (!seenModel) {
            return laterCanAnswer ? Level.UP : Level.DOWN;
        }
        return firstModelOpen && laterCanAnswer ? Level.DEGRADED : Level.DOWN;
    }

    /** The steps, in order, each with its kind and (model steps with a breaker) the breaker's state. */
    static List<Map<String, Object>> steps(CascadeChains.Entry e) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Description.Step s : e.chain().describe().steps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("kind", s.kind().name());
            e.chain().circuitBreaker(s.name()).ifPresent(b -> {
                m.put("circuitBreaker", b.getName());
                m.put("circuitState", b.getState().name());
                m.put("failureRate", b.getMetrics().getFailureRate());
            });
            m.put("policies", s.policies());
            out.add(m);
        }
        return out;
    }

    /**
     * The chain's response cache since start in this instance: lookups, hits by kind, the hit rate, answers stored or
     * refused, and the money saved (the cost the served answers had), beside the budget's money spent.
     */
    static Map<String, Object> cache(dev.cascade.cache.ResponseCache<?, ?> cache) {
        dev.cascade.cache.CacheStats s = cache.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", cache.spec().namespace());
        m.put("lookups", s.lookups());
        m.put("hits", s.hits());
        m.put("exactHits", s.exactHits());
        m.put("semanticHits", s.semanticHits());
        m.put("hitRate", s.lookups() == 0 ? 0.0 : (double) s.hits() / s.lookups());
        m.put("guardRefusals", s.guardRefusals());
        m.put("stored", s.stored());
        m.put("tooLarge", s.tooLarge());
        m.put("errors", s.errors());
        m.put("savedUsd", s.saved().toUsd().toPlainString());
        return m;
    }

    /**
     * Spend of the chain's (and the global) windows with a hard limit: spent, reserved, limit, remaining, as exact
     * decimal strings in US dollars (JSON numbers would turn 0.000348 into 3.48E-4).
     */
    static List<Map<String, Object>> budget(CascadeChains.Entry e) {
        List<Map<String, Object>> out = new ArrayList<>();
        Optional<Budget> budget = e.budget();
        if (budget.isEmpty()) {
            return out;
        }
        for (Budget.Limit l : budget.get().hardLimits()) {
            if (l.scope() == Scope.TENANT) {
                // One account per tenant: reported per tenant by Budget.spend(TENANT, tenant, window), not here.
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("scope", l.scope().name());
                m.put("window", l.window().name());
                m.put("limitUsd", l.amount().toUsd().toPlainString());
                out.add(m);
                continue;
            }
            Budget.Spend s = budget.get().spend(l.scope(), e.name(), l.window());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scope", l.scope().name());
            m.put("window", l.window().name());
            m.put("account", s.account());
            m.put("spentUsd", s.spent().toUsd().toPlainString());
            m.put("reservedUsd", s.reserved().toUsd().toPlainString());
            m.put("limitUsd", l.amount().toUsd().toPlainString());
            s.remaining().ifPresent(r -> m.put("remainingUsd", r.toUsd().toPlainString()));
            out.add(m);
        }
        return out;
    }

    /** Items waiting for a person in the chain's review store (shared by chains on one store), when it can tell. */
    static Optional<Long> reviewDepth(CascadeChains.Entry e) {
        return e.review().flatMap(q -> q instanceof DurableReviewQueue<?, ?> d ? Optional.of(d.store().depth())
                : q instanceof InMemoryReviewQueue<?, ?> m ? Optional.of((long) m.depth()) : Optional.empty());
    }
}
