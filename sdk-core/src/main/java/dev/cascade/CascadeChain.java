package dev.cascade;

import dev.cascade.api.CallContext;
import dev.cascade.api.Description;
import dev.cascade.api.Outcome;
import dev.cascade.event.ScoreRecorded;
import dev.cascade.internal.ChainImpl;
import dev.cascade.shadow.ShadowCandidate;
import dev.cascade.shadow.ShadowReport;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A built chain as users see it: {@link Cascade} over the engine ({@link ChainImpl}). The engine lives in
 * {@code dev.cascade.internal} and knows nothing of this package, so package dependencies point one way (front door
 * to engine to API values). Immutable and thread-safe, like the engine it forwards to.
 */
final class CascadeChain<I, O> implements Cascade<I, O> {
    private final ChainImpl<I, O> engine;
    private final List<ShadowCandidate<I, O>> shadows;

    CascadeChain(ChainImpl<I, O> engine) {
        this(engine, List.of());
    }

    CascadeChain(ChainImpl<I, O> engine, List<ShadowCandidate<I, O>> shadows) {
        this.engine = engine;
        this.shadows = shadows;
    }

    @Override
    public List<ShadowReport> shadows() {
        if (shadows.isEmpty()) {
            return List.of();
        }
        List<ShadowReport> reports = new java.util.ArrayList<>(shadows.size());
        for (ShadowCandidate<I, O> s : shadows) {
            reports.add(s.report());
        }
        return List.copyOf(reports);
    }

    @Override
    public void recordScore(Outcome<O> outcome, double score, String source) {
        ScoreRecorded event = ScoreEvents.of(this, outcome, score, source);
        Events events = engine.events();
        if (events.enabled()) {
            events.fire(CascadeListener::onScoreRecorded, event);
        }
    }

    @Override
    public java.util.Optional<dev.cascade.cache.ResponseCache<I, O>> cache() {
        return engine.cache();
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public Outcome<O> execute(I input, CallContext context) {
        return engine.execute(input, context);
    }

    @Override
    public CompletableFuture<Outcome<O>> executeAsync(I input, CallContext context) {
        return engine.executeAsync(input, context);
    }

    @Override
    public CompletableFuture<List<String>> warmUp() {
        return engine.warmUp();
    }

    @Override
    public Description describe() {
        return engine.describe();
    }

    @Override
    public Optional<CircuitBreaker> circuitBreaker(String step) {
        return engine.circuitBreaker(step);
    }

    @Override
    public String toString() {
        return engine.toString();
    }
}
