package dev.cascade.examples.outage;

import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;

import java.util.List;

/**
 * Baseline (b), the other thing a user would write by hand: call the advanced model, and on any exception fall back
 * to the cheap model; no retries, no circuit breaker. The clients' read timeout bounds each call. Thread-safe.
 */
public final class TryCatchBaseline implements Strategy {
    private final SimulatedModel advanced;
    private final SimulatedModel cheap;

    public TryCatchBaseline(SimulatedModel advanced, SimulatedModel cheap) {
        this.advanced = advanced;
        this.cheap = cheap;
    }

    @Override
    public String name() {
        return "baseline_trycatch";
    }

    @Override
    public List<String> steps() {
        return List.of(CascadeStrategy.ADVANCED, CascadeStrategy.CHEAP);
    }

    @Override
    public String describe() {
        return "advanced once; on any exception cheap once; no retries, no breaker";
    }

    @Override
    public Handled handle(Ticket ticket) throws InterruptedException {
        try {
            ModelResponse r = advanced.call(SupportPrompt.of(ticket));
            return Handled.by(CascadeStrategy.ADVANCED, ModelPrice.ADVANCED.billed(r.usage()));
        } catch (Exception e) {
            // Any failure of the advanced model: fall back to the cheap one.
            Interrupts.rethrowIfInterrupted(e);
        }
        try {
            ModelResponse r = cheap.call(SupportPrompt.of(ticket));
            return Handled.by(CascadeStrategy.CHEAP, ModelPrice.CHEAP.billed(r.usage()));
        } catch (Exception e) {
            // Both models failed: the baseline has nothing else to offer, the request is lost.
            Interrupts.rethrowIfInterrupted(e);
            return Handled.lost(Money.ZERO);
        }
    }
}
