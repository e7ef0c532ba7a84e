package dev.cascade.examples.outage;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Every knob of the outage demo. {@link #standard()} is the scenario the demo runs; tests scale it down with the
 * {@code with*} methods.
 *
 * @param phases               how long each phase lasts
 * @param concurrency          worker threads per strategy (closed loop: each sends its next request when one ends)
 * @param seed                 seed of tickets, latencies and faults (each strategy's models use the same seeds)
 * @param readTimeout          the simulated clients' read timeout, also Cascade's attempt timeout
 * @param advancedLatency      the advanced model's healthy latency
 * @param cheapLatency         the cheap model's healthy latency
 * @param stormRateLimitShare  share of calls answered with a 429 during the storm
 * @param stormHitsCheap       whether the storm hits the cheap model too (not only the advanced one)
 * @param retryAfterMin        shortest Retry-After of a 429
 * @param retryAfterMax        longest Retry-After of a 429
 * @param breaker              the Cascade advanced step's circuit breaker
 * @param advancedRetryBackoff the Cascade advanced step's retry backoff (2 attempts)
 * @param cheapRetryBackoff    the Cascade cheap step's retry backoff (2 attempts)
 * @param baselineAttempts     attempts of the retry-loop baseline
 * @param baselineBackoff      fixed backoff of the retry-loop baseline
 * @param minCascadeRequests   the least number of requests Cascade must handle for the run to count
 * @param budget               the Cascade chain's daily budget
 */
public record DemoConfig(Map<Phase, Duration> phases, int concurrency, long seed, Duration readTimeout,
                         LatencyProfile advancedLatency, LatencyProfile cheapLatency, double stormRateLimitShare,
                         boolean stormHitsCheap, Duration retryAfterMin, Duration retryAfterMax,
                         BreakerSettings breaker, Duration advancedRetryBackoff, Duration cheapRetryBackoff,
                         int baselineAttempts, Duration baselineBackoff, int minCascadeRequests,
                         BudgetSettings budget) {

    public DemoConfig {
        phases = new EnumMap<>(phases);
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
        }
        Objects.requireNonNull(budget, "budget");
    }

    /**
     * The demo's scenario: 3 s healthy, 8 s outage, 4 s 429 storm, 3 s recovery; 32 workers per strategy; Cascade's
     * chain on a $100.00 daily budget of which $0.50 is left when the recovery phase starts.
     */
    public static DemoConfig standard() {
        return new DemoConfig(phases(3000, 8000, 4000, 3000), 32, 42L, Duration.ofMillis(250),
                new LatencyProfile(40, 0.5), new LatencyProfile(15, 0.5), 0.5, true,
                Duration.ofMillis(50), Duration.ofMillis(100),
                new BreakerSettings(20, 10, 50f, Duration.ofMillis(1500), 2),
                Duration.ofMillis(50), Duration.ofMillis(20), 3, Duration.ofMillis(50), 5000,
                BudgetSettings.standard());
    }

    /** A copy with other phase lengths, in milliseconds. */
    public DemoConfig withPhases(long healthyMs, long outageMs, long stormMs, long recoveryMs) {
        return new DemoConfig(phases(healthyMs, outageMs, stormMs, recoveryMs), concurrency, seed, readTimeout,
                advancedLatency, cheapLatency, stormRateLimitShare, stormHitsCheap, retryAfterMin, retryAfterMax,
                breaker, advancedRetryBackoff, cheapRetryBackoff, baselineAttempts, baselineBackoff,
                minCascadeRequests, budget);
    }

    /** A copy with another number of workers per strategy. */
    public DemoConfig withConcurrency(int workers) {
        return new DemoConfig(phases, workers, seed, readTimeout, advancedLatency, cheapLatency, stormRateLimitShare,
                stormHitsCheap, retryAfterMin, retryAfterMax, breaker, advancedRetryBackoff, cheapRetryBackoff,
                baselineAttempts, baselineBackoff, minCascadeRequests, budget);
    }

    /** A copy whose breaker stays open for {@code openFor}. */
    public DemoConfig withBreakerOpenFor(Duration openFor) {
        BreakerSettings b = new BreakerSettings(breaker.window(), breaker.minimumCalls(), breaker.failureRatePercent(),
                openFor, breaker.halfOpenCalls());
        return new DemoConfig(phases, concurrency, seed, readTimeout, advancedLatency, cheapLatency,
                stormRateLimitShare, stormHitsCheap, retryAfterMin, retryAfterMax, b, advancedRetryBackoff,
                cheapRetryBackoff, baselineAttempts, baselineBackoff, minCascadeRequests, budget);
    }

    /** A copy with another budget. */
    public DemoConfig withBudget(BudgetSettings other) {
        return new DemoConfig(phases, concurrency, seed, readTimeout, advancedLatency, cheapLatency,
                stormRateLimitShare, stormHitsCheap, retryAfterMin, retryAfterMax, breaker, advancedRetryBackoff,
                cheapRetryBackoff, baselineAttempts, baselineBackoff, minCascadeRequests, other);
    }

    private static Map<Phase, Duration> phases(long healthyMs, long outageMs, long stormMs, long recoveryMs) {
        Map<Phase, Duration> m = new EnumMap<>(Phase.class);
        m.put(Phase.HEALTHY, Duration.ofMillis(healthyMs));
        m.put(Phase.OUTAGE, Duration.ofMillis(outageMs));
        m.put(Phase.RATE_LIMIT_STORM, Duration.ofMillis(stormMs));
        m.put(Phase.RECOVERY, Duration.ofMillis(recoveryMs));
        return m;
    }
}
