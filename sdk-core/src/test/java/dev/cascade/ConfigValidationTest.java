package dev.cascade;

import dev.cascade.api.Description;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad configuration fails early, with a message that names the field and the value: single values at their setter,
 * cross-field and cross-chain checks at {@code build()}. A bad input fails at the edge and records nothing.
 */
class ConfigValidationTest {

    private final ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
    private final ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");

    private CascadeBuilder<String, String> base(String name) {
        return Cascade.<String, String>builder(name).prompt(ModelRequest::of).parse(ModelResponse::text);
    }

    @Nested
    class ChainShape {

        @Test
        void aChainWithNoStepsFailsAtBuildNamingTheChain() {
            assertThatIllegalStateException().isThrownBy(() -> base("empty").build())
                    .withMessageContaining("chain 'empty'")
                    .withMessageContaining("has no steps");
        }

        @Test
        void duplicateStepNamesFailAtBuildNamingTheStep() {
            CascadeBuilder<String, String> b = base("dup").model("m", advanced).model("m", cheap);

            assertThatIllegalArgumentException().isThrownBy(b::build)
                    .withMessageContaining("chain 'dup'")
                    .withMessageContaining("duplicate step name 'm'");
        }

        @Test
        void duplicateNamesAcrossStepKindsAreAlsoRefused() {
            CascadeBuilder<String, String> b = base("dup-kinds").model("faq", advanced)
                    .rules("faq", RuleSet.<String, String>firstMatch().rule("r", t -> true, t -> "x").build());

            assertThatIllegalArgumentException().isThrownBy(b::build).withMessageContaining("duplicate step name 'faq'");
        }

        @Test
        void aHumanReviewStepThatIsNotLastFailsAtBuildNamingBothSteps() {
            CascadeBuilder<String, String> b = base("review-first")
                    .humanReview("desk", new InMemoryReviewQueue<>())
                    .model("cheap", cheap);

            assertThatIllegalArgumentException().isThrownBy(b::build)
                    .withMessageContaining("chain 'review-first'")
                    .withMessageContaining("human review step 'desk' must be the last step")
                    .withMessageContaining("'cheap' follows it");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   "})
        void aBlankChainNameIsRefusedAtOnce(String name) {
            assertThatIllegalArgumentException().isThrownBy(() -> Cascade.<String, String>builder(name))
                    .withMessageContaining("must not be blank")
                    .withMessageContaining("'" + name + "'");
        }

        @Test
        void aNullChainNameIsRefusedAtOnce() {
            assertThatIllegalArgumentException().isThrownBy(() -> Cascade.<String, String>builder(null))
                    .withMessageContaining("must not be blank, was null");
        }

        @Test
        void aBlankStepNameIsRefusedAtOnce() {
            CascadeBuilder<String, String> b = base("blank-step");
            assertThatIllegalArgumentException().isThrownBy(() -> b.model(" ", advanced))
                    .withMessageContaining("step name must not be blank, was ' '");
        }
    }

    @Nested
    class PromptAndParser {

        @Test
        void aModelStepWithNoPromptMapperAnywhereFailsAtBuildNamingTheStep() {
            CascadeBuilder<String, String> b = Cascade.<String, String>builder("no-prompt")
                    .parse(ModelResponse::text)
                    .model("advanced", advanced);

            assertThatIllegalStateException().isThrownBy(b::build)
                    .withMessageContaining("chain 'no-prompt', model step 'advanced'")
                    .withMessageContaining("no prompt mapper");
        }

        @Test
        void aModelStepWithNoParserAnywhereFailsAtBuildNamingTheStep() {
            CascadeBuilder<String, String> b = Cascade.<String, String>builder("no-parser")
                    .prompt(ModelRequest::of)
                    .model("advanced", advanced);

            assertThatIllegalStateException().isThrownBy(b::build)
                    .withMessageContaining("chain 'no-parser', model step 'advanced'")
                    .withMessageContaining("no parser");
        }

