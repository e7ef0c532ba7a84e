package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.config.ModelStepSpec;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.spi.ModelCallException;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries, Retry-After and the end-to-end deadline, on virtual time: every wait the engine asks for is recorded, and
 * hangs end exactly at their timeout, so the assertions are exact without sleeping.
 */
class RetryAndDeadlineTest {

    private final VirtualTime time = new VirtualTime();
    private final InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();

    private Cascade<String, String> chain(ScriptedModel advanced, Consumer<ModelStepSpec<String, String>> spec,
                                          ScriptedModel cheap, Duration deadline) {
        CascadeBuilder<String, String> b = Cascade.<String, String>builder("retry-test")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .jitter(() -> 0.5) // no spread: (1 + jitter * (2 * 0.5 - 1)) == 1
                .model("advanced", advanced, spec)
                .model("cheap", cheap, s -> s.timeout(Duration.ofSeconds(5)))
                .humanReview("desk", queue);
        if (deadline != null) {
            b.deadline(deadline);
        }
        return b.build();
    }

    private static ModelCallException rateLimited(Duration retryAfter) {
        return ModelCallException.rateLimited("429 Too Many Requests", retryAfter);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void retryAfterIsHonouredWhenItFitsTheDeadline(Scenarios.Entry entry) {
        ScriptedModel advanced = new ScriptedModel("gpt-big").thenThrow(rateLimited(Duration.ofSeconds(2)))
                .thenAnswer("big answer");
        ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");
        Cascade<String, String> chain = chain(advanced,
                s -> s.retry(r -> r.maxAttempts(3).initialBackoff(Duration.ofMillis(100))), cheap,
                Duration.ofSeconds(10));

        Outcome<String> out = entry.run(chain, "hi");

        assertThat(out.answer()).contains("big answer");
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2)); // not the 100 ms backoff
        assertThat(advanced.calls()).isEqualTo(2);
        assertThat(cheap.calls()).isZero();
        assertThat(out.attempts()).extracting(Attempt::status).containsExactly(Status.FAILED, Status.ANSWERED);
        assertThat(out.attempts().get(1).number()).isEqualTo(2);
        assertThat(out.attempts().get(1).offset()).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void retryAfterBeyondTheDeadlineFallsThroughAtOnceInsteadOfWaiting(Scenarios.Entry entry) {
        ScriptedModel advanced = new ScriptedModel("gpt-big").thenThrow(rateLimited(Duration.ofSeconds(5)))
                .thenAnswer("big answer");
        ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");
        Cascade<String, String> chain = chain(advanced, s -> s.retry(r -> r.maxAttempts(3)), cheap,
                Duration.ofSeconds(1));

        Outcome<String> out = entry.run(chain, "hi");

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(time.sleeps()).isEmpty();
        assertThat(time.elapsed()).isZero();
        assertThat(advanced.calls()).isEqualTo(1);
        Attempt first = out.attempts().get(0);
        assertThat(first.failure()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(first.reason()).contains("would pass the deadline");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void retryAfterLongerThanMaxRetryAfterIsNotWaitedFor(Scenarios.Entry entry) {
        ScriptedModel advanced = new ScriptedModel("gpt-big").thenThrow(rateLimited(Duration.ofMinutes(2)))
                .thenAnswer("big answer");
        ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");
        Cascade<String, String> chain = chain(advanced,
                s -> s.retry(r -> r.maxAttempts(3).maxRetryAfter(Duration.ofSeconds(30))), cheap, null);

        Outcome<String> out = entry.run(chain, "hi");

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(time.sleeps()).isEmpty();
        assertThat(out.attempts().get(0).reason()).contains("exceeds retry.maxRetryAfter");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void backoffGrowsByTheMultiplierAndRetriesEndAtMaxAttempts(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.failing("gpt-big",
                new ModelCallException(FailureKind.UNAVAILABLE, "503 Service Unavailable"));
        ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");
        Cascade<String, String> chain = chain(advanced,
                s -> s.retry(r -> r.maxAttempts(4).initialBackoff(Duration.ofMillis(100)).multiplier(2)
                        .maxBackoff(Duration.ofMillis(300))), cheap, null);

        Outcome<String> out = entry.run(chain, "hi");

        assertThat(advanced.calls()).isEqualTo(4);
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(300));
        assertThat(out.attempts()).filteredOn(a -> a.step().equals("advanced"))
                .extracting(Attempt::number).containsExactly(1, 2, 3, 4);
        assertThat(out.attempts().get(3).reason()).contains("retries exhausted (4 of 4)");
        assertThat(out.answeredBy()).contains("cheap");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void jitterSpreadsTheBackoff(Scenarios.Entry entry) {
        ScriptedModel advanced = new ScriptedModel("gpt-big")
                .thenThrow(new ModelCallException(FailureKind.UNAVAILABLE, "503")).thenAnswer("ok");
        Cascade<String, String> chain = Cascade.<String, String>builder("jitter")
                .prompt(ModelRequest::of).parse(ModelResponse::text).timeSource(time)
                .jitter(() -> 0.0) // the low end of ±20%
                .model("advanced", advanced, s -> s.retry(r -> r.maxAttempts(2).initialBackoff(Duration.ofSeconds(1))
                        .jitter(0.2)))
                .build();

        entry.run(chain, "hi");

        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(800));
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void nonRetryableFailuresAreNotRetried(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.failing("gpt-big",
                new ModelCallException(FailureKind.CONTEXT_TOO_LONG, "400 context_length_exceeded"));
        ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");
        Cascade<String, String> chain = chain(advanced, s -> s.retry(r -> r.maxAttempts(5)), cheap, null);

        Outcome<String> out = entry.run(chain, "hi");

        assertThat(advanced.calls()).isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
        assertThat(out.answeredBy()).contains("cheap");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aHangingModelIsCutAtTheDeadlineAndTheInputStillReachesReview(Scenarios.Entry entry) {
        ScriptedModel advanced = new ScriptedModel("gpt-big").then(r -> {
            time.sleep(Long.MAX_VALUE / 4); // hangs: only the timeout ends it
            return ModelResponse.of("never", Usage.NONE);
        });
        ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");
        Cascade<String, String> chain = chain(advanced, s -> s.timeout(Duration.ofSeconds(30)), cheap,
                Duration.ofSeconds(3));

        Outcome<String> out = entry.run(chain, "hi");

        // The 30 s step timeout was shortened to the 3 s left; the deadline was not overrun at all.
        assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(3));
        assertThat(out.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(out.attempts().get(0).reason()).contains("timed out after 3000ms");
        assertThat(out.attempts().get(1)).satisfies(a -> {
            assertThat(a.step()).isEqualTo("cheap");
            assertThat(a.status()).isEqualTo(Status.SKIPPED);
            assertThat(a.failure()).isEqualTo(FailureKind.NO_TIME);
        });
        assertThat(cheap.calls()).isZero();
        assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(queue.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void stepTimeoutsAreShortenedToTheTimeLeft(Scenarios.Entry entry) {
        ScriptedModel.Step hang = r -> {
            time.sleep(Long.MAX_VALUE / 4);
            return ModelResponse.of("never", Usage.NONE);
        };
        ScriptedModel advanced = new ScriptedModel("gpt-big").then(hang);
        ScriptedModel cheap = new ScriptedModel("gpt-small").then(hang);
        Cascade<String, String> chain = Cascade.<String, String>builder("shortened")
                .prompt(ModelRequest::of).parse(ModelResponse::text).timeSource(time)
                .model("advanced", advanced, s -> s.timeout(Duration.ofMillis(600)))
                .model("cheap", cheap, s -> s.timeout(Duration.ofMillis(600)))
                .humanReview("desk", queue)
                .deadline(Duration.ofSeconds(1))
                .build();

        Outcome<String> out = entry.run(chain, "hi");

        assertThat(out.attempts()).extracting(Attempt::latency)
                .containsExactly(Duration.ofMillis(600), Duration.ofMillis(400), Duration.ZERO);
        assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(1));
        assertThat(out.pendingReview()).isPresent();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRetryWhoseBackoffWouldPassTheDeadlineIsNotMade(Scenarios.Entry entry) {
        ScriptedModel advanced = new ScriptedModel("gpt-big").then(r -> {
            time.sleep(Duration.ofMillis(700).toNanos());
            throw new ModelCallException(FailureKind.UNAVAILABLE, "502 Bad Gateway");
        });
        ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");
        Cascade<String, String> chain = chain(advanced,
                s -> s.retry(r -> r.maxAttempts(3).initialBackoff(Duration.ofMillis(500))), cheap,
                Duration.ofSeconds(1));

        Outcome<String> out = entry.run(chain, "hi");

        assertThat(advanced.calls()).isEqualTo(1);
        assertThat(out.attempts().get(0).reason()).contains("would pass the deadline (300ms left)");
        assertThat(out.answeredBy()).contains("cheap");
        assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(700));
    }
}
