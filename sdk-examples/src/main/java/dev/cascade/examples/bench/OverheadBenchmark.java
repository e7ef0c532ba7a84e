package dev.cascade.examples.bench;

import dev.cascade.Cascade;
import dev.cascade.CascadeBuilder;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.config.CircuitBreakerSpec;
import dev.cascade.config.ModelStepSpec;
import dev.cascade.config.RateLimitSpec;
import dev.cascade.config.RetrySpec;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What Cascade costs on top of the model call itself, measured side by side on one trivial model (a lambda returning
 * a pre-built response, so the call costs next to nothing and the engine's own work is what is left):
 * <ul>
 *   <li>{@code direct}: prompt, call, parse, nothing else (the floor);</li>
 *   <li>{@code resilience4jDecorators}: the same call in resilience4j's {@code Decorators} with a circuit breaker, a
 *       retry and a rate limiter (what a user would write by hand instead of Cascade);</li>
 *   <li>{@code cascadeOneStep}: a one-step chain with the same three policies, no listener, no deadline, no timeout
 *       (so the call runs inline on the caller's thread);</li>
 *   <li>{@code cascadeTwoStepFirstOpen}: a two-step chain whose first step's breaker is forced open, so every
 *       execution skips step 1 ({@code CIRCUIT_OPEN}, no exception) and step 2 answers.</li>
 *   <li>{@code cascadeOneStepTelemetryOn}: the one-step chain with {@code openTelemetry(sdk)}: an OpenTelemetry SDK
 *       with a batch span processor and a periodic metric reader, both exporting to exporters that drop everything
 *       (what the application pays in-process, without the network).</li>
 *   <li>{@code cascadeOneStepNoSdk}: the one-step chain with {@code openTelemetry(OpenTelemetry.noop())}, the API with
 *       no SDK installed.</li>
 * </ul>
 * Every variant uses the same prompt mapper, client and parser objects, and the same breaker, retry and limiter
 * settings ({@link #BREAKER}, {@link #RETRY}, {@link #LIMIT}). The limiter allows {@value #PERMITS} calls per second,
 * so it never runs out during a run. Results are returned, so JMH sinks them (no dead-code elimination).
 *
 * <p>Run through {@link OverheadMain} (which adds the GC profiler for bytes/op), or with JMH's own command line.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class OverheadBenchmark {

    /** Rate limiter permits per period: far more than any single thread can use, so no call is ever refused. */
    static final int PERMITS = 1_000_000_000;
    static final Duration PERIOD = Duration.ofSeconds(1);

    // The shared policy settings (Cascade's defaults, written out so both sides visibly use the same numbers).
    static final int RETRY_MAX_ATTEMPTS = 3;
    static final Duration RETRY_INITIAL_BACKOFF = Duration.ofMillis(200);
    static final double RETRY_MULTIPLIER = 2.0;
    static final double RETRY_JITTER = 0.2;
    static final Duration RETRY_MAX_BACKOFF = Duration.ofSeconds(5);
    static final float CB_FAILURE_RATE = 50f;
    static final int CB_WINDOW = 20;
    static final int CB_MINIMUM_CALLS = 10;
    static final Duration CB_OPEN_FOR = Duration.ofSeconds(30);
    static final int CB_HALF_OPEN_CALLS = 3;

    static final Consumer<RetrySpec> RETRY = r -> r.maxAttempts(RETRY_MAX_ATTEMPTS)
            .initialBackoff(RETRY_INITIAL_BACKOFF).multiplier(RETRY_MULTIPLIER).jitter(RETRY_JITTER)
            .maxBackoff(RETRY_MAX_BACKOFF);
    static final Consumer<CircuitBreakerSpec> BREAKER = cb -> cb.failureRateThreshold(CB_FAILURE_RATE)
            .slidingWindowSize(CB_WINDOW).minimumCalls(CB_MINIMUM_CALLS).openFor(CB_OPEN_FOR)
            .halfOpenCalls(CB_HALF_OPEN_CALLS);
    static final Consumer<RateLimitSpec> LIMIT = rl -> rl.permits(PERMITS).period(PERIOD);

    static final String ONE_STEP_CHAIN = "bench-one";
    static final String TWO_STEP_CHAIN = "bench-two";
    static final String ANSWER = "Your refund was approved.";

    /** The input every execution gets. */
    String input;
    ModelRequest request;
    ModelResponse response;
    ModelClient client;
    Function<String, ModelRequest> prompt;
    Function<ModelResponse, String> parse;

    Supplier<ModelResponse> decorated;
    CircuitBreaker r4jBreaker;
    RateLimiter r4jLimiter;

    Cascade<String, String> oneStep;
    Cascade<String, String> twoStep;
    CascadeRegistries twoStepRegistries;
    CircuitBreaker openBreaker;

    Cascade<String, String> telemetryOn;
    Cascade<String, String> noSdk;
    Cascade<String, String> threeAttemptsOff;
    Cascade<String, String> threeAttemptsOn;
    OpenTelemetrySdk sdk;

    @Setup(Level.Trial)
    public void setUp() {
        input = "Where is my refund for order 4711?";
        request = ModelRequest.of("You are a support agent.", input);
        response = new ModelResponse(ANSWER, new Usage(12, 7, 0), "stop", "bench-model");
        ModelResponse pre = response;
        client = req -> pre;
        ModelRequest req = request;
        // Trivial on purpose: the pre-built request and the response text. Every variant uses these same objects.
        prompt = in -> req;
        parse = ModelResponse::text;

        // --- resilience4j by hand, the same settings as the chain's step
        r4jBreaker = CircuitBreaker.of("r4j-breaker", CircuitBreakerConfig.custom()
                .slidingWindow(CB_WINDOW, CB_MINIMUM_CALLS, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(CB_FAILURE_RATE)
                .waitDurationInOpenState(CB_OPEN_FOR)
                .permittedNumberOfCallsInHalfOpenState(CB_HALF_OPEN_CALLS)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build());
        Retry r4jRetry = Retry.of("r4j-retry", RetryConfig.custom()
                .maxAttempts(RETRY_MAX_ATTEMPTS)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(RETRY_INITIAL_BACKOFF, RETRY_MULTIPLIER,
                        RETRY_JITTER, RETRY_MAX_BACKOFF))
                .failAfterMaxAttempts(false)
                .writableStackTraceEnabled(false)
                .build());
        r4jLimiter = RateLimiter.of("r4j-limiter", RateLimiterConfig.custom()
                .limitForPeriod(PERMITS)
                .limitRefreshPeriod(PERIOD)
                .timeoutDuration(Duration.ZERO)
                .build());
        // Built once; per call it maps the prompt and calls the client, like the chain's step does.
        decorated = Decorators.ofSupplier(() -> callUnchecked(client, prompt.apply(input)))
                .withCircuitBreaker(r4jBreaker)
                .withRetry(r4jRetry)
                .withRateLimiter(r4jLimiter)
                .decorate();

        // --- Cascade, one step
        oneStep = Cascade.<String, String>builder(ONE_STEP_CHAIN)
                .prompt(prompt)
                .parse(parse)
                .model("m", client, OverheadBenchmark::policies)
                .build();

        // --- Cascade, two steps, the first one's breaker forced open
        twoStepRegistries = CascadeRegistries.create();
        twoStep = Cascade.<String, String>builder(TWO_STEP_CHAIN)
                .prompt(prompt)
                .parse(parse)
                .model("primary", client, OverheadBenchmark::policies)
                .model("secondary", client, OverheadBenchmark::policies)
                .registries(twoStepRegistries)
                .build();
        // A lambda client reports no model, so the resource is named chain/step.
        openBreaker = twoStepRegistries.circuitBreaker(TWO_STEP_CHAIN + "/primary")
                .orElseThrow(() -> new IllegalStateException("no breaker named " + TWO_STEP_CHAIN + "/primary in "
                        + twoStepRegistries.circuitBreakers()));
        openBreaker.transitionToForcedOpenState();

        // --- telemetry on: a real SDK whose exporters drop everything
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(BatchSpanProcessor.builder(new DroppingSpanExporter()).build())
                        .build())
                .setMeterProvider(SdkMeterProvider.builder()
                        .registerMetricReader(PeriodicMetricReader.builder(new DroppingMetricExporter())
                                .setInterval(Duration.ofSeconds(10)).build())
                        .build())
                .build();
        telemetryOn = Cascade.<String, String>builder(ONE_STEP_CHAIN + "-otel")
                .prompt(prompt)
                .parse(parse)
                .model("m", client, OverheadBenchmark::policies)
                .openTelemetry(sdk)
                .build();
        // Three attempts per execution (two 503s, then an answer): telemetry's cost per extra attempt is the
        // difference to the one-attempt chains, halved.
        threeAttemptsOff = threeAttempts("bench-three", null);
        threeAttemptsOn = threeAttempts("bench-three-otel", sdk);
        noSdk = Cascade.<String, String>builder(ONE_STEP_CHAIN + "-noop")
                .prompt(prompt)
                .parse(parse)
                .model("m", client, OverheadBenchmark::policies)
                .openTelemetry(OpenTelemetry.noop())
                .build();

        verify();
    }

    private Cascade<String, String> threeAttempts(String name, OpenTelemetry otel) {
        ModelCallException unavailable = new ModelCallException(FailureKind.UNAVAILABLE, "503");
        int[] calls = {0};
        ModelClient flaky = req -> {
            if (calls[0]++ % 3 < 2) {
                throw unavailable; // pre-built: the benchmark measures the engine, not exception construction
            }
            return response;
        };
        CascadeBuilder<String, String> b = Cascade.<String, String>builder(name)
                .prompt(prompt)
                .parse(parse)
                .model("m", flaky, s -> s.retry(r -> r.maxAttempts(3).initialBackoff(Duration.ZERO).jitter(0)));
        if (otel != null) {
            b.openTelemetry(otel);
        }
        return b.build();
    }

    @TearDown(Level.Trial)
    public void closeSdk() {
        sdk.close();
    }

    /** The variants must do what they claim; checked outside the measurement, before and after each trial. */
    @TearDown(Level.Trial)
    public void verify() {
        check(ANSWER.equals(directCall()), "direct did not answer");
        check(ANSWER.equals(parse.apply(decorated.get())), "decorators did not answer");
        Outcome<String> one = oneStep.execute(input);
        check(one.isAnswered() && ANSWER.equals(one.answer().orElse(null)) && one.attempts().size() == 1,
                "one-step chain did not answer at once: " + one + " " + one.attempts());
        Outcome<String> two = twoStep.execute(input);
        List<Attempt> attempts = two.attempts();
        check(two.isAnswered() && "secondary".equals(two.answeredBy().orElse(null)) && attempts.size() == 2
                        && attempts.get(0).status() == Attempt.Status.SKIPPED
                        && attempts.get(0).failure() == FailureKind.CIRCUIT_OPEN,
                "two-step chain did not skip step 1 on an open breaker: " + two + " " + attempts);
        check(openBreaker.getState() == CircuitBreaker.State.FORCED_OPEN, "first breaker is " + openBreaker.getState());
        check(r4jBreaker.getState() == CircuitBreaker.State.CLOSED, "decorators' breaker is " + r4jBreaker.getState());
        check(ANSWER.equals(telemetryOn.execute(input).answer().orElse(null)), "telemetry-on chain did not answer");
        check(ANSWER.equals(noSdk.execute(input).answer().orElse(null)), "no-SDK chain did not answer");
        Outcome<String> three = threeAttemptsOn.execute(input);
        check(three.isAnswered() && three.attempts().size() == 3, "three-attempt chain: " + three.attempts());
        check(threeAttemptsOff.execute(input).attempts().size() == 3, "three-attempt chain (off) did not retry twice");
    }

    static void policies(ModelStepSpec<String, String> s) {
        s.retry(RETRY).circuitBreaker(BREAKER).rateLimit(LIMIT);
    }

    private static ModelResponse callUnchecked(ModelClient client, ModelRequest request) {
        try {
            return client.call(request);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String directCall() {
        return parse.apply(callUnchecked(client, prompt.apply(input)));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("benchmark setup is wrong: " + message);
        }
    }

    /** The floor: prompt, call, parse. */
    @Benchmark
    public String direct() throws Exception {
        return parse.apply(client.call(prompt.apply(input)));
    }

    /** The same call behind resilience4j's circuit breaker, retry and rate limiter, composed by hand. */
    @Benchmark
    public String resilience4jDecorators() {
        return parse.apply(decorated.get());
    }

    /** A one-step chain with the same policies: breaker, limiter, retry; no listener, deadline or timeout. */
    @Benchmark
    public Outcome<String> cascadeOneStep() {
        return oneStep.execute(input);
    }

    /** A two-step chain whose first breaker is open: step 1 is skipped (CIRCUIT_OPEN), step 2 answers. */
    @Benchmark
    public Outcome<String> cascadeTwoStepFirstOpen() {
        return twoStep.execute(input);
    }

    /** The one-step chain reporting spans and metrics to an SDK whose exporters drop everything. */
    @Benchmark
    public Outcome<String> cascadeOneStepTelemetryOn() {
        return telemetryOn.execute(input);
    }

    /** The one-step chain given the API's no-op OpenTelemetry (no SDK installed): nothing is added. */
    @Benchmark
    public Outcome<String> cascadeOneStepNoSdk() {
        return noSdk.execute(input);
    }

    /** Accepts spans and drops them. */
    static final class DroppingSpanExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /** Accepts metrics and drops them. */
    static final class DroppingMetricExporter implements MetricExporter {
        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            return AggregationTemporality.CUMULATIVE;
        }
    }

    /** Two failed attempts and a retried answer, telemetry off. */
    @Benchmark
    public Outcome<String> cascadeThreeAttempts() {
        return threeAttemptsOff.execute(input);
    }

    /** Two failed attempts and a retried answer, telemetry on. */
    @Benchmark
    public Outcome<String> cascadeThreeAttemptsTelemetryOn() {
        return threeAttemptsOn.execute(input);
    }
}
