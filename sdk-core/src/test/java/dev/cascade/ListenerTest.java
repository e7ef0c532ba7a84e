package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.StepKind;
import dev.cascade.event.Alert;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.AttemptStarted;
import dev.cascade.event.CircuitStateChanged;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.event.ExecutionStarted;
import dev.cascade.event.RetryScheduled;
import dev.cascade.event.ReviewSubmitted;
import dev.cascade.event.StepSkipped;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What listeners are told, in what order, and that a listener can never break a call. */
class ListenerTest {

    /** Keeps every event it is given, in order. */
    static final class Recorder implements CascadeListener {
        private final List<Object> events = new ArrayList<>();

        synchronized List<Object> events() {
            return List.copyOf(events);
        }

        synchronized <T> List<T> of(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }

        synchronized List<String> names() {
            return events.stream().map(e -> e.getClass().getSimpleName()).toList();
        }

        private synchronized void add(Object e) {
            events.add(e);
        }

        @Override public void onExecutionStarted(ExecutionStarted e) { add(e); }
        @Override public void onExecutionFinished(ExecutionFinished e) { add(e); }
        @Override public void onAttemptStarted(AttemptStarted e) { add(e); }
        @Override public void onAttemptFinished(AttemptFinished e) { add(e); }
        @Override public void onAttemptFailed(AttemptFailed e) { add(e); }
        @Override public void onRetryScheduled(RetryScheduled e) { add(e); }
        @Override public void onStepSkipped(StepSkipped e) { add(e); }
        @Override public void onCircuitStateChanged(CircuitStateChanged e) { add(e); }
        @Override public void onReviewSubmitted(ReviewSubmitted e) { add(e); }
        @Override public void onAlert(Alert e) { add(e); }
    }

