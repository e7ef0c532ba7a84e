package dev.cascade.examples.outage;

import java.time.Duration;

/**
 * The Cascade advanced step's circuit breaker (count-based window).
 *
 * @param window             calls in the sliding window
 * @param minimumCalls       calls needed before the failure rate counts
 * @param failureRatePercent failure percentage that opens the breaker
 * @param openFor            how long it stays open before trial calls
 * @param halfOpenCalls      trial calls when half-open
 */
public record BreakerSettings(int window, int minimumCalls, float failureRatePercent, Duration openFor,
                              int halfOpenCalls) {

    @Override
    public String toString() {
        return "window " + window + ", minimumCalls " + minimumCalls + ", opens at " + (int) failureRatePercent
                + "% failures, openFor " + openFor.toMillis() + " ms, halfOpenCalls " + halfOpenCalls;
    }
}
