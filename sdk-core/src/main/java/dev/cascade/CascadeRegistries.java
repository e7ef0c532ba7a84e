package dev.cascade;

import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.config.BulkheadSpec;
import dev.cascade.config.CircuitBreakerSpec;
import dev.cascade.config.ModelStepSpec;
import dev.cascade.config.RateLimitSpec;
import dev.cascade.spi.TimeSource;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where circuit breakers, rate limiters and bulkheads live, by resource name (see
 * {@link ModelStepSpec#resourceName}). Chains built with the same registries share state: one model used by two chains
 * has one breaker, so an outage seen by one chain spares the other, and one bulkhead, so one limit on its calls in
 * flight. Each chain gets fresh registries unless given these through
 * {@link CascadeBuilder#registries}. Thread-safe.
 *
 * <p>The breakers, limiters and bulkheads are plain resilience4j objects, so they can be bound to metrics or
 * inspected ({@link #circuitBreakers()}, {@link #rateLimiters()}, {@link #bulkheads()}). A resource must be configured identically by every step that
 * names it; a different configuration fails that chain's {@code build()}.
 */
public final class CascadeRegistries {
    private final TimeSource time;
    private final Map<String, Entry<CircuitBreaker, CircuitBreakerSpec>> breakers = new ConcurrentHashMap<>();
    private final Map<String, Entry<RateLimiter, RateLimitSpec>> limiters = new ConcurrentHashMap<>();
    private final Map<String, Entry<Bulkhead, BulkheadSpec>> bulkheads = new ConcurrentHashMap<>();

    private record Entry<T, S>(T value, S spec) {
    }

    private CascadeRegistries(TimeSource time) {
        this.time = Objects.requireNonNull(time, "timeSource");
    }

    /** Registries on real time. */
    public static CascadeRegistries create() {
        return new CascadeRegistries(TimeSource.system());
    }

    /** Registries whose breakers and limiters run on {@code time} (for tests on virtual time). */
    public static CascadeRegistries create(TimeSource time) {
        return new CascadeRegistries(time);
    }

    /** The time source the breakers and limiters use; a chain using these registries must use the same one. */
    public TimeSource timeSource() {
        return time;
    }

    /** The breaker named {@code name}, if a chain created it. */
    public Optional<CircuitBreaker> circuitBreaker(String name) {
        Entry<CircuitBreaker, CircuitBreakerSpec> e = breakers.get(name);
        return e == null ? Optional.empty() : Optional.of(e.value());
    }

    /** The rate limiter named {@code name}, if a chain created it. */
    public Optional<RateLimiter> rateLimiter(String name) {
        Entry<RateLimiter, RateLimitSpec> e = limiters.get(name);
        return e == null ? Optional.empty() : Optional.of(e.value());
    }

    /** The bulkhead named {@code name}, if a chain created it. */
    public Optional<Bulkhead> bulkhead(String name) {
        Entry<Bulkhead, BulkheadSpec> e = bulkheads.get(name);
        return e == null ? Optional.empty() : Optional.of(e.value());
    }

    public Collection<Bulkhead> bulkheads() {
        return List.copyOf(bulkheads.values().stream().map(Entry::value).toList());
    }

    public Collection<CircuitBreaker> circuitBreakers() {
        return breakers.values().stream().map(Entry::value).toList();
    }

    public Collection<RateLimiter> rateLimiters() {
        return List.copyOf(limiters.values().stream().map(Entry::value).toList());
    }

    /** Fails, without registering anything, if {@code name} is already registered with a different spec. */
    void checkCompatible(String name, CircuitBreakerSpec breaker, RateLimitSpec limiter, BulkheadSpec bulkhead,
                         String owner, String stepPath) {
        Entry<CircuitBreaker, CircuitBreakerSpec> b = breaker == null ? null : breakers.get(name);
        if (b != null && !b.spec().equals(breaker)) {
            throw conflict(owner, stepPath + ".circuitBreaker", "circuit breaker", name, b.spec(), breaker);
        }
        Entry<RateLimiter, RateLimitSpec> l = limiter == null ? null : limiters.get(name);
        if (l != null && !l.spec().equals(limiter)) {
            throw conflict(owner, stepPath + ".rateLimit", "rate limiter", name, l.spec(), limiter);
        }
        Entry<Bulkhead, BulkheadSpec> h = bulkhead == null ? null : bulkheads.get(name);
        if (h != null && !h.spec().equals(bulkhead)) {
            throw conflict(owner, stepPath + ".bulkhead", "bulkhead", name, h.spec(), bulkhead);
        }
    }

    static CascadeConfigurationException conflict(String owner, String path, String what, String name,
                                                  Object existing, Object asked) {
        return new CascadeConfigurationException(path, asked, what + " '" + name + "' is already registered as "
                + existing + " but this step asks for " + asked, "steps sharing a resource must configure it"
                + " identically (share one spec), or set a different resourceName").within(owner, "");
    }

    CircuitBreaker circuitBreaker(String name, CircuitBreakerSpec spec, String owner, String path) {
        Entry<CircuitBreaker, CircuitBreakerSpec> e = breakers.computeIfAbsent(name,
                n -> new Entry<>(CircuitBreaker.of(n, toConfig(spec)), spec));
        if (!e.spec().equals(spec)) {
            throw conflict(owner, path, "circuit breaker", name, e.spec(), spec);
        }
        return e.value();
    }

    RateLimiter rateLimiter(String name, RateLimitSpec spec, String owner, String path) {
        Entry<RateLimiter, RateLimitSpec> e = limiters.computeIfAbsent(name, n -> new Entry<>(RateLimiter.of(n,
                RateLimiterConfig.custom()
                        .limitForPeriod(spec.permits())
                        .limitRefreshPeriod(spec.period())
                        .timeoutDuration(Duration.ZERO)
                        .build(),
                time::nanoTime), spec));
        if (!e.spec().equals(spec)) {
            throw conflict(owner, path, "rate limiter", name, e.spec(), spec);
        }
        return e.value();
    }

    Bulkhead bulkhead(String name, BulkheadSpec spec, String owner, String path) {
        Entry<Bulkhead, BulkheadSpec> e = bulkheads.computeIfAbsent(name, n -> new Entry<>(Bulkhead.of(n,
                BulkheadConfig.custom()
                        .maxConcurrentCalls(spec.maxConcurrentCalls())
                        .maxWaitDuration(Duration.ZERO) // full means skip now: Cascade never waits for room
                        .writableStackTraceEnabled(false)
                        .build()), spec));
        if (!e.spec().equals(spec)) {
            throw conflict(owner, path, "bulkhead", name, e.spec(), spec);
        }
        return e.value();
    }

    private CircuitBreakerConfig toConfig(CircuitBreakerSpec spec) {
        CircuitBreakerConfig.Builder b = CircuitBreakerConfig.custom()
                .slidingWindow(spec.slidingWindowSize(), spec.minimumCalls(),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(spec.failureRateThreshold())
                .waitDurationInOpenState(spec.openFor())
                .permittedNumberOfCallsInHalfOpenState(spec.halfOpenCalls())
                // Half-open -> open after this wait needs resilience4j's scheduler thread (real time): the one timer
                // a breaker uses, so a trial call that never reports cannot wedge it half-open.
                .maxWaitDurationInHalfOpenState(spec.halfOpenMaxWait())
                // Open -> half-open happens lazily on the next permission request, on our clock: no timer for it.
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .clock(time.asClock())
                .currentTimestampFunction(clock -> time.nanoTime(), TimeUnit.NANOSECONDS);
        if (spec.slowCallThreshold() != null) {
            b.slowCallDurationThreshold(spec.slowCallThreshold()).slowCallRateThreshold(spec.slowCallRateThreshold());
        }
        return b.build();
    }
}
