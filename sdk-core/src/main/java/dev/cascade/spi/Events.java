package dev.cascade.spi;

import dev.cascade.event.CircuitStateChanged;
import dev.cascade.event.RetryScheduled;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * Delivers events to a chain's listeners. Callers check {@link #enabled()} before building an event, so a chain with
 * no listener builds none. A listener that throws is ignored, by contract: observability must never break a call
 * (errors that mean the JVM itself is failing are rethrown).
 *
 * <p>Call sites pass a method reference such as {@code CascadeListener::onAttemptStarted}: it captures nothing, so it
 * costs no allocation.
 *
 * <p>Immutable and thread-safe: the listener list is copied at construction.
 */
public final class Events {
    private final CascadeListener[] listeners;
    private final boolean circuitEvents;
    private final boolean retryEvents;

    public Events(List<CascadeListener> listeners) {
        this.listeners = listeners.toArray(new CascadeListener[0]);
        this.circuitEvents = listeners.stream().anyMatch(l -> overrides(l, "onCircuitStateChanged",
                CircuitStateChanged.class));
        this.retryEvents = listeners.stream().anyMatch(l -> overrides(l, "onRetryScheduled", RetryScheduled.class));
    }

    /**
     * Whether some listener overrides {@link CascadeListener#onCircuitStateChanged}. Only then does the engine subscribe
     * to a breaker's transitions: with any subscriber, resilience4j builds an event object on every call.
     */
    public boolean wantsCircuitEvents() {
        return circuitEvents;
    }

    /**
     * Whether some listener overrides {@link CascadeListener#onRetryScheduled}: only then does the engine build the
     * event (a retry is on the hot path of a failing provider, and telemetry does not need it).
     */
    public boolean wantsRetryEvents() {
        return retryEvents;
    }

    private static boolean overrides(CascadeListener l, String method, Class<?> event) {
        try {
            return l.getClass().getMethod(method, event).getDeclaringClass() != CascadeListener.class;
        } catch (NoSuchMethodException e) {
            return true; // cannot tell: subscribe, correctness first
        }
    }

    public boolean enabled() {
        return listeners.length > 0;
    }

    /** Calls {@code method} on every listener; one that throws is ignored. */
    public <E> void fire(BiConsumer<CascadeListener, E> method, E event) {
        for (CascadeListener l : listeners) {
            try {
                method.accept(l, event);
            } catch (VirtualMachineError vme) {
                throw vme;
            } catch (Throwable ignored) {
                // By contract (see CascadeListener): a failing listener never breaks the call.
            }
        }
    }
}
