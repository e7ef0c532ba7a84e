package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.config.ModelStepSpec;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.FailureClassifier.Classification;
import dev.cascade.spi.ModelCallException;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.cascade.Scenarios.trace;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default failure policy of DESIGN.md §3, kind by kind, told as stories on one chain:
 * {@code advanced (3 attempts) -> cheap -> rules "faq" -> human review "desk"}. Every story runs through both
 * {@code execute} and {@code executeAsync}; time is virtual, so backoffs, Retry-After and hangs cost no real time.
 */
class FailureKindScenarioTest {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(5);
    private static final String CHEAP_ANSWER = "cheap answer";

    /** The chain every scenario runs on, with its fakes, its clock, its review queue and an event recorder. */
    private static final class Fixture {
        final VirtualTime time = new VirtualTime();
        final ScriptedModel advanced = new ScriptedModel("gpt-advanced");
        final ScriptedModel cheap = ScriptedModel.answering("gpt-cheap", CHEAP_ANSWER);
        final InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>(time.asClock());
        final Scenarios.Recorder recorder = new Scenarios.Recorder();

        Fixture(Function<VirtualTime, ScriptedModel.Step> advancedBehaviour) {
            advanced.then(advancedBehaviour.apply(time));
        }

        /** The chain, ready for per-test overrides before {@code build()}. */
        CascadeBuilder<String, String> chain() {
            return chain(s -> { });
        }

        CascadeBuilder<String, String> chain(java.util.function.Consumer<ModelStepSpec<String, String>> advancedExtra) {
            return Cascade.<String, String>builder("failure-kinds")
                    .prompt(ModelRequest::of)
                    .parse(FailureKindScenarioTest::parse)
                    .accept(answer -> !answer.startsWith("unsure"))
                    .model("advanced", advanced, s -> {
                        s.timeout(STEP_TIMEOUT)
                                .retry(r -> r.maxAttempts(3).initialBackoff(Duration.ZERO).jitter(0));
                        advancedExtra.accept(s);
                    })
                    .model("cheap", cheap, s -> s.timeout(STEP_TIMEOUT))
                    .rules("faq", RuleSet.<String, String>firstMatch()
                            .rule("password-reset", t -> t.contains("password"), t -> "reset-link")
                            .build())
                    .humanReview("desk", queue)
                    .listener(recorder)
                    .timeSource(time);
        }
    }

    /**
     * The chain's parser: refuses text starting with "unparseable", quoting it (as real parsers do), and parses
     * "nothing" to null.
     */
    private static String parse(ModelResponse response) {
        if (response.text().startsWith("unparseable")) {
            throw new IllegalArgumentException("cannot parse model output '" + response.text() + "'");
        }
        return response.text().equals("nothing") ? null : response.text();
    }

    // ------------------------------------------------------------------------------------------------------------
    // The table of §3, one row per way a model client can fail.

    /**
     * One way the advanced model fails, and what the default policy must make of it.
     *
     * @param advancedCalls how often the advanced model is called (3 = retried up to the step's maxAttempts)
     * @param fallsToCheap  whether the cheap model is tried (and answers); otherwise it is BARRED and review takes it
     */
    record Case(String name, Function<VirtualTime, ScriptedModel.Step> advanced, FailureKind kind,
                Attempt.Status status, int advancedCalls, boolean fallsToCheap, boolean alert) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Function<VirtualTime, ScriptedModel.Step> throwing(Exception e) {
        return time -> r -> {
            throw e;
        };
    }

    private static Function<VirtualTime, ScriptedModel.Step> answering(String text) {
        return time -> r -> new ModelResponse(text, Usage.of(10, 5), "stop", "gpt-advanced");
    }

