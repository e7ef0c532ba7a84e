package dev.cascade;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.config.LastResortSpec;
import dev.cascade.event.LastResort;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.StepAdmission;
import dev.cascade.testing.VirtualTime;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static dev.cascade.telemetry.CascadeAttributes.EVENT_LAST_RESORT;
import static dev.cascade.telemetry.CascadeAttributes.LAST_RESORT;
import static dev.cascade.telemetry.CascadeAttributes.RETRY_DELAY_MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 item 3, on virtual time: when every step failed or was skipped and the deadline has room, the chain uses
 * it. The storm: advanced skipped by its open breaker, cheap answering 429 with Retry-After 1 s, no rules, no review.
 */
class LastResortTest {

    private final VirtualTime time = new VirtualTime();
    private final CascadeRegistries registries = CascadeRegistries.create(time);
    private final List<LastResort> announced = new CopyOnWriteArrayList<>();
    private final CascadeListener recorder = new CascadeListener() {
        @Override
        public void onLastResort(LastResort event) {
            announced.add(event);
        }
    };

    private static ModelCallException tooMany(Duration retryAfter) {
        return ModelCallException.rateLimited("429 Too Many Requests", retryAfter);
    }

    /** advanced (breaker) then cheap (no retry), as the gateway comparison; {@code more} adds steps. */
    private CascadeBuilder<String, String> storm(ScriptedModel advanced, ScriptedModel cheap, Duration deadline) {
        CascadeBuilder<String, String> b = Cascade.<String, String>builder("storm")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(registries)
                .listener(recorder)
                .model("advanced", advanced, s -> s.timeout(Duration.ofSeconds(1))
                        .circuitBreaker(cb -> cb.openFor(Duration.ofSeconds(30))))
                .model("cheap", cheap, s -> s.timeout(Duration.ofSeconds(1)));
        return deadline == null ? b : b.deadline(deadline);
    }

    private static void open(Cascade<String, String> chain) {
        chain.circuitBreaker("advanced").orElseThrow().transitionToOpenState();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void theStormIsAnsweredAfterRetryAfterWhenTheDeadlineAllows(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big");
        ScriptedModel cheap = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(1)))
                .thenAnswer("small");
        Cascade<String, String> chain = storm(advanced, cheap, Duration.ofSeconds(3)).build();
        open(chain);

        Outcome<String> out = entry.run(chain, "where is my parcel");

