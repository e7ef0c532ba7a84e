package dev.cascade.examples.outage;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a circuit breaker's state changes on the timeline, to show when the breaker opened and closed. Listens to
 * the resilience4j breaker itself, which reports every transition, including half-open trials. Thread-safe.
 */
public final class BreakerLog {

    /**
     * One state change.
     *
     * @param at    time since the timeline started
     * @param phase the phase it happened in
     * @param from  the old state
     * @param to    the new state
     */
    public record Transition(Duration at, Phase phase, String from, String to) {
    }

    private final Timeline timeline;
    private final List<Transition> transitions = new ArrayList<>();

    public BreakerLog(Timeline timeline) {
        this.timeline = timeline;
    }

    /** Starts recording {@code breaker}'s transitions. */
    public void watch(CircuitBreaker breaker) {
        breaker.getEventPublisher().onStateTransition(e -> {
            long now = System.nanoTime();
            add(new Transition(timeline.elapsedAt(now), timeline.behaviourAt(now),
                    e.getStateTransition().getFromState().name(), e.getStateTransition().getToState().name()));
        });
    }

    private synchronized void add(Transition t) {
        transitions.add(t);
    }

    public synchronized List<Transition> transitions() {
        return List.copyOf(transitions);
    }
}