        @Test
        void onlyTheStepLackingAStepLevelMapperIsNamedWhenTheChainHasNone() {
            CascadeBuilder<String, String> b = Cascade.<String, String>builder("mixed")
                    .model("advanced", advanced, s -> s.prompt(ModelRequest::of).parse(ModelResponse::text))
                    .model("cheap", cheap, s -> s.parse(ModelResponse::text));

            assertThatIllegalStateException().isThrownBy(b::build)
                    .withMessageContaining("model step 'cheap'")
                    .withMessageContaining("no prompt mapper");
        }

        @Test
        void stepLevelPromptAndParserAreEnoughWithoutChainLevelOnes() {
            Cascade<String, String> chain = Cascade.<String, String>builder("step-level")
                    .model("advanced", advanced, s -> s.prompt(t -> ModelRequest.of("sys", t))
                            .parse(r -> "parsed:" + r.text()))
                    .build();

            assertThat(chain.execute("q").answer()).contains("parsed:big answer");
        }
    }

    @Nested
    class Ranges {

        @ParameterizedTest
        @ValueSource(ints = {0, 101, -1})
        void retryMaxAttemptsOutsideOneToHundredIsRefusedAtTheSetter(int value) {
            assertThatIllegalArgumentException().isThrownBy(() -> base("r").model("m", advanced,
                            s -> s.retry(r -> r.maxAttempts(value))))
                    .withMessage("chain 'r', model step 'm': retry.maxAttempts must be in [1, 100], was " + value);
        }

        @Test
        void retryMaxAttemptsAtTheBoundsIsAccepted() {
            base("r").model("one", advanced, s -> s.retry(r -> r.maxAttempts(1)))
                    .model("hundred", cheap, s -> s.retry(r -> r.maxAttempts(100)))
                    .build();
        }

        @Test
        void aNegativeTimeoutIsRefusedNamingTheFieldAndValue() {
            assertThatIllegalArgumentException().isThrownBy(() -> base("t").model("m", advanced,
                            s -> s.timeout(Duration.ofSeconds(-1))))
                    .withMessage("chain 't', model step 'm': timeout must be > 0, was PT-1S");
        }

        @Test
        void aZeroTimeoutIsRefusedNamingTheFieldAndValue() {
            assertThatIllegalArgumentException().isThrownBy(() -> base("t").model("m", advanced,
                            s -> s.timeout(Duration.ZERO)))
                    .withMessage("chain 't', model step 'm': timeout must be > 0, was PT0S");
        }

        @Test
        void aZeroDeadlineIsRefusedNamingTheFieldAndValue() {
            assertThatIllegalArgumentException().isThrownBy(() -> base("d").deadline(Duration.ZERO))
                    .withMessage("deadline must be > 0, was PT0S");
        }

        @ParameterizedTest
        @ValueSource(floats = {0f, 101f, -5f})
        void failureRateThresholdOutsideZeroToHundredIsRefused(float value) {
            assertThatIllegalArgumentException().isThrownBy(() -> base("cb").model("m", advanced,
                            s -> s.circuitBreaker(cb -> cb.failureRateThreshold(value))))
                    .withMessage("chain 'cb', model step 'm': circuitBreaker.failureRateThreshold must be in (0, 100], was " + value);
        }

        @Test
        void failureRateThresholdZeroReadsAsTheStyleGuideExample() {
            assertThatIllegalArgumentException().isThrownBy(() -> base("cb").model("m", advanced,
                            s -> s.circuitBreaker(cb -> cb.failureRateThreshold(0))))
                    .withMessage("chain 'cb', model step 'm': circuitBreaker.failureRateThreshold must be in (0, 100], was 0.0");
        }

        @Test
        void jitterAboveOneIsRefused() {
            assertThatIllegalArgumentException().isThrownBy(() -> base("j").model("m", advanced,
                            s -> s.retry(r -> r.jitter(1.5))))
                    .withMessage("chain 'j', model step 'm': retry.jitter must be in [0, 1], was 1.5");
        }

