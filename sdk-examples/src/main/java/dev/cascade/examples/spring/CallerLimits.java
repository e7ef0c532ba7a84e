package dev.cascade.examples.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

/**
 * One resilience4j {@link RateLimiter} per caller key ({@code triage.caller-limit}): {@link #acquire} takes a permit
 * at once or says how long at most until the next one (one refresh period), never waits. At most {@code callers} limiters are kept, the least
 * recently used forgotten first, so memory stays bounded however many callers come (a forgotten caller starts
 * afresh). Thread-safe.
 */
final class CallerLimits {

    private final RateLimiterConfig config;
    private final Duration period;
    private final Map<String, RateLimiter> byCaller;

    CallerLimits(TriageProperties.CallerLimit limit) {
        this.period = limit.period();
        this.config = RateLimiterConfig.custom()
                .limitForPeriod(limit.requests())
                .limitRefreshPeriod(limit.period())
                .timeoutDuration(Duration.ZERO)
                .build();
        int max = limit.callers();
        this.byCaller = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RateLimiter> eldest) {
                return size() > max;
            }
        };
    }

    /**
     * Takes a permit for {@code caller}.
     *
     * @return empty when granted; otherwise how many whole seconds (at least 1) until the caller may try again
     */
    OptionalLong acquire(String caller) {
        RateLimiter limiter;
        synchronized (byCaller) {
            limiter = byCaller.computeIfAbsent(caller, k -> RateLimiter.of("triage-caller", config));
        }
        if (limiter.acquirePermission()) {
            return OptionalLong.empty();
        }
        // The public API does not say when the next permit comes; it comes within one refresh period.
        return OptionalLong.of(Math.max(1, (period.toNanos() + 999_999_999L) / 1_000_000_000L));
    }
}
