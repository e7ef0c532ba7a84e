package dev.cascade.event;

import dev.cascade.api.Description;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A chain was built with this listener: what it is made of, for listeners that observe the chain's parts (telemetry
 * reports its breakers' states and its review queue's depth as gauges). Sent once per chain, from {@code build()},
 * on the building thread; not tied to an execution.
 *
 * @param chain        the chain's name
 * @param description  what the chain is made of
 * @param breakers     the circuit breaker of each model step that has one, by step name
 * @param reviewDepths how to read the depth of the review step's queue, by step name; only for the queues Cascade
 *                     ships (in memory, durable), whose depth it knows
 */
public record ChainBuilt(String chain, Description description, Map<String, CircuitBreaker> breakers,
                         Map<String, LongSupplier> reviewDepths) {
    public ChainBuilt {
        breakers = Map.copyOf(breakers);
        reviewDepths = Map.copyOf(reviewDepths);
    }
}