        @Test
        void multiplierBelowOneIsRefused() {
            assertThatIllegalArgumentException().isThrownBy(() -> base("x").model("m", advanced,
                            s -> s.retry(r -> r.multiplier(0.5))))
                    .withMessage("chain 'x', model step 'm': retry.multiplier must be in [1, 10], was 0.5");
        }

        @Test
        void minimumCallsAboveTheSlidingWindowFailsAtBuildNamingBothFieldsAndTheStep() {
            CascadeBuilder<String, String> b = base("cb").model("advanced", advanced,
                    s -> s.circuitBreaker(cb -> cb.slidingWindowSize(4).minimumCalls(5)));

            assertThatIllegalArgumentException().isThrownBy(b::build)
                    .withMessageContaining("step 'advanced'")
                    .withMessageContaining("circuitBreaker.minimumCalls (5)")
                    .withMessageContaining("circuitBreaker.slidingWindowSize (4)");
        }

        @Test
        void maxBackoffBelowInitialBackoffFailsAtBuildNamingBothFieldsAndTheStep() {
            CascadeBuilder<String, String> b = base("rb").model("advanced", advanced,
                    s -> s.retry(r -> r.initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1))));

            assertThatIllegalArgumentException().isThrownBy(b::build)
                    .withMessageContaining("step 'advanced'")
                    .withMessageContaining("retry.maxBackoff (PT1S)")
                    .withMessageContaining("retry.initialBackoff (PT2S)");
        }

        @Test
        void rateLimitPermitsZeroIsRefused() {
            assertThatIllegalArgumentException().isThrownBy(() -> base("rl").model("m", advanced,
                            s -> s.rateLimit(r -> r.permits(0))))
                    .withMessage("chain 'rl', model step 'm': rateLimit.permits must be >= 1, was 0");
        }

