package dev.cascade.event;

/**
 * A circuit breaker used by one of the chain's steps changed state. Not tied to an execution: breakers are shared.
 *
 * @param chain   the chain that reports it
 * @param step    the step that uses the breaker
 * @param breaker the breaker's name in the registries
 * @param from    the old state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ...)
 * @param to      the new state
 */
public record CircuitStateChanged(String chain, String step, String breaker, String from, String to) {
}
