package dev.cascade.examples.outage;

import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;

import java.time.Duration;
import java.util.List;

/**
 * Baseline (a), what a user would write by hand without Cascade: always the advanced model, in a simple retry loop
 * with a fixed backoff and no circuit breaker. The client's read timeout bounds each attempt. Thread-safe.
 */
public final class RetryBaseline implements Strategy {
    private final SimulatedModel advanced;
    private final int attempts;
    private final Duration backoff;

    public RetryBaseline(SimulatedModel advanced, int attempts, Duration backoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
        }
        this.advanced = advanced;
        this.attempts = attempts;
        this.backoff = backoff;
    }

    @Override
    public String name() {
        return "baseline_retry";
    }

    @Override
    public List<String> steps() {
        return List.of(CascadeStrategy.ADVANCED);
    }

    @Override
    public String describe() {
        return "advanced only, " + attempts + " attempts, fixed " + backoff.toMillis()
                + " ms backoff, no breaker, Retry-After ignored";
    }

    @Override
    public Handled handle(Ticket ticket) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                ModelResponse r = advanced.call(SupportPrompt.of(ticket));
                return Handled.by(CascadeStrategy.ADVANCED, ModelPrice.ADVANCED.billed(r.usage()));
            } catch (Exception e) {
                // The naive loop treats every failure alike: retry until the attempts run out, then give up.
                Interrupts.rethrowIfInterrupted(e);
                if (attempt == attempts) {
                    return Handled.lost(Money.ZERO);
                }
                Thread.sleep(backoff.toMillis());
            }
        }
    }
}