        @Test
        void aRateLimitPeriodBelowOneMillisecondIsRefused() {
            assertThatIllegalArgumentException().isThrownBy(() -> base("rl").model("m", advanced,
                            s -> s.rateLimit(r -> r.period(Duration.ofNanos(10)))))
                    .withMessage("chain 'rl', model step 'm': rateLimit.period must be >= 1ms, was PT0.00000001S");
        }
    }

    @Nested
    class SharedRegistries {

        @Test
        void twoChainsConfiguringOneResourceDifferentlyFailTheSecondBuildNamingTheResource() {
            CascadeRegistries registries = CascadeRegistries.create();
            base("first").registries(registries)
                    .model("advanced", advanced, s -> s.circuitBreaker(cb -> cb.failureRateThreshold(50)))
                    .build();
            CascadeBuilder<String, String> second = base("second").registries(registries)
                    .model("advanced", advanced, s -> s.circuitBreaker(cb -> cb.failureRateThreshold(80)));

            assertThatIllegalArgumentException().isThrownBy(second::build)
                    .withMessageContaining("chain 'second', model step 'advanced'")
                    .withMessageContaining("circuit breaker 'test/gpt-big'")
                    .withMessageContaining("failureRate>=50.0%")
                    .withMessageContaining("failureRate>=80.0%");
        }

        @Test
        void twoChainsConfiguringOneRateLimiterDifferentlyFailTheSecondBuildNamingTheResource() {
            CascadeRegistries registries = CascadeRegistries.create();
            base("first").registries(registries)
                    .model("advanced", advanced, s -> s.resourceName("shared").rateLimit(r -> r.permits(5)))
                    .build();
            CascadeBuilder<String, String> second = base("second").registries(registries)
                    .model("advanced", advanced, s -> s.resourceName("shared").rateLimit(r -> r.permits(6)));

            assertThatIllegalArgumentException().isThrownBy(second::build)
                    .withMessageContaining("rate limiter 'shared'")
                    .withMessageContaining("chain 'second'");
        }

        @Test
        void identicalConfigurationsOfOneResourceShareIt() {
            CascadeRegistries registries = CascadeRegistries.create();
            base("first").registries(registries)
                    .model("advanced", advanced, s -> s.circuitBreaker(cb -> cb.failureRateThreshold(50)))
                    .build();
            base("second").registries(registries)
                    .model("advanced", advanced, s -> s.circuitBreaker(cb -> cb.failureRateThreshold(50)))
                    .build();

            assertThat(registries.circuitBreakers()).hasSize(1);
        }

        /**
         * A build that fails must leave shared registries as they were: otherwise a chain that never existed holds a
         * breaker configuration, and the corrected build (with a different breaker) is refused.
         */
        @Test
        void aBuildThatFailsLeavesNoBreakerBehindInSharedRegistries() {
            CascadeRegistries registries = CascadeRegistries.create();
            CascadeBuilder<String, String> broken = Cascade.<String, String>builder("broken")
                    .prompt(ModelRequest::of)
                    .registries(registries)
                    .model("advanced", advanced, s -> s.parse(ModelResponse::text)
                            .circuitBreaker(cb -> cb.failureRateThreshold(50)))
                    .model("cheap", cheap); // no parser: build fails
            assertThatIllegalStateException().isThrownBy(broken::build).withMessageContaining("no parser");

            // The corrected chain picks a different threshold: nothing was ever built with the first one.
            Cascade<String, String> fixed = base("fixed").registries(registries)
                    .model("advanced", advanced, s -> s.circuitBreaker(cb -> cb.failureRateThreshold(80)))
                    .model("cheap", cheap)
                    .build();
            assertThat(fixed.describe().steps().get(0).policies().get("circuitBreaker")).contains("failureRate>=80.0%");
        }

        @Test
        void aTimeSourceOtherThanTheRegistriesOneFailsAtBuild() {
            CascadeBuilder<String, String> b = base("clocks")
                    .registries(CascadeRegistries.create(new VirtualTime()))
                    .timeSource(new VirtualTime())
                    .model("advanced", advanced);

            assertThatIllegalArgumentException().isThrownBy(b::build)
                    .withMessageContaining("chain 'clocks'")
                    .withMessageContaining("timeSource differs from the registries' timeSource");
        }

        @Test
        void theRegistriesTimeSourceIsUsedWhenTheChainSetsNone() {
            VirtualTime time = new VirtualTime();
            CascadeRegistries registries = CascadeRegistries.create(time);
            Cascade<String, String> chain = base("clock-from-registries").registries(registries)
                    .model("advanced", advanced, s -> s.circuitBreaker(cb -> cb.slidingWindowSize(1).minimumCalls(1)
                            .failureRateThreshold(100).openFor(Duration.ofSeconds(10))))
                    .build();

            assertThat(chain.execute("q").answeredBy()).contains("advanced");
            assertThat(registries.circuitBreaker("test/gpt-big")).isPresent();
        }
    }

    @Nested
    class FailurePolicies {

        @ParameterizedTest
        @EnumSource(value = FailureKind.class, names = {"CIRCUIT_OPEN", "NO_PERMIT", "OVER_BUDGET", "NO_TIME", "BARRED"})
        void anAdmissionKindCannotBeMadeRetryable(FailureKind kind) {
            CascadeBuilder<String, String> b = base("policy");

            assertThatIllegalArgumentException().isThrownBy(() -> b.onFailure(kind, p -> p.withRetry(true)))
                    .withMessageStartingWith("onFailure(" + kind + "): an admission refusal is never retried")
                    .withMessageContaining("only its alert may be changed");
        }

        @Test
        void aPolicyChangeReturningNullIsRefusedNamingTheKind() {
            assertThatNullPointerException().isThrownBy(() -> base("policy").onFailure(FailureKind.AUTH, p -> null))
                    .withMessage("onFailure(AUTH) returned null");
        }
    }

    @Nested
    class NullInput {

        private final List<String> events = Collections.synchronizedList(new ArrayList<>());
        private final InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();

        private Cascade<String, String> chain() {
            return base("nulls")
                    .listener(recordingEveryEvent(events))
                    .model("advanced", advanced)
                    .humanReview("desk", queue)
                    .build();
        }

        @Test
        void executeRejectsNullInputNamingTheChainAndRecordsNothing() {
            Cascade<String, String> chain = chain();

            assertThatNullPointerException().isThrownBy(() -> chain.execute(null))
                    .withMessageContaining("chain 'nulls'")
                    .withMessageContaining("input must not be null")
                    .withMessageContaining("pass a value");
            assertNothingRecorded();
        }

        @Test
        void executeAsyncRejectsNullInputAtOnceNamingTheChainAndRecordsNothing() {
            Cascade<String, String> chain = chain();

            // Thrown by the call itself, not carried by a failed future.
            assertThatNullPointerException().isThrownBy(() -> chain.executeAsync(null))
                    .withMessageContaining("chain 'nulls'")
                    .withMessageContaining("input must not be null");
            assertNothingRecorded();
        }

        @Test
        void aNullContextIsRejectedSayingWhatToUseInstead() {
            Cascade<String, String> chain = chain();

            assertThatNullPointerException().isThrownBy(() -> chain.execute("q", null))
                    .withMessageContaining("use CallContext.empty()");
            assertThatNullPointerException().isThrownBy(() -> chain.executeAsync("q", null))
                    .withMessageContaining("use CallContext.empty()");
            assertNothingRecorded();
        }

        private void assertNothingRecorded() {
            assertThat(events).isEmpty();
            assertThat(advanced.calls()).isZero();
            assertThat(queue.size()).isZero();
        }
    }

    @Nested
    class BuilderReuse {

        @Test
        void buildingTwiceGivesTwoChainsWithIndependentLimiters() {
            CascadeBuilder<String, String> b = base("reused")
                    .model("advanced", advanced, s -> s.rateLimit(r -> r.permits(1).period(Duration.ofHours(1))))
                    .model("cheap", cheap);
            Cascade<String, String> first = b.build();
            Cascade<String, String> second = b.build();

            assertThat(first).isNotSameAs(second);
            assertThat(first.execute("a").answeredBy()).contains("advanced");
            assertThat(first.execute("b").answeredBy()).contains("cheap"); // first's permit is spent
            assertThat(second.execute("c").answeredBy()).contains("advanced"); // second has its own limiter
        }

        @Test
        void changingTheBuilderAfterBuildDoesNotChangeTheBuiltChain() {
            CascadeBuilder<String, String> b = base("reused").model("advanced", advanced);
            Cascade<String, String> first = b.build();
            b.listener(new CascadeListener() { }).model("cheap", cheap).deadline(Duration.ofSeconds(5));
            Cascade<String, String> second = b.build();

            assertThat(first.describe().steps()).extracting(Description.Step::name).containsExactly("advanced");
            assertThat(first.describe().deadline()).isNull();
            assertThat(second.describe().steps()).extracting(Description.Step::name)
                    .containsExactly("advanced", "cheap");
            assertThat(second.describe().deadline()).isEqualTo(Duration.ofSeconds(5));
        }
    }

    /** A listener recording the name of every event method called on it, whatever the event. */
    static CascadeListener recordingEveryEvent(List<String> sink) {
        return (CascadeListener) Proxy.newProxyInstance(CascadeListener.class.getClassLoader(),
                new Class<?>[]{CascadeListener.class}, (proxy, method, args) -> {
                    if (isObjectMethod(method)) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "recorder";
                    }
                    sink.add(method.getName());
                    return null;
                });
    }

    private static boolean isObjectMethod(Method m) {
        return m.getDeclaringClass() == Object.class;
    }

    @Test
    void aNullClientIsRefusedNamingTheStep() {
        assertThatThrownBy(() -> base("c").model("advanced", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("model step 'advanced': client must not be null");
    }
}
