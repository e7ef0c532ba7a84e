package dev.cascade;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.event.Anomaly;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import dev.cascade.testing.VirtualTime;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.cascade.Scenarios.trace;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the chain makes of a client that breaks its contract or never reached the network: a {@code null} response is
 * UNAVAILABLE (retried, counted by the breaker; see {@link ModelClient}'s javadoc for why), a failure the client marks
 * {@link ModelCallException#notSent} is retried but not counted by the breaker, and {@link Cascade#warmUp()} warms
 * every client once, reporting the ones that fail without failing itself.
 */
class ClientContractTest {

    private final VirtualTime time = new VirtualTime();
    private final CascadeRegistries registries = CascadeRegistries.create(time);
    private final ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");

    private Cascade<String, String> chain(ModelClient advanced) {
        return Cascade.<String, String>builder("contract")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(registries)
                .model("advanced", advanced, s -> s
                        .retry(r -> r.maxAttempts(2).initialBackoff(Duration.ZERO))
                        .circuitBreaker(cb -> cb.slidingWindowSize(4).minimumCalls(4).failureRateThreshold(50)))
                .model("cheap", cheap)
                .build();
    }

    private CircuitBreaker breaker() {
        return registries.circuitBreaker("contract/advanced").orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aClientReturningNullIsUnavailableRetriedAndCountedByTheBreaker(Scenarios.Entry entry) {
        Outcome<String> out = entry.run(chain(request -> null), "q");

        assertThat(trace(out)).containsExactly("advanced#1 FAILED UNAVAILABLE", "advanced#2 FAILED UNAVAILABLE",
                "cheap#1 ANSWERED");
        assertThat(out.attempts().get(0).reason()).contains("model client returned null");
        assertThat(breaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aFailureBeforeTheRequestLeftTheProcessIsRetriedButNotCountedByTheBreaker(Scenarios.Entry entry) {
        AtomicInteger calls = new AtomicInteger();
        Cascade<String, String> chain = chain(request -> {
            calls.incrementAndGet();
            throw ModelCallException.notSent(FailureKind.UNAVAILABLE, "connection pool exhausted", null);
        });

        for (int i = 0; i < 10; i++) {
            Outcome<String> out = entry.run(chain, "q" + i);
            assertThat(trace(out)).containsExactly("advanced#1 FAILED UNAVAILABLE", "advanced#2 FAILED UNAVAILABLE",
                    "cheap#1 ANSWERED");
            assertThat(out.attempts().get(0).reason()).contains("request never sent");
        }

        assertThat(calls).hasValue(20);
        assertThat(breaker().getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void theSameFailureSentToTheProviderOpensTheBreaker() {
        Cascade<String, String> chain = chain(request -> {
            throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
        });
        for (int i = 0; i < 2; i++) {
            chain.execute("q" + i);
        }
        assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(ModelCallException.notSent(FailureKind.UNAVAILABLE, "x", null).requestSent()).isFalse();
        assertThat(new ModelCallException(FailureKind.UNAVAILABLE, "x").requestSent()).isTrue();
    }

    /** A client that counts its warm-ups, and may fail them. */
    private static final class WarmingModel implements ModelClient {
        final AtomicInteger warmUps = new AtomicInteger();
        final boolean fails;

        WarmingModel(boolean fails) {
            this.fails = fails;
        }

        @Override
        public ModelResponse call(ModelRequest request) {
            return ModelResponse.of("answer", Usage.of(1, 1));
        }

        @Override
        public void warmUp() {
            warmUps.incrementAndGet();
            if (fails) {
                throw new IllegalStateException("no route to host");
            }
        }
    }

    @Test
    void warmUpWarmsEachClientOnceAndReportsTheOnesThatFail() throws Exception {
        WarmingModel shared = new WarmingModel(false);
        WarmingModel broken = new WarmingModel(true);
        List<Anomaly> anomalies = new CopyOnWriteArrayList<>();
        Cascade<String, String> chain = Cascade.<String, String>builder("warm")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("a", shared)
                .model("b", broken)
                .model("c", shared)
                .listener(new CascadeListener() {
                    @Override
                    public void onAnomaly(Anomaly event) {
                        anomalies.add(event);
                    }
                })
                .build();

        List<String> problems = chain.warmUp().get(10, TimeUnit.SECONDS);

        assertThat(shared.warmUps).hasValue(1);
        assertThat(broken.warmUps).hasValue(1);
        assertThat(problems).containsExactly("b: IllegalStateException: no route to host");
        assertThat(anomalies).singleElement().satisfies(a -> {
            assertThat(a.watcher()).isEqualTo("warm-up");
            assertThat(a.subject()).isEqualTo("warm/b");
            assertThat(a.message()).contains("no route to host");
        });
        assertThat(chain.execute("q").answeredBy()).contains("a");
    }

    @Test
    void aClientWithoutWarmUpIsFine() throws Exception {
        Cascade<String, String> chain = chain(request -> ModelResponse.of("answer", Usage.of(1, 1)));
        assertThat(chain.warmUp().get(10, TimeUnit.SECONDS)).isEmpty();
    }
}
