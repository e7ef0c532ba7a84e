package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.spi.ModelCallException;
import dev.cascade.testing.VirtualTime;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A rate limit skips its step at once when out of permits; limiters and breakers are shared through registries. */
class RateLimitTest {

    private final VirtualTime time = new VirtualTime();
    private final CascadeRegistries registries = CascadeRegistries.create(time);
    private final ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");

    private Cascade<String, String> limited(String name, ScriptedModel advanced) {
        return Cascade.<String, String>builder(name)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(registries)
                .model("advanced", advanced, s -> s.resourceName("gpt-big-account")
                        .rateLimit(r -> r.permits(2).period(Duration.ofHours(1))))
                .model("cheap", cheap)
                .build();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aStepOutOfPermitsIsSkippedAtOnceAndTheNextStepAnswers(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Cascade<String, String> chain = limited("limited", advanced);

        assertThat(entry.run(chain, "one").answeredBy()).contains("advanced");
        assertThat(entry.run(chain, "two").answeredBy()).contains("advanced");
        Outcome<String> third = entry.run(chain, "three");

        assertThat(advanced.calls()).isEqualTo(2);
        assertThat(third.answeredBy()).contains("cheap");
        Attempt skip = third.attempts().get(0);
        assertThat(skip.step()).isEqualTo("advanced");
        assertThat(skip.status()).isEqualTo(Status.SKIPPED);
        assertThat(skip.failure()).isEqualTo(FailureKind.NO_PERMIT);
        assertThat(skip.reason()).contains("rate limiter 'gpt-big-account' has no permit");
        assertThat(skip.calledModel()).isFalse();
        assertThat(skip.latency()).isZero();
        // Never waited for a permit: no sleep was asked for and virtual time stood still.
        assertThat(time.sleeps()).isEmpty();
        assertThat(time.elapsed()).isZero();
        assertThat(third.elapsed()).isZero();
        // VirtualTime cannot see a park inside resilience4j, so check the limiter is configured never to wait.
        assertThat(registries.rateLimiter("gpt-big-account").orElseThrow().getRateLimiterConfig().getTimeoutDuration())
                .isZero();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void permitsComeBackAfterThePeriod(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Cascade<String, String> chain = limited("refill", advanced);
        entry.run(chain, "one");
        entry.run(chain, "two");
        assertThat(entry.run(chain, "three").answeredBy()).contains("cheap");

        time.advance(Duration.ofHours(1));

        assertThat(entry.run(chain, "four").answeredBy()).contains("advanced");
        assertThat(advanced.calls()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void twoChainsOnTheSameResourceShareOneLimiter(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Cascade<String, String> support = limited("support", advanced);
        Cascade<String, String> billing = limited("billing", advanced);

        assertThat(entry.run(support, "a").answeredBy()).contains("advanced");
        assertThat(entry.run(billing, "b").answeredBy()).contains("advanced");
        Outcome<String> third = entry.run(support, "c");

        assertThat(third.answeredBy()).contains("cheap");
        assertThat(third.attempts().get(0).failure()).isEqualTo(FailureKind.NO_PERMIT);
        assertThat(entry.run(billing, "d").attempts().get(0).failure()).isEqualTo(FailureKind.NO_PERMIT);
        assertThat(advanced.calls()).isEqualTo(2);
        assertThat(registries.rateLimiters()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aBreakerOpenedThroughOneChainSkipsTheSharedModelInTheOther(Scenarios.Entry entry) {
        ScriptedModel dead = ScriptedModel.failing("gpt-big", new ModelCallException(FailureKind.UNAVAILABLE, "503"));
        Cascade<String, String> support = breakerChain("support", dead);
        Cascade<String, String> billing = breakerChain("billing", dead);

        entry.run(support, "a");
        entry.run(support, "b");
        assertThat(registries.circuitBreaker("gpt-big-account").orElseThrow().getState())
                .isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(dead.calls()).isEqualTo(2);

        Outcome<String> other = entry.run(billing, "c");

        assertThat(other.answeredBy()).contains("cheap");
        assertThat(other.attempts().get(0).status()).isEqualTo(Status.SKIPPED);
        assertThat(other.attempts().get(0).failure()).isEqualTo(FailureKind.CIRCUIT_OPEN);
        assertThat(dead.calls()).isEqualTo(2);
    }

    private Cascade<String, String> breakerChain(String name, ScriptedModel dead) {
        return Cascade.<String, String>builder(name)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(registries)
                .model("advanced", dead, s -> s.resourceName("gpt-big-account")
                        .circuitBreaker(cb -> cb.slidingWindowSize(2).minimumCalls(2).failureRateThreshold(50)))
                .model("cheap", cheap)
                .build();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void anOpenBreakerDoesNotSpendARateLimitPermit(Scenarios.Entry entry) {
        ScriptedModel advanced = new ScriptedModel("gpt-big")
                .thenThrow(new ModelCallException(FailureKind.UNAVAILABLE, "503"))
                .thenAnswer("big answer");
        Cascade<String, String> chain = Cascade.<String, String>builder("both")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(registries)
                .model("advanced", advanced, s -> s
                        .rateLimit(r -> r.permits(2).period(Duration.ofHours(1)))
                        .circuitBreaker(cb -> cb.slidingWindowSize(1).minimumCalls(1).failureRateThreshold(100)
                                .openFor(Duration.ofSeconds(30)).halfOpenCalls(1)))
                .model("cheap", cheap)
                .build();
        entry.run(chain, "fails and opens"); // permit 1 of 2
        for (int i = 0; i < 5; i++) {
            assertThat(entry.run(chain, "open " + i).attempts().get(0).failure()).isEqualTo(FailureKind.CIRCUIT_OPEN);
        }

        time.advance(Duration.ofSeconds(31));

        // The skips did not spend permits, so the half-open trial still has one.
        assertThat(entry.run(chain, "trial").answeredBy()).contains("advanced");
        assertThat(advanced.calls()).isEqualTo(2);
    }
}
