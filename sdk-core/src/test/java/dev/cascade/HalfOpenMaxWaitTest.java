package dev.cascade;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.testing.VirtualTime;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A half-open breaker whose trial call never reports opens again after {@code halfOpenMaxWait}, so a later call gets a
 * new trial instead of being refused forever. The wait runs on resilience4j's timer (real time); everything else here
 * is on virtual time, and every wait is a latch or a bounded poll.
 */
class HalfOpenMaxWaitTest {

    private final VirtualTime time = new VirtualTime();
    private final CascadeRegistries registries = CascadeRegistries.create(time);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch trialStarted = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void releaseTheHungCall() {
        release.countDown();
    }

    private Cascade<String, String> chain(Duration halfOpenMaxWait) {
        return Cascade.<String, String>builder("half-open")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(registries)
                .model("advanced", request -> {
                    if (calls.incrementAndGet() == 1) {
                        // The trial call hangs: no step timeout, and it ignores nothing but the release.
                        trialStarted.countDown();
                        release.await(60, TimeUnit.SECONDS);
                    }
                    return ModelResponse.of("advanced answer", Usage.of(10, 5));
                }, s -> s.circuitBreaker(cb -> {
                    cb.halfOpenCalls(1).openFor(Duration.ofSeconds(30));
                    if (halfOpenMaxWait != null) {
                        cb.halfOpenMaxWait(halfOpenMaxWait);
                    }
                }))
                .rules("fallback", dev.cascade.rules.RuleSet.<String, String>firstMatch()
                        .rule("any", in -> true, in -> "rules answer").build())
                .build();
    }

    private CircuitBreaker breaker() {
        return registries.circuitBreaker("half-open/advanced").orElseThrow();
    }

    @Test
    void aBreakerWaitsAtMostSixtySecondsInHalfOpenByDefault() {
        chain(null);
        assertThat(breaker().getCircuitBreakerConfig().getMaxWaitDurationInHalfOpenState())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void halfOpenMaxWaitMustBePositiveAndIsNamedInTheError() {
        assertThatThrownBy(() -> chain(Duration.ZERO))
                .hasMessageContaining("circuitBreaker.halfOpenMaxWait")
                .hasMessageContaining("PT0S");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aTrialCallThatNeverReportsDoesNotKeepTheBreakerHalfOpen(Scenarios.Entry entry) throws Exception {
        Cascade<String, String> chain = chain(Duration.ofMillis(200));
        breaker().transitionToOpenState();
        time.advance(Duration.ofSeconds(31));

        // The one trial call hangs on another thread.
        CompletableFuture<Outcome<String>> trial = chain.executeAsync("trial");
        assertThat(trialStarted.await(10, TimeUnit.SECONDS)).as("trial call started").isTrue();
        assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(entry.run(chain, "refused").attempts().get(0).failure()).isEqualTo(FailureKind.CIRCUIT_OPEN);

        // After the bound the breaker opens again, on its own...
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (breaker().getState() == CircuitBreaker.State.HALF_OPEN && System.nanoTime() < until) {
            TimeUnit.MILLISECONDS.sleep(5); // bounded poll of a state changed by resilience4j's timer
        }
        assertThat(breaker().getState()).as("breaker left half-open within 10 s").isEqualTo(CircuitBreaker.State.OPEN);

        // ...so after the open period a new trial call goes through and closes it.
        time.advance(Duration.ofSeconds(31));
        Outcome<String> next = entry.run(chain, "next");
        assertThat(next.answeredBy()).contains("advanced");
        assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);

        release.countDown();
        assertThat(trial.get(10, TimeUnit.SECONDS).answeredBy()).contains("advanced");
    }
}