        assertThat(out.answer()).contains("small");
        assertThat(Scenarios.trace(out)).containsExactly("advanced#0 SKIPPED CIRCUIT_OPEN",
                "cheap#1 FAILED RATE_LIMITED", "cheap#2 ANSWERED");
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1));
        assertThat(out.attempts().get(2).offset()).isEqualTo(Duration.ofSeconds(1));
        assertThat(advanced.calls()).isZero();
        assertThat(announced).singleElement().satisfies(e -> {
            assertThat(e.step()).isEqualTo("cheap");
            assertThat(e.mode()).isEqualTo(LastResortSpec.Mode.RETRY_AFTER);
            assertThat(e.delay()).isEqualTo(Duration.ofSeconds(1));
        });
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void nothingWaitsWhenTheRetryAfterDoesNotFitTheDeadline(Scenarios.Entry entry) {
        ScriptedModel cheap = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(1)))
                .thenAnswer("small");
        Cascade<String, String> chain = storm(ScriptedModel.answering("gpt-big", "big"), cheap,
                Duration.ofMillis(800)).build();
        open(chain);

        Outcome<String> out = entry.run(chain, "where is my parcel");

        assertThat(out.status()).isEqualTo(Outcome.Status.UNANSWERED);
        assertThat(time.sleeps()).isEmpty();
        assertThat(time.elapsed()).isZero();
        assertThat(cheap.calls()).isEqualTo(1);
        assertThat(announced).isEmpty();
    }

    @Test
    void withoutADeadlineMaxWaitBoundsTheWait() {
        ScriptedModel cheap = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(3)))
                .thenAnswer("small");
        Cascade<String, String> chain = storm(ScriptedModel.answering("gpt-big", "big"), cheap, null)
                .lastResort(l -> l.maxWait(Duration.ofSeconds(2))).build();
        open(chain);

        assertThat(chain.execute("where is my parcel").status()).isEqualTo(Outcome.Status.UNANSWERED);
        assertThat(time.sleeps()).isEmpty();

        ScriptedModel cheap2 = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(2)))
                .thenAnswer("small");
        Cascade<String, String> chain2 = storm(ScriptedModel.answering("gpt-big", "big"), cheap2, null)
                .lastResort(l -> l.maxWait(Duration.ofSeconds(2))).build();
        assertThat(chain2.execute("where is my parcel").answer()).contains("small");
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void offKeepsTheChainGivingUpAtOnce() {
        ScriptedModel cheap = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(1)))
                .thenAnswer("small");
        Cascade<String, String> chain = storm(ScriptedModel.answering("gpt-big", "big"), cheap,
                Duration.ofSeconds(3)).lastResort(LastResortSpec::off).build();
        open(chain);

        assertThat(chain.execute("where is my parcel").status()).isEqualTo(Outcome.Status.UNANSWERED);
        assertThat(time.sleeps()).isEmpty();
        assertThat(cheap.calls()).isEqualTo(1);
    }

    @Test
    void rulesThatAnswerWinBeforeAnyWait() {
        ScriptedModel cheap = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(1)))
                .thenAnswer("small");
        Cascade<String, String> chain = storm(ScriptedModel.answering("gpt-big", "big"), cheap,
                Duration.ofSeconds(3))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("parcel", t -> t.contains("parcel"),
                        t -> "tracking link").build())
                .build();
        open(chain);

        Outcome<String> out = chain.execute("where is my parcel");

        assertThat(out.answeredBy()).contains("faq");
        assertThat(time.sleeps()).isEmpty();
        assertThat(cheap.calls()).isEqualTo(1);
    }

    @Test
    void theLastResortComesBeforeHumanReview() {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        ScriptedModel cheap = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(1)))
                .thenAnswer("small");
        Cascade<String, String> chain = storm(ScriptedModel.answering("gpt-big", "big"), cheap,
                Duration.ofSeconds(3)).humanReview("desk", queue).build();
        open(chain);

        assertThat(chain.execute("where is my parcel").answeredBy()).contains("cheap");
        assertThat(queue.size()).isZero();

        // When the last resort fails too, the input still reaches a person.
        ScriptedModel stormy = ScriptedModel.failing("gpt-small", tooMany(Duration.ofSeconds(1)));
        Cascade<String, String> chain2 = Cascade.<String, String>builder("storm2")
                .prompt(ModelRequest::of).parse(ModelResponse::text).timeSource(time)
                .model("cheap", stormy).deadline(Duration.ofSeconds(3)).humanReview("desk", queue).build();
        Outcome<String> out = chain2.execute("where is my parcel");
        assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(stormy.calls()).isEqualTo(2);
        assertThat(Scenarios.trace(out)).containsExactly("cheap#1 FAILED RATE_LIMITED", "cheap#2 FAILED RATE_LIMITED",
                "desk#1 QUEUED");
        assertThat(out.attempts().get(1).reason()).contains("last resort (retry_after)");
    }

    /** The last resort attempt reserves on the budget again, like any attempt. */
    @Test
    void theLastResortPassesAdmissionAgain() {
        AtomicInteger admitted = new AtomicInteger();
        StepAdmission counting = r -> {
            admitted.incrementAndGet();
            return StepAdmission.ADMITTED;
        };
        ScriptedModel cheap = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(1)))
                .thenAnswer("small");
        Cascade<String, String> chain = Cascade.<String, String>builder("budgeted")
                .prompt(ModelRequest::of).parse(ModelResponse::text).timeSource(time)
                .model("cheap", cheap).admission(counting).deadline(Duration.ofSeconds(3)).build();

        assertThat(chain.execute("hi").answer()).contains("small");
        assertThat(admitted).hasValue(2);

        // Refused on the second reservation: skipped, not called.
        AtomicInteger calls = new AtomicInteger();
        StepAdmission once = r -> calls.incrementAndGet() == 1 ? StepAdmission.ADMITTED
                : StepAdmission.refuse(FailureKind.OVER_BUDGET, "budget spent");
        ScriptedModel cheap2 = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(1)))
                .thenAnswer("small");
        Cascade<String, String> refused = Cascade.<String, String>builder("refused")
                .prompt(ModelRequest::of).parse(ModelResponse::text).timeSource(time)
                .model("cheap", cheap2).admission(once).deadline(Duration.ofSeconds(3)).build();
        Outcome<String> out = refused.execute("hi");
        assertThat(out.status()).isEqualTo(Outcome.Status.UNANSWERED);
        assertThat(cheap2.calls()).isEqualTo(1);
        assertThat(Scenarios.trace(out)).containsExactly("cheap#1 FAILED RATE_LIMITED", "cheap#0 SKIPPED OVER_BUDGET");
        assertThat(out.attempts().get(1).reason()).contains("last resort (retry_after)");
    }

    /**
     * Probes past an open breaker are bounded: at most {@code maxPerSecond} per step per second, whatever the
     * traffic; they are not reported to the breaker; a forced-open breaker (an operator's decision) is never probed.
     */
    @Test
    void probesPastAnOpenBreakerAreRateLimited() {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big"); // recovered, breaker still open
        ScriptedModel cheap = ScriptedModel.failing("gpt-small",
                new ModelCallException(FailureKind.UNAVAILABLE, "503"));
        Cascade<String, String> chain = storm(advanced, cheap, Duration.ofSeconds(3))
                .lastResort(l -> l.probeOpenBreakers(2)).build();
        open(chain);
        CircuitBreaker breaker = chain.circuitBreaker("advanced").orElseThrow();

        int answered = 0;
        for (int i = 0; i < 50; i++) {
            answered += chain.execute("burst " + i).isAnswered() ? 1 : 0;
        }
        assertThat(advanced.calls()).as("one probe in the first half second").isEqualTo(1);
        assertThat(answered).isEqualTo(1);
        assertThat(breaker.getState()).as("a probe is not reported to the breaker").isEqualTo(CircuitBreaker.State.OPEN);

        time.advance(Duration.ofMillis(499));
        chain.execute("still too early");
        assertThat(advanced.calls()).isEqualTo(1);
        time.advance(Duration.ofMillis(1));
        Outcome<String> probed = chain.execute("next slot");
        assertThat(advanced.calls()).isEqualTo(2);
        assertThat(Scenarios.trace(probed)).containsExactly("advanced#0 SKIPPED CIRCUIT_OPEN",
                "cheap#1 FAILED UNAVAILABLE", "advanced#1 ANSWERED");
        assertThat(announced).filteredOn(e -> e.mode() == LastResortSpec.Mode.PROBE).hasSize(2);

        breaker.transitionToForcedOpenState();
        time.advance(Duration.ofSeconds(10));
        assertThat(chain.execute("forced").status()).isEqualTo(Outcome.Status.UNANSWERED);
        assertThat(advanced.calls()).as("a forced-open breaker is never probed").isEqualTo(2);
    }

    /** A probe that fails with a kind whose policy bars other models ends the last resort: no wait, no other call. */
    @Test
    void aProbeBarredByPolicyEndsTheLastResort() {
        ScriptedModel advanced = ScriptedModel.failing("gpt-big",
                new ModelCallException(FailureKind.INVALID_REQUEST, "400 bad request"));
        ScriptedModel cheap = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(1)))
                .thenAnswer("small");
        Cascade<String, String> chain = storm(advanced, cheap, Duration.ofSeconds(3))
                .lastResort(l -> l.probeOpenBreakers(2)).build();
        open(chain);

        Outcome<String> out = chain.execute("where is my parcel");

        assertThat(out.status()).isEqualTo(Outcome.Status.UNANSWERED);
        assertThat(advanced.calls()).isEqualTo(1);
        assertThat(cheap.calls()).as("no other model after a barring failure").isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
        assertThat(Scenarios.trace(out)).containsExactly("advanced#0 SKIPPED CIRCUIT_OPEN",
                "cheap#1 FAILED RATE_LIMITED", "advanced#1 FAILED INVALID_REQUEST");
        assertThat(announced).singleElement().satisfies(e -> assertThat(e.mode())
                .isEqualTo(LastResortSpec.Mode.PROBE));
    }

    @Test
    void probesAreOffByDefault() {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big");
        Cascade<String, String> chain = storm(advanced, ScriptedModel.failing("gpt-small",
                new ModelCallException(FailureKind.UNAVAILABLE, "503")), Duration.ofSeconds(3)).build();
        open(chain);

        assertThat(chain.execute("hi").status()).isEqualTo(Outcome.Status.UNANSWERED);
        assertThat(advanced.calls()).isZero();
    }

    @Test
    void telemetrySaysLastResortOnTheRootAndTheAttempt() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build()) {
            ScriptedModel cheap = new ScriptedModel("gpt-small").thenThrow(tooMany(Duration.ofSeconds(1)))
                    .thenAnswer("small");
            Cascade<String, String> chain = storm(ScriptedModel.answering("gpt-big", "big"), cheap,
                    Duration.ofSeconds(3)).openTelemetry(sdk).build();
            open(chain);

            assertThat(chain.execute("hi").answeredBy()).contains("cheap");

            List<SpanData> attempts = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals("chat gpt-small")).toList();
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).getAttributes().get(LAST_RESORT)).isNull();
            assertThat(attempts.get(1).getAttributes().get(LAST_RESORT)).isEqualTo("retry_after");
            assertThat(attempts.get(1).getAttributes().get(RETRY_DELAY_MS)).isEqualTo(1000L);
            SpanData root = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("cascade storm"))
                    .findFirst().orElseThrow();
            EventData event = root.getEvents().stream().filter(e -> e.getName().equals(EVENT_LAST_RESORT))
                    .findFirst().orElseThrow();
            assertThat(event.getAttributes().get(LAST_RESORT)).isEqualTo("retry_after");
        }
    }

    @Test
    void badSettingsNameTheFieldAndTheValue() {
        Consumer<LastResortSpec> negative = l -> l.maxWait(Duration.ofSeconds(-1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cascade.<String, String>builder("bad")
                        .lastResort(negative))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chain 'bad'").hasMessageContaining("lastResort.maxWait must be >= 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cascade.<String, String>builder("bad")
                        .lastResort(l -> l.probeOpenBreakers(-2)))
                .hasMessageContaining("lastResort.probeOpenBreakers must be in [0, 1000] per second, was -2.0");
    }
}