    static List<Case> cases() {
        return List.of(
                new Case("429 rate limited", throwing(ModelCallException.rateLimited("429", Duration.ofSeconds(2))),
                        FailureKind.RATE_LIMITED, Attempt.Status.FAILED, 3, true, false),
                new Case("503 unavailable", throwing(new ModelCallException(FailureKind.UNAVAILABLE, "503")),
                        FailureKind.UNAVAILABLE, Attempt.Status.FAILED, 3, true, false),
                new Case("provider-reported timeout", throwing(new ModelCallException(FailureKind.TIMEOUT, "504")),
                        FailureKind.TIMEOUT, Attempt.Status.FAILED, 3, true, false),
                new Case("context too long", throwing(new ModelCallException(FailureKind.CONTEXT_TOO_LONG, "too long")),
                        FailureKind.CONTEXT_TOO_LONG, Attempt.Status.FAILED, 1, true, false),
                new Case("content filtered", throwing(new ModelCallException(FailureKind.CONTENT_FILTERED, "refused")),
                        FailureKind.CONTENT_FILTERED, Attempt.Status.FAILED, 1, false, false),
                new Case("quota exhausted", throwing(new ModelCallException(FailureKind.QUOTA_EXHAUSTED, "insufficient_quota")),
                        FailureKind.QUOTA_EXHAUSTED, Attempt.Status.FAILED, 1, true, true),
                new Case("401 auth", throwing(new ModelCallException(FailureKind.AUTH, "401")),
                        FailureKind.AUTH, Attempt.Status.FAILED, 1, true, true),
                new Case("400 invalid request", throwing(new ModelCallException(FailureKind.INVALID_REQUEST, "400")),
                        FailureKind.INVALID_REQUEST, Attempt.Status.FAILED, 1, false, false),
                new Case("parser throws", answering("unparseable {json"),
                        FailureKind.REJECTED, Attempt.Status.REJECTED, 1, true, false),
                new Case("parser returns null", answering("nothing"),
                        FailureKind.REJECTED, Attempt.Status.REJECTED, 1, true, false),
                new Case("accept gate refuses", answering("unsure: maybe"),
                        FailureKind.REJECTED, Attempt.Status.REJECTED, 1, true, false),
                new Case("empty text", answering(""),
                        FailureKind.REJECTED, Attempt.Status.REJECTED, 1, true, false),
                new Case("blank text", answering("  \n\t"),
                        FailureKind.REJECTED, Attempt.Status.REJECTED, 1, true, false),
                new Case("null text", answering(null),
                        FailureKind.REJECTED, Attempt.Status.REJECTED, 1, true, false),
                new Case("unknown RuntimeException", throwing(new IllegalStateException("boom")),
                        FailureKind.UNAVAILABLE, Attempt.Status.FAILED, 3, true, false),
                new Case("connection refused", throwing(new ConnectException("Connection refused")),
                        FailureKind.UNAVAILABLE, Attempt.Status.FAILED, 3, true, false),
                new Case("client returns null", time -> r -> null,
                        FailureKind.UNAVAILABLE, Attempt.Status.FAILED, 3, true, false),
                new Case("java.util.concurrent.TimeoutException", throwing(new TimeoutException("read")),
                        FailureKind.TIMEOUT, Attempt.Status.FAILED, 3, true, false),
                new Case("SocketTimeoutException", throwing(new SocketTimeoutException("Read timed out")),
                        FailureKind.TIMEOUT, Attempt.Status.FAILED, 3, true, false),
                new Case("model hangs past the step timeout", time -> r -> {
                    time.sleep(Long.MAX_VALUE / 4);
                    return new ModelResponse("too late", Usage.of(10, 5), "stop", "gpt-advanced");
                }, FailureKind.TIMEOUT, Attempt.Status.FAILED, 3, true, false),
                new Case("ModelCallException(AUTH) wrapped in a RuntimeException",
                        throwing(new RuntimeException("sdk wrapper", new ModelCallException(FailureKind.AUTH, "403"))),
                        FailureKind.AUTH, Attempt.Status.FAILED, 1, true, true));
    }