    /** A listener whose every method, present and future, throws what {@code error} makes. */
    static CascadeListener throwingFromEveryMethod(Supplier<Throwable> error) {
        return (CascadeListener) Proxy.newProxyInstance(CascadeListener.class.getClassLoader(),
                new Class<?>[]{CascadeListener.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "thrower";
                    }
                    throw error.get();
                });
    }

    private final VirtualTime time = new VirtualTime();
    private final Recorder recorder = new Recorder();

    private static ScriptedModel down() {
        return ScriptedModel.failing("gpt-big", new ModelCallException(FailureKind.UNAVAILABLE, "503 Service Unavailable"));
    }

    private static ScriptedModel cheap() {
        return ScriptedModel.answering("gpt-small", "small answer");
    }

    private CascadeBuilder<String, String> base(String name) {
        return Cascade.<String, String>builder(name)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .jitter(() -> 0.5); // no spread: waits are exactly the configured backoff
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aFallbackExecutionReportsEachStepInOrder(Scenarios.Entry entry) {
        ScriptedModel advanced = down();
        Cascade<String, String> chain = base("fallback").listener(recorder)
                .model("advanced", advanced)
                .model("cheap", cheap())
                .build();

        Outcome<String> out = entry.run(chain, "hello");

        assertThat(recorder.names()).containsExactly("ExecutionStarted", "AttemptStarted", "AttemptFailed",
                "AttemptStarted", "AttemptFinished", "ExecutionFinished");
        List<Object> events = recorder.events();
        assertThat(((ExecutionStarted) events.get(0)).firstStep()).isEqualTo("advanced");
        assertThat(recorder.of(AttemptStarted.class))
                .extracting(AttemptStarted::step, AttemptStarted::stepKind, AttemptStarted::number,
                        AttemptStarted::provider, AttemptStarted::model)
                .containsExactly(tuple("advanced", StepKind.MODEL, 1, "test", "gpt-big"),
                        tuple("cheap", StepKind.MODEL, 1, "test", "gpt-small"));
        AttemptFailed failed = (AttemptFailed) events.get(2);
        assertThat(failed.attempt().step()).isEqualTo("advanced");
        assertThat(failed.attempt().failure()).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(failed.error()).isInstanceOf(ModelCallException.class).hasMessage("503 Service Unavailable");
        AttemptFinished finished = (AttemptFinished) events.get(4);
        assertThat(finished.attempt().step()).isEqualTo("cheap");
        assertThat(finished.attempt().status()).isEqualTo(Status.ANSWERED);
        ExecutionFinished end = (ExecutionFinished) events.get(5);
        assertThat(end.outcome()).isSameAs(out);
        assertThat(out.answeredBy()).contains("cheap");
        // UNAVAILABLE is not an alerting kind.
        assertThat(recorder.of(Alert.class)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void anOpenBreakerIsReportedAsASkippedStepWithoutAnAttempt(Scenarios.Entry entry) {
        ScriptedModel advanced = down();
        Cascade<String, String> chain = base("skip").listener(recorder)
                .model("advanced", advanced, s -> s.circuitBreaker(cb -> cb.slidingWindowSize(1).minimumCalls(1)
                        .failureRateThreshold(100)))
                .model("cheap", cheap())
                .build();
        entry.run(chain, "opens the breaker");
        int before = recorder.events().size();

        entry.run(chain, "skipped");

        List<Object> second = recorder.events().subList(before, recorder.events().size());
        assertThat(second).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ExecutionStarted", "StepSkipped", "AttemptStarted", "AttemptFinished",
                        "ExecutionFinished");
        StepSkipped skipped = (StepSkipped) second.get(1);
        assertThat(skipped.attempt().step()).isEqualTo("advanced");
        assertThat(skipped.attempt().status()).isEqualTo(Status.SKIPPED);
        assertThat(skipped.attempt().failure()).isEqualTo(FailureKind.CIRCUIT_OPEN);
        assertThat(skipped.attempt().reason()).contains("circuit breaker 'test/gpt-big' is OPEN");
        assertThat(((AttemptStarted) second.get(2)).step()).isEqualTo("cheap");
        assertThat(advanced.calls()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRetryIsAnnouncedWithItsDelayBeforeTheEngineWaits(Scenarios.Entry entry) {
        ScriptedModel advanced = new ScriptedModel("gpt-big")
                .thenThrow(new ModelCallException(FailureKind.UNAVAILABLE, "503"))
                .thenAnswer("big answer");
        Cascade<String, String> chain = base("retry").listener(recorder)
                .model("advanced", advanced, s -> s.retry(r -> r.maxAttempts(2).initialBackoff(Duration.ofMillis(100))))
                .build();

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.answer()).contains("big answer");
        assertThat(recorder.names()).containsExactly("ExecutionStarted", "AttemptStarted", "AttemptFailed",
                "RetryScheduled", "AttemptStarted", "AttemptFinished", "ExecutionFinished");
        RetryScheduled retry = recorder.of(RetryScheduled.class).get(0);
        assertThat(retry.step()).isEqualTo("advanced");
        assertThat(retry.nextAttempt()).isEqualTo(2);
        assertThat(retry.after()).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(retry.delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100)); // the announced wait is the real one
        assertThat(recorder.of(AttemptStarted.class)).extracting(AttemptStarted::number).containsExactly(1, 2);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aHandOffToReviewIsReportedWithTheItemId(Scenarios.Entry entry) {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        Cascade<String, String> chain = base("review").listener(recorder)
                .model("advanced", down())
                .humanReview("desk", queue)
                .build();

        Outcome<String> out = entry.run(chain, "nobody answers");

        assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        String id = out.pendingReview().orElseThrow().id();
        assertThat(recorder.of(ReviewSubmitted.class)).singleElement().satisfies(e -> {
            assertThat(e.step()).isEqualTo("desk");
            assertThat(e.reviewId()).isEqualTo(id);
        });
        assertThat(queue.get(id)).isPresent();
        assertThat(recorder.names()).endsWith("AttemptStarted", "AttemptFinished", "ReviewSubmitted",
                "ExecutionFinished");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void failuresOpeningTheBreakerAndTheOpenPeriodEndingAreReported(Scenarios.Entry entry) {
        Cascade<String, String> chain = base("states").listener(recorder)
                .model("advanced", down(), s -> s.circuitBreaker(cb -> cb.slidingWindowSize(2).minimumCalls(2)
                        .failureRateThreshold(50).openFor(Duration.ofSeconds(30)).halfOpenCalls(2)))
                .model("cheap", cheap())
                .build();

        entry.run(chain, "first failure");
        assertThat(recorder.of(CircuitStateChanged.class)).isEmpty(); // one call is below minimumCalls
        entry.run(chain, "second failure");
        assertThat(recorder.of(CircuitStateChanged.class))
                .extracting(CircuitStateChanged::chain, CircuitStateChanged::step, CircuitStateChanged::breaker,
                        CircuitStateChanged::from, CircuitStateChanged::to)
                .containsExactly(tuple("states", "advanced", "test/gpt-big", "CLOSED", "OPEN"));

        time.advance(Duration.ofSeconds(30).plusMillis(1));
        entry.run(chain, "trial");

        assertThat(recorder.of(CircuitStateChanged.class))
                .extracting(CircuitStateChanged::from, CircuitStateChanged::to)
                .containsExactly(tuple("CLOSED", "OPEN"), tuple("OPEN", "HALF_OPEN"));
    }

    /**
     * With one trial call, the breaker passes through HALF_OPEN within one execution. Each transition must still be
     * reported, or a dashboard built on these events never sees the half-open state and shows OPEN -> CLOSED.
     */
    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void everyBreakerTransitionIsReportedEvenWhenOneTrialCallClosesTheBreaker(Scenarios.Entry entry) {
        ScriptedModel advanced = new ScriptedModel("gpt-big")
                .thenThrow(new ModelCallException(FailureKind.UNAVAILABLE, "503"))
                .thenAnswer("recovered");
        Cascade<String, String> chain = base("one-trial").listener(recorder)
                .model("advanced", advanced, s -> s.circuitBreaker(cb -> cb.slidingWindowSize(1).minimumCalls(1)
                        .failureRateThreshold(100).openFor(Duration.ofSeconds(30)).halfOpenCalls(1)))
                .model("cheap", cheap())
                .build();
        entry.run(chain, "fails and opens");
        time.advance(Duration.ofSeconds(31));

        Outcome<String> trial = entry.run(chain, "trial succeeds");

        assertThat(trial.answeredBy()).contains("advanced");
        assertThat(recorder.of(CircuitStateChanged.class))
                .extracting(CircuitStateChanged::from, CircuitStateChanged::to)
                .containsExactly(tuple("CLOSED", "OPEN"), tuple("OPEN", "HALF_OPEN"), tuple("HALF_OPEN", "CLOSED"));
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aBadKeyRaisesAnAlertNamingTheStepAndKind(Scenarios.Entry entry) {
        ScriptedModel revoked = ScriptedModel.failing("gpt-big", new ModelCallException(FailureKind.AUTH,
                "401 invalid api key"));
        Cascade<String, String> chain = base("alert").listener(recorder)
                .model("advanced", revoked)
                .model("cheap", cheap())
                .build();

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.answeredBy()).contains("cheap"); // AUTH still falls to other models
        assertThat(recorder.of(Alert.class)).singleElement().satisfies(a -> {
            assertThat(a.step()).isEqualTo("advanced");
            assertThat(a.kind()).isEqualTo(FailureKind.AUTH);
            assertThat(a.message()).contains("401 invalid api key");
            assertThat(a.execution().executionId()).isEqualTo(out.executionId());
        });
        assertThat(recorder.names()).containsSubsequence("AttemptFailed", "Alert", "AttemptStarted");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void listenersThatThrowNeverChangeTheOutcomeAndOthersStillHearEverything(Scenarios.Entry entry) {
        Recorder alone = new Recorder();
        Outcome<String> quiet = entry.run(retryingChain(List.of(alone)), "q");

        Outcome<String> noisy = entry.run(retryingChain(List.of(
                throwingFromEveryMethod(() -> new IllegalStateException("listener bug")),
                throwingFromEveryMethod(() -> new AssertionError("listener assertion")),
                recorder,
                throwingFromEveryMethod(() -> new RuntimeException("after the recorder")))), "q");

        assertThat(noisy.status()).isEqualTo(quiet.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(noisy.attempts()).extracting(Attempt::step, Attempt::number, Attempt::status, Attempt::failure)
                .containsExactlyElementsOf(quiet.attempts().stream()
                        .map(a -> tuple(a.step(), a.number(), a.status(), a.failure())).toList());
        assertThat(recorder.names()).isEqualTo(alone.names()).containsExactly(
                "ExecutionStarted",
                "AttemptStarted", "AttemptFailed", "Alert", "RetryScheduled",
                "AttemptStarted", "AttemptFailed", "Alert",
                "AttemptStarted", "AttemptFailed",
                "AttemptStarted", "AttemptFinished", "ReviewSubmitted",
                "ExecutionFinished");
    }

    /** Advanced fails twice with an alerting (but, by override, retryable) kind; cheap is down; review takes it. */
    private Cascade<String, String> retryingChain(List<CascadeListener> listeners) {
        CascadeBuilder<String, String> b = base("noisy")
                .onFailure(FailureKind.QUOTA_EXHAUSTED, p -> p.withRetry(true))
                .model("advanced", ScriptedModel.failing("gpt-big",
                                new ModelCallException(FailureKind.QUOTA_EXHAUSTED, "insufficient_quota")),
                        s -> s.retry(r -> r.maxAttempts(2).initialBackoff(Duration.ofMillis(10))))
                .model("cheap", ScriptedModel.failing("gpt-small", new ModelCallException(FailureKind.UNAVAILABLE, "503")))
                .humanReview("desk", new InMemoryReviewQueue<>());
        listeners.forEach(b::listener);
        return b.build();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void everyEventOfAnExecutionCarriesTheSameExecutionInfo(Scenarios.Entry entry) {
        Map<String, String> seenAtFinish = new java.util.concurrent.ConcurrentHashMap<>();
        CascadeListener stateful = new CascadeListener() {
            @Override
            public void onExecutionStarted(ExecutionStarted e) {
                e.execution().attach("span", "span-of-" + e.execution().executionId());
            }

            @Override
            public void onExecutionFinished(ExecutionFinished e) {
                seenAtFinish.put("span", e.execution().attachment("span"));
            }
        };
        Cascade<String, String> chain = base("info").listener(recorder).listener(stateful)
                .model("advanced", down())
                .model("cheap", cheap())
                .build();
        CallContext context = CallContext.empty().withTenant("acme");

        Outcome<String> out = entry.run(chain, "q", context);

        List<ExecutionInfo> infos = recorder.events().stream().map(ListenerTest::infoOf).toList();
        assertThat(infos).hasSize(6).doesNotContainNull();
        assertThat(infos).allSatisfy(i -> assertThat(i).isSameAs(infos.get(0)));
        ExecutionInfo info = infos.get(0);
        assertThat(info.chain()).isEqualTo("info");
        assertThat(info.executionId()).isEqualTo(out.executionId());
        assertThat(info.context().tenant()).contains("acme");
        assertThat(seenAtFinish).containsEntry("span", "span-of-" + out.executionId());
    }

    @Test
    void aChainWithoutListenersRunsTheSameScenarioToTheSameOutcome() {
        Cascade<String, String> silent = base("silent").model("advanced", down()).model("cheap", cheap()).build();
        Cascade<String, String> heard = base("heard").listener(recorder)
                .model("advanced", down()).model("cheap", cheap()).build();

        Outcome<String> a = silent.execute("q");
        Outcome<String> b = heard.execute("q");

        assertThat(a.answer()).isEqualTo(b.answer()).contains("small answer");
        assertThat(a.attempts()).extracting(Attempt::status).containsExactly(Status.FAILED, Status.ANSWERED);
        assertThat(recorder.of(ExecutionStarted.class)).singleElement()
                .satisfies(e -> assertThat(e.execution().executionId()).isEqualTo(b.executionId()));
    }

    private static ExecutionInfo infoOf(Object event) {
        if (event instanceof ExecutionStarted e) return e.execution();
        if (event instanceof ExecutionFinished e) return e.execution();
        if (event instanceof AttemptStarted e) return e.execution();
        if (event instanceof AttemptFinished e) return e.execution();
        if (event instanceof AttemptFailed e) return e.execution();
        if (event instanceof RetryScheduled e) return e.execution();
        if (event instanceof StepSkipped e) return e.execution();
        if (event instanceof ReviewSubmitted e) return e.execution();
        if (event instanceof Alert e) return e.execution();
        throw new IllegalArgumentException("not an execution event: " + event);
    }
}
