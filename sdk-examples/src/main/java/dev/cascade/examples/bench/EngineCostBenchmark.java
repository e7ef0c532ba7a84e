package dev.cascade.examples.bench;

import dev.cascade.Cascade;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.Attempt;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Route;
import dev.cascade.api.Usage;
import dev.cascade.spi.TimeSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.opentelemetry.context.Context;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Diagnostic companion of {@link OverheadBenchmark}: the price, on this machine, of each piece of work the engine
 * does per execution ({@code ChainImpl.run} and {@code ModelStepRunner.run}), measured alone, so a gap between the
 * chain and the hand-composed decorators can be attributed. Each method re-creates what the engine does, with the
 * same JDK and resilience4j calls. Not part of the targets; run it with e.g.
 * {@code java -cp <classpath> org.openjdk.jmh.Main EngineCostBenchmark -prof gc -f 1 -wi 3 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class EngineCostBenchmark {

    final AtomicLong ids = new AtomicLong();
    final String idPrefix = Long.toHexString(0x5eed_cafe_f00dL) + "-";
    final Route route = new Route("m", false, "no router");
    final ModelResponse response = new ModelResponse(OverheadBenchmark.ANSWER, new Usage(12, 7, 0), "stop", "x");
    final long start = System.nanoTime();
    CircuitBreaker closed;
    CircuitBreaker forcedOpen;
    CircuitBreaker open;
    RateLimiter limiter;
    Cascade<String, String> noPolicies;
    Cascade<String, String> retryOnly;
    Cascade<String, String> breakerOnly;
    Cascade<String, String> limiterOnly;
    Cascade<String, String> allPolicies;
    Cascade<String, String> allPoliciesFreeClock;
    Cascade<String, String> twoStepOpenState;
    final String input = "Where is my refund for order 4711?";
    /** A real attempt, taken from an execution (so this class does not depend on Attempt's constructor). */
    Attempt attempt;

    @Setup
    public void setUp() {
        CircuitBreakerConfig cfg = CircuitBreakerConfig.custom()
                .slidingWindow(20, 10, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(Duration.ofHours(1))
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build();
        closed = CircuitBreaker.of("closed", cfg);
        forcedOpen = CircuitBreaker.of("forced-open", cfg);
        forcedOpen.transitionToForcedOpenState();
        open = CircuitBreaker.of("open", cfg);
        open.transitionToOpenState();
        limiter = RateLimiter.of("limiter", RateLimiterConfig.custom().limitForPeriod(OverheadBenchmark.PERMITS)
                .limitRefreshPeriod(OverheadBenchmark.PERIOD).timeoutDuration(Duration.ZERO).build());
        ModelRequest req = ModelRequest.of("s", input);
        ModelResponse pre = response;
        noPolicies = Cascade.<String, String>builder("no-policies").prompt(in -> req).parse(ModelResponse::text)
                .model("m", r -> pre).build();
        retryOnly = Cascade.<String, String>builder("retry-only").prompt(in -> req).parse(ModelResponse::text)
                .model("m", r -> pre, s -> s.retry(OverheadBenchmark.RETRY)).build();
        breakerOnly = Cascade.<String, String>builder("breaker-only").prompt(in -> req).parse(ModelResponse::text)
                .model("m", r -> pre, s -> s.circuitBreaker(OverheadBenchmark.BREAKER)).build();
        limiterOnly = Cascade.<String, String>builder("limiter-only").prompt(in -> req).parse(ModelResponse::text)
                .model("m", r -> pre, s -> s.rateLimit(OverheadBenchmark.LIMIT)).build();
        allPolicies = Cascade.<String, String>builder("all").prompt(in -> req).parse(ModelResponse::text)
                .model("m", r -> pre, OverheadBenchmark::policies).build();
        allPoliciesFreeClock = Cascade.<String, String>builder("all-free-clock").prompt(in -> req)
                .parse(ModelResponse::text).timeSource(new CountingTime())
                .model("m", r -> pre, OverheadBenchmark::policies).build();
        // As OverheadBenchmark.cascadeTwoStepFirstOpen, but the first breaker is OPEN (what an outage looks like)
        // rather than FORCED_OPEN; openFor is an hour so it never turns half-open during a run.
        CascadeRegistries regs = CascadeRegistries.create();
        twoStepOpenState = Cascade.<String, String>builder("two-open").prompt(in -> req).parse(ModelResponse::text)
                .registries(regs)
                .model("primary", r -> pre, s -> s.retry(OverheadBenchmark.RETRY).rateLimit(OverheadBenchmark.LIMIT)
                        .circuitBreaker(cb -> OverheadBenchmark.BREAKER.andThen(b -> b.openFor(Duration.ofHours(1)))
                                .accept(cb)))
                .model("secondary", r -> pre, OverheadBenchmark::policies)
                .build();
        regs.circuitBreaker("two-open/primary").orElseThrow().transitionToOpenState();
        Outcome<String> check = twoStepOpenState.execute(input);
        if (!"secondary".equals(check.answeredBy().orElse(null))) {
            throw new IllegalStateException("two-open: step 1 was not skipped: " + check.attempts());
        }
        attempt = noPolicies.execute(input).attempts().get(0);
    }

    /** One clock read; the engine makes 6 per one-step execution (run: start, elapsed; step: t0, now, start, end). */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /**
     * A ticker that is a plain counter (1 ns per read), so reading it costs next to nothing. Only for measuring what
     * the real clock costs the engine; everything else is real time.
     */
    static final class CountingTime implements TimeSource {
        private long ticks = System.nanoTime();

        @Override
        public long nanoTime() {
            return ++ticks; // one benchmark thread; monotonic is all the engine needs here
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            TimeSource.system().sleep(nanos);
        }

        @Override
        public <T> T callWithTimeout(Callable<T> call, long timeoutNanos, ExecutorService executor) throws Exception {
            return TimeSource.system().callWithTimeout(call, timeoutNanos, executor);
        }
    }

    /** ChainImpl.run: the execution id. */
    @Benchmark
    public String executionId() {
        return idPrefix + Long.toHexString(ids.incrementAndGet());
    }

    /** ChainImpl.run: the parent OpenTelemetry context and the interrupt check (per step). */
    @Benchmark
    public boolean contextAndInterrupt() {
        return Context.current() != null && !Thread.currentThread().isInterrupted();
    }

    /** Execution.record's parts: the attempt list and the two Durations of an Attempt (offset, latency). */
    @Benchmark
    public Object attemptListAndDurations() {
        List<Object> attempts = new ArrayList<>(4);
        attempts.add(Duration.ofNanos(System.nanoTime() - start));
        attempts.add(Duration.ofNanos(37));
        return attempts;
    }

    /** ChainImpl.run: the Outcome (copies the attempt list, one more Duration). */
    @Benchmark
    public Outcome<String> outcome() {
        List<Attempt> attempts = new ArrayList<>(4);
        attempts.add(attempt);
        return Outcome.create("chain", "id", Outcome.Status.ANSWERED, "answer", "m", attempts, route, null,
                Duration.ofNanos(41));
    }

    /** ModelStepRunner.run on a closed breaker: tryAcquirePermission, then onSuccess. */
    @Benchmark
    public boolean breakerClosedRoundTrip() {
        boolean ok = closed.tryAcquirePermission();
        closed.onSuccess(41, TimeUnit.NANOSECONDS);
        return ok;
    }

    /** ModelStepRunner.run on a forced-open breaker: resilience4j builds a CallNotPermitted event (ZonedDateTime.now()). */
    @Benchmark
    public boolean breakerForcedOpenRefusal() {
        return forcedOpen.tryAcquirePermission();
    }

    /** The same on an OPEN breaker (what an outage looks like): also reads the breaker's Clock. */
    @Benchmark
    public boolean breakerOpenRefusal() {
        return open.tryAcquirePermission();
    }

    /** A state check that builds no event: what a pre-check before tryAcquirePermission would cost. */
    @Benchmark
    public boolean breakerStateCheck() {
        return forcedOpen.getState() == CircuitBreaker.State.FORCED_OPEN;
    }

    /** ModelStepRunner.skip on an open breaker: the reason string. */
    @Benchmark
    public String skipReason() {
        return "circuit breaker '" + forcedOpen.getName() + "' is " + forcedOpen.getState();
    }

    /** ModelStepRunner.run: one limiter permit. */
    @Benchmark
    public boolean limiterPermit() {
        return limiter.acquirePermission();
    }

    /** The engine with no policy at all: ChainImpl.run + ModelStepRunner.run bookkeeping only. */
    @Benchmark
    public Outcome<String> chainNoPolicies() {
        return noPolicies.execute(input);
    }

    /** The same chain as {@link OverheadBenchmark#cascadeOneStep}, measured here next to the free-clock variant. */
    @Benchmark
    public Outcome<String> chainAllPolicies() {
        return allPolicies.execute(input);
    }

    /**
     * The same chain on a clock that costs nothing ({@link CountingTime}): the difference to
     * {@link #chainAllPolicies} is what the engine's clock reads cost (its own six and the limiter's one).
     */
    @Benchmark
    public Outcome<String> chainAllPoliciesFreeClock() {
        return allPoliciesFreeClock.execute(input);
    }

    /** Two steps, the first breaker OPEN (not forced): the skip also reads the breaker's clock. */
    @Benchmark
    public Outcome<String> chainTwoStepFirstOpenState() {
        return twoStepOpenState.execute(input);
    }

    @Benchmark
    public Outcome<String> chainRetryOnly() {
        return retryOnly.execute(input);
    }

    @Benchmark
    public Outcome<String> chainBreakerOnly() {
        return breakerOnly.execute(input);
    }

    @Benchmark
    public Outcome<String> chainLimiterOnly() {
        return limiterOnly.execute(input);
    }
}