    static Stream<Arguments> casesThroughBothEntries() {
        return cross(cases());
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("casesThroughBothEntries")
    void eachFailureKindFollowsTheDefaultPolicy(Case c, Scenarios.Entry entry) throws Exception {
        Fixture f = new Fixture(c.advanced());
        Cascade<String, String> chain = f.chain().build();

        Outcome<String> out = entry.run(chain, "hello");

        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= c.advancedCalls(); n++) {
            expected.add("advanced#" + n + " " + c.status() + " " + c.kind());
        }
        assertThat(f.advanced.calls()).as("advanced model calls (retried iff the kind is retryable)")
                .isEqualTo(c.advancedCalls());
        if (c.fallsToCheap()) {
            expected.add("cheap#1 ANSWERED");
            assertThat(trace(out)).containsExactlyElementsOf(expected);
            assertThat(out.status()).isEqualTo(Outcome.Status.ANSWERED);
            assertThat(out.answeredBy()).contains("cheap");
            assertThat(out.answer()).contains(CHEAP_ANSWER);
            assertThat(f.cheap.calls()).isEqualTo(1);
            assertThat(f.queue.size()).isZero();
        } else {
            // Other models are barred, but rules and human review still see the input.
            expected.addAll(List.of("cheap#0 SKIPPED BARRED", "faq#1 PASSED", "desk#1 QUEUED"));
            assertThat(trace(out)).containsExactlyElementsOf(expected);
            assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
            assertThat(out.answer()).isEmpty();
            assertThat(f.cheap.calls()).as("cheap model must not be called").isZero();
            assertThat(f.queue.size()).isEqualTo(1);
            String id = out.pendingReview().orElseThrow().id();
            // The reviewer sees the whole story before the hand-off, including why the model answer was not used.
            assertThat(f.queue.get(id).orElseThrow().request().attempts())
                    .isEqualTo(out.attempts().subList(0, out.attempts().size() - 1));
            assertThat(f.queue.get(id).orElseThrow().request().input()).isEqualTo("hello");
        }
        assertThat(out.modelCalls()).isEqualTo(c.advancedCalls() + (c.fallsToCheap() ? 1 : 0));
        assertThat(f.recorder.alertLines()).as("alerts")
                .isEqualTo(c.alert() ? List.of("advanced " + c.kind()) : List.of());
        assertThat(out.attempts()).allSatisfy(a -> assertThat(a.latency().isNegative()).isFalse());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Stories around the table.

    static Stream<Arguments> barredKindsThroughBothEntries() {
        return cross(List.of(FailureKind.CONTENT_FILTERED, FailureKind.INVALID_REQUEST));
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("barredKindsThroughBothEntries")
    void contentFilteredDoesNotFallToOtherModelsButRulesStillAnswer(FailureKind kind, Scenarios.Entry entry)
            throws Exception {
        Fixture f = new Fixture(throwing(new ModelCallException(kind, "provider said no")));
        Cascade<String, String> chain = f.chain().build();

        Outcome<String> out = entry.run(chain, "I forgot my password");

        assertThat(trace(out)).containsExactly("advanced#1 FAILED " + kind, "cheap#0 SKIPPED BARRED",
                "faq#1 ANSWERED");
        assertThat(out.answer()).contains("reset-link");
        assertThat(out.answeredBy()).contains("faq");
        assertThat(f.cheap.calls()).isZero();
        assertThat(f.queue.size()).isZero();
        assertThat(out.attempts().get(1).reason()).contains(kind.name()).contains("advanced");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void contentFilteredFallsToTheCheapModelWhenTheChainOptsIn(Scenarios.Entry entry) throws Exception {
        Fixture f = new Fixture(throwing(new ModelCallException(FailureKind.CONTENT_FILTERED, "refused")));
        Cascade<String, String> chain = f.chain()
                .onFailure(FailureKind.CONTENT_FILTERED, p -> p.withFallToModels(true))
                .build();

        Outcome<String> out = entry.run(chain, "hello");

        assertThat(trace(out)).containsExactly("advanced#1 FAILED CONTENT_FILTERED", "cheap#1 ANSWERED");
        assertThat(out.answer()).contains(CHEAP_ANSWER);
        assertThat(f.cheap.calls()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void contextTooLongIsRetriedWhenTheChainOverridesItsPolicy(Scenarios.Entry entry) throws Exception {
        Fixture f = new Fixture(throwing(new ModelCallException(FailureKind.CONTEXT_TOO_LONG, "too long")));
        Cascade<String, String> chain = f.chain()
                .onFailure(FailureKind.CONTEXT_TOO_LONG, p -> p.withRetry(true).withAlert(true))
                .build();

        Outcome<String> out = entry.run(chain, "hello");

        assertThat(trace(out)).containsExactly("advanced#1 FAILED CONTEXT_TOO_LONG",
                "advanced#2 FAILED CONTEXT_TOO_LONG", "advanced#3 FAILED CONTEXT_TOO_LONG", "cheap#1 ANSWERED");
        assertThat(f.recorder.alertLines()).containsExactly("advanced CONTEXT_TOO_LONG", "advanced CONTEXT_TOO_LONG",
                "advanced CONTEXT_TOO_LONG");
    }

    /** Executions 1 and 2 of a provider that keeps answering 429, with a breaker that opens at 2 failures of 2. */
    private static List<Outcome<String>> twoExecutionsAgainstA429Storm(Fixture f, Scenarios.Entry entry,
                                                                       boolean ratesCountForBreaker)
            throws Exception {
        CascadeBuilder<String, String> b = f.chain(s -> s.circuitBreaker(cb -> cb
                .slidingWindowSize(2).minimumCalls(2).failureRateThreshold(50).openFor(Duration.ofMinutes(1))));
        if (ratesCountForBreaker) {
            b.onFailure(FailureKind.RATE_LIMITED, p -> p.withCountsForBreaker(true));
        }
        Cascade<String, String> chain = b.build();
        return List.of(entry.run(chain, "hello"), entry.run(chain, "hello"));
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void rateLimitsDoNotOpenTheBreakerByDefault(Scenarios.Entry entry) throws Exception {
        Fixture f = new Fixture(throwing(ModelCallException.rateLimited("429", Duration.ZERO)));

        List<Outcome<String>> outs = twoExecutionsAgainstA429Storm(f, entry, false);

        for (Outcome<String> out : outs) {
            assertThat(trace(out)).containsExactly("advanced#1 FAILED RATE_LIMITED", "advanced#2 FAILED RATE_LIMITED",
                    "advanced#3 FAILED RATE_LIMITED", "cheap#1 ANSWERED");
        }
        assertThat(f.advanced.calls()).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void rateLimitsOpenTheBreakerWhenTheChainCountsThem(Scenarios.Entry entry) throws Exception {
        Fixture f = new Fixture(throwing(ModelCallException.rateLimited("429", Duration.ZERO)));

        List<Outcome<String>> outs = twoExecutionsAgainstA429Storm(f, entry, true);

        // The second 429 opens the breaker: no third attempt is scheduled, and the next execution is refused at
        // admission.
        assertThat(trace(outs.get(0))).containsExactly("advanced#1 FAILED RATE_LIMITED",
                "advanced#2 FAILED RATE_LIMITED", "cheap#1 ANSWERED");
        assertThat(outs.get(0).attempts().get(1).reason()).contains("opened, not retried");
        assertThat(trace(outs.get(1))).containsExactly("advanced#0 SKIPPED CIRCUIT_OPEN", "cheap#1 ANSWERED");
        assertThat(f.advanced.calls()).isEqualTo(2);
        assertThat(f.cheap.calls()).isEqualTo(2);
    }

    /** What a provider SDK might throw when the prompt exceeds the window; only the user knows the type. */
    static final class PromptTooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PromptTooLargeException() {
            super("prompt has 200000 tokens, model allows 128000");
        }
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void customClassifierTurnsAUserExceptionIntoContextTooLong(Scenarios.Entry entry) throws Exception {
        Fixture f = new Fixture(throwing(new PromptTooLargeException()));
        List<Throwable> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Cascade<String, String> chain = f.chain()
                .classifier(e -> {
                    throw new IllegalStateException("a broken classifier is skipped");
                })
                .classifier(e -> {
                    seen.add(e);
                    return e instanceof PromptTooLargeException ? Classification.of(FailureKind.CONTEXT_TOO_LONG) : null;
                })
                .build();

        Outcome<String> out = entry.run(chain, "hello");

        // Not retried (unknown exceptions would be UNAVAILABLE and retried three times), cheap model answers.
        assertThat(trace(out)).containsExactly("advanced#1 FAILED CONTEXT_TOO_LONG", "cheap#1 ANSWERED");
        assertThat(f.advanced.calls()).isEqualTo(1);
        assertThat(seen).singleElement().isInstanceOf(PromptTooLargeException.class);
    }

    static Stream<Arguments> brokenPromptMappersThroughBothEntries() {
        return cross(List.of("throws", "returns null"));
    }

    @ParameterizedTest(name = "prompt mapper {0} via {1}")
    @MethodSource("brokenPromptMappersThroughBothEntries")
    void promptMapperThatFailsIsAnInvalidRequestOfThatStepWithoutCallingTheModel(String how, Scenarios.Entry entry)
            throws Exception {
        Fixture f = new Fixture(answering("never called"));
        Cascade<String, String> chain = f.chain(s -> s.prompt(input -> {
            if (how.equals("throws")) {
                throw new IllegalStateException("template variable 'customer' missing");
            }
            return null;
        })).build();

        Outcome<String> out = entry.run(chain, "hello");

        // INVALID_REQUEST: not retried despite the retry policy, other models barred, rules and review still run.
        assertThat(trace(out)).containsExactly("advanced#0 FAILED INVALID_REQUEST", "cheap#0 SKIPPED BARRED",
                "faq#1 PASSED", "desk#1 QUEUED");
        assertThat(f.advanced.calls()).isZero();
        assertThat(out.attempts().get(0).calledModel()).isFalse();
        assertThat(out.attempts().get(0).reason()).contains("prompt mapper");
        assertThat(out.modelCalls()).isZero();
        assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(f.queue.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void parserThatThrowsIsRejectedAndTheReasonDoesNotQuoteTheModelOutput(Scenarios.Entry entry) throws Exception {
        Fixture f = new Fixture(answering("unparseable SECRET-COMPLETION-TEXT"));
        Cascade<String, String> chain = f.chain().build();

        Outcome<String> out = entry.run(chain, "hello");

        assertThat(trace(out)).containsExactly("advanced#1 REJECTED REJECTED", "cheap#1 ANSWERED");
        Attempt rejected = out.attempts().get(0);
        assertThat(rejected.reason()).contains(IllegalArgumentException.class.getName())
                .doesNotContain("SECRET-COMPLETION-TEXT");
        // The call itself succeeded: its usage and model are kept for cost accounting.
        assertThat(rejected.usage()).isEqualTo(Usage.of(10, 5));
        assertThat(rejected.calledModel()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void rateLimitedRetriesWaitForTheProvidersRetryAfterOnTheChainsClock(Scenarios.Entry entry) throws Exception {
        Fixture f = new Fixture(throwing(ModelCallException.rateLimited("429", Duration.ofSeconds(2))));
        Cascade<String, String> chain = f.chain().build();

        Outcome<String> out = entry.run(chain, "hello");

        assertThat(f.advanced.calls()).isEqualTo(3);
        // Backoff is zero, so the only waits are the two Retry-After waits before attempts 2 and 3.
        assertThat(f.time.sleeps()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(out.attempts().get(1).offset()).isEqualTo(Duration.ofSeconds(2));
        assertThat(out.attempts().get(2).offset()).isEqualTo(Duration.ofSeconds(4));
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void rateLimitedWhoseRetryAfterWouldPassTheDeadlineFallsToTheCheapModelAtOnce(Scenarios.Entry entry)
            throws Exception {
        Fixture f = new Fixture(throwing(ModelCallException.rateLimited("429", Duration.ofSeconds(20))));
        Cascade<String, String> chain = f.chain().deadline(Duration.ofSeconds(10)).build();

        Outcome<String> out = entry.run(chain, "hello");

        assertThat(trace(out)).containsExactly("advanced#1 FAILED RATE_LIMITED", "cheap#1 ANSWERED");
        assertThat(out.attempts().get(0).reason()).contains("deadline");
        assertThat(f.time.sleeps()).as("no waiting for a retry that cannot be made").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void rateLimitedWhoseRetryAfterExceedsMaxRetryAfterFallsToTheCheapModelAtOnce(Scenarios.Entry entry)
            throws Exception {
        Fixture f = new Fixture(throwing(ModelCallException.rateLimited("429", Duration.ofMinutes(2))));
        Cascade<String, String> chain = f.chain().build();

        Outcome<String> out = entry.run(chain, "hello");

        assertThat(trace(out)).containsExactly("advanced#1 FAILED RATE_LIMITED", "cheap#1 ANSWERED");
        assertThat(out.attempts().get(0).reason()).contains("maxRetryAfter");
        assertThat(f.time.sleeps()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void hangingModelIsCutAtTheStepTimeoutAndRetriedThenTheCheapModelAnswers(Scenarios.Entry entry) throws Exception {
        Fixture f = new Fixture(time -> r -> {
            time.sleep(Long.MAX_VALUE / 4);
            return new ModelResponse("too late", Usage.of(10, 5), "stop", "gpt-advanced");
        });
        Cascade<String, String> chain = f.chain().build();

        Outcome<String> out = entry.run(chain, "hello");

        assertThat(trace(out)).containsExactly("advanced#1 FAILED TIMEOUT", "advanced#2 FAILED TIMEOUT",
                "advanced#3 FAILED TIMEOUT", "cheap#1 ANSWERED");
        // Virtual time: each attempt is cut exactly at the step timeout.
        assertThat(out.attempts().subList(0, 3)).extracting(Attempt::latency).containsOnly(STEP_TIMEOUT);
        assertThat(out.attempts().get(0).reason()).contains("timed out");
        assertThat(out.answer()).contains(CHEAP_ANSWER);
    }

    private static Stream<Arguments> cross(List<?> values) {
        return values.stream().flatMap(v -> Stream.of(Scenarios.Entry.values()).map(e -> Arguments.of(v, e)));
    }
}
