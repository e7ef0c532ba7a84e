package dev.cascade;

import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.CascadeException;
import dev.cascade.api.Description;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.testing.ScriptedModel;
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
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

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
            CascadeConfigurationException e = configError(() -> base("empty").build());
            assertThat(e.path()).isEqualTo("steps");
            assertThat(e.getMessage()).contains("chain 'empty'").contains("has no steps")
                    .contains("Fix: add one with model(), rules(), step() or humanReview()");
        }

        @Test
        void duplicateStepNamesFailAtBuildNamingTheStep() {
            CascadeBuilder<String, String> b = base("dup").model("m", advanced).model("m", cheap);

            CascadeConfigurationException e = configError(b::build);
            assertThat(e.path()).isEqualTo("steps[1].name");
            assertThat(e.value()).isEqualTo("m");
            assertThat(e.getMessage()).contains("chain 'dup'").contains("duplicate step name 'm'")
                    .contains("Fix: give each step of the chain a distinct name");
        }

        @Test
        void duplicateNamesAcrossStepKindsAreAlsoRefused() {
            CascadeBuilder<String, String> b = base("dup-kinds").model("faq", advanced)
                    .rules("faq", RuleSet.<String, String>firstMatch().rule("r", t -> true, t -> "x").build());

            CascadeConfigurationException e = configError(b::build);
            assertThat(e.path()).isEqualTo("steps[1].name");
            assertThat(e.getMessage()).contains("duplicate step name 'faq'");
        }

        @Test
        void aHumanReviewStepThatIsNotLastFailsAtBuildNamingBothSteps() {
            CascadeBuilder<String, String> b = base("review-first")
                    .humanReview("desk", new InMemoryReviewQueue<>())
                    .model("cheap", cheap);

            CascadeConfigurationException e = configError(b::build);
            assertThat(e.path()).isEqualTo("steps[0].humanReview");
            assertThat(e.value()).isEqualTo("desk");
            assertThat(e.getMessage()).contains("chain 'review-first'")
                    .contains("human review step 'desk' must be the last step")
                    .contains("'cheap' follows it")
                    .contains("Fix: move the human review step to the end of the chain's steps");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   "})
        void aBlankChainNameIsRefusedAtOnce(String name) {
            CascadeConfigurationException e = configError(() -> Cascade.<String, String>builder(name));
            assertThat(e.path()).isEqualTo("name");
            assertThat(e.value()).isEqualTo(name);
            assertThat(e.getMessage()).contains("must not be blank").contains("'" + name + "'").contains("Fix:");
        }

        @Test
        void aNullChainNameIsRefusedAtOnce() {
            assertThat(configError(() -> Cascade.<String, String>builder(null)).getMessage())
                    .contains("name: must not be blank, was null");
        }

        @Test
        void aBlankStepNameIsRefusedAtOnce() {
            CascadeBuilder<String, String> b = base("blank-step");
            CascadeConfigurationException e = configError(() -> b.model(" ", advanced));
            assertThat(e.path()).isEqualTo("steps[0].name");
            assertThat(e.getMessage()).contains("chain 'blank-step'").contains("steps[0].name: must not be blank, was ' '");
        }
    }

    @Nested
    class PromptAndParser {

        @Test
        void aModelStepWithNoPromptMapperAnywhereFailsAtBuildNamingTheStep() {
            CascadeBuilder<String, String> b = Cascade.<String, String>builder("no-prompt")
                    .parse(ModelResponse::text)
                    .model("advanced", advanced);

            CascadeConfigurationException e = configError(b::build);
            assertThat(e.path()).isEqualTo("steps[0].prompt");
            assertThat(e.getMessage()).contains("chain 'no-prompt', model step 'advanced'").contains("no prompt mapper")
                    .contains("Fix: set prompt(...) on the chain or the step");
        }

        @Test
        void aModelStepWithNoParserAnywhereFailsAtBuildNamingTheStep() {
            CascadeBuilder<String, String> b = Cascade.<String, String>builder("no-parser")
                    .prompt(ModelRequest::of)
                    .model("advanced", advanced);

            CascadeConfigurationException e = configError(b::build);
            assertThat(e.path()).isEqualTo("steps[0].parse");
            assertThat(e.getMessage()).contains("chain 'no-parser', model step 'advanced'").contains("no parser")
                    .contains("Fix: set parse(...) on the chain or the step");
        }

        @Test
        void onlyTheStepLackingAStepLevelMapperIsNamedWhenTheChainHasNone() {
            CascadeBuilder<String, String> b = Cascade.<String, String>builder("mixed")
                    .model("advanced", advanced, s -> s.prompt(ModelRequest::of).parse(ModelResponse::text))
                    .model("cheap", cheap, s -> s.parse(ModelResponse::text));

            CascadeConfigurationException e = configError(b::build);
            assertThat(e.path()).isEqualTo("steps[1].prompt");
            assertThat(e.getMessage()).contains("model step 'cheap'").contains("no prompt mapper");
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
            CascadeConfigurationException e = configError(() -> base("r").model("m", advanced,
                    s -> s.retry(r -> r.maxAttempts(value))));
            assertThat(e.path()).isEqualTo("steps[0].retry.maxAttempts");
            assertThat(e.value()).isEqualTo(value);
            assertThat(e).hasMessage("chain 'r', model step 'm': steps[0].retry.maxAttempts: must be in [1, 100], was "
                    + value + ". Fix: use 1 to 100 attempts (1 = no retries)");
        }

        @Test
        void retryMaxAttemptsAtTheBoundsIsAccepted() {
            base("r").model("one", advanced, s -> s.retry(r -> r.maxAttempts(1)))
                    .model("hundred", cheap, s -> s.retry(r -> r.maxAttempts(100)))
                    .build();
        }

        @Test
        void aNegativeTimeoutIsRefusedNamingTheFieldAndValue() {
            CascadeConfigurationException e = configError(() -> base("t").model("m", advanced,
                    s -> s.timeout(Duration.ofSeconds(-1))));
            assertThat(e.path()).isEqualTo("steps[0].timeout");
            assertThat(e.value()).isEqualTo(Duration.ofSeconds(-1));
            assertThat(e).hasMessage("chain 't', model step 'm': steps[0].timeout: must be > 0, was PT-1S."
                    + " Fix: use a duration longer than zero, e.g. Duration.ofSeconds(10)");
        }

        @Test
        void aZeroTimeoutIsRefusedNamingTheFieldAndValue() {
            CascadeConfigurationException e = configError(() -> base("t").model("m", advanced,
                    s -> s.timeout(Duration.ZERO)));
            assertThat(e.path()).isEqualTo("steps[0].timeout");
            assertThat(e.getMessage()).startsWith("chain 't', model step 'm': steps[0].timeout: must be > 0, was PT0S.");
        }

        @Test
        void aZeroDeadlineIsRefusedNamingTheFieldAndValue() {
            CascadeConfigurationException e = configError(() -> base("d").deadline(Duration.ZERO));
            assertThat(e.path()).isEqualTo("deadline");
            assertThat(e.value()).isEqualTo(Duration.ZERO);
            assertThat(e.getMessage()).startsWith("chain 'd': deadline: must be > 0, was PT0S. Fix: ");
        }

        @ParameterizedTest
        @ValueSource(floats = {0f, 101f, -5f})
        void failureRateThresholdOutsideZeroToHundredIsRefused(float value) {
            CascadeConfigurationException e = configError(() -> base("cb").model("m", advanced,
                    s -> s.circuitBreaker(cb -> cb.failureRateThreshold(value))));
            assertThat(e.path()).isEqualTo("steps[0].circuitBreaker.failureRateThreshold");
            assertThat(e.value()).isEqualTo(value);
            assertThat(e.getMessage()).startsWith("chain 'cb', model step 'm': steps[0].circuitBreaker"
                    + ".failureRateThreshold: must be in (0, 100], was " + value + ". Fix: ");
        }

        @Test
        void failureRateThresholdZeroReadsAsTheStyleGuideExample() {
            assertThat(configError(() -> base("cb").model("m", advanced,
                    s -> s.circuitBreaker(cb -> cb.failureRateThreshold(0)))))
                    .hasMessage("chain 'cb', model step 'm': steps[0].circuitBreaker.failureRateThreshold: must be in"
                            + " (0, 100], was 0.0. Fix: use a percentage above 0 and at most 100, e.g. 50");
        }

        @Test
        void jitterAboveOneIsRefused() {
            CascadeConfigurationException e = configError(() -> base("j").model("m", advanced,
                    s -> s.retry(r -> r.jitter(1.5))));
            assertThat(e.path()).isEqualTo("steps[0].retry.jitter");
            assertThat(e.value()).isEqualTo(1.5);
            assertThat(e.getMessage()).startsWith("chain 'j', model step 'm': steps[0].retry.jitter: must be in [0, 1],"
                    + " was 1.5. Fix: ");
        }

        @Test
        void multiplierBelowOneIsRefused() {
            CascadeConfigurationException e = configError(() -> base("x").model("m", advanced,
                    s -> s.retry(r -> r.multiplier(0.5))));
            assertThat(e.path()).isEqualTo("steps[0].retry.multiplier");
            assertThat(e.getMessage()).startsWith("chain 'x', model step 'm': steps[0].retry.multiplier: must be in"
                    + " [1, 10], was 0.5. Fix: ");
        }

        @Test
        void minimumCallsAboveTheSlidingWindowFailsWhenTheSpecIsBuiltNamingBothFieldsAndTheStep() {
            CascadeConfigurationException e = configError(() -> base("cb").model("advanced", advanced,
                    s -> s.circuitBreaker(cb -> cb.slidingWindowSize(4).minimumCalls(5))));

            assertThat(e.path()).isEqualTo("steps[0].circuitBreaker.minimumCalls");
            assertThat(e.value()).isEqualTo(5);
            assertThat(e.getMessage()).contains("step 'advanced'")
                    .contains("circuitBreaker.minimumCalls: must be <= circuitBreaker.slidingWindowSize (4), was 5")
                    .contains("Fix: lower circuitBreaker.minimumCalls to at most 4");
        }

        @Test
        void maxBackoffBelowInitialBackoffFailsWhenTheSpecIsBuiltNamingBothFieldsAndTheStep() {
            CascadeConfigurationException e = configError(() -> base("rb").model("advanced", advanced,
                    s -> s.retry(r -> r.initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1)))));

            assertThat(e.path()).isEqualTo("steps[0].retry.maxBackoff");
            assertThat(e.value()).isEqualTo(Duration.ofSeconds(1));
            assertThat(e.getMessage()).contains("step 'advanced'")
                    .contains("retry.maxBackoff: must be >= retry.initialBackoff (PT2S), was PT1S")
                    .contains("Fix: raise retry.maxBackoff to at least PT2S");
        }

        @Test
        void rateLimitPermitsZeroIsRefused() {
            CascadeConfigurationException e = configError(() -> base("rl").model("m", advanced,
                    s -> s.rateLimit(r -> r.permits(0))));
            assertThat(e.path()).isEqualTo("steps[0].rateLimit.permits");
            assertThat(e).hasMessage("chain 'rl', model step 'm': steps[0].rateLimit.permits: must be >= 1, was 0."
                    + " Fix: use 1 or more");
        }

        @Test
        void aRateLimitPeriodBelowOneMillisecondIsRefused() {
            CascadeConfigurationException e = configError(() -> base("rl").model("m", advanced,
                    s -> s.rateLimit(r -> r.period(Duration.ofNanos(10)))));
            assertThat(e.path()).isEqualTo("steps[0].rateLimit.period");
            assertThat(e.getMessage()).startsWith("chain 'rl', model step 'm': steps[0].rateLimit.period: must be >= 1ms,"
                    + " was PT0.00000001S. Fix: ");
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

            CascadeConfigurationException e = configError(second::build);
            assertThat(e.path()).isEqualTo("steps[0].circuitBreaker");
            assertThat(e.getMessage()).contains("chain 'second', model step 'advanced'")
                    .contains("circuit breaker 'test/gpt-big'")
                    .contains("failureRate>=50.0%")
                    .contains("failureRate>=80.0%")
                    .contains("Fix: steps sharing a resource must configure it identically");
        }

        @Test
        void twoChainsConfiguringOneRateLimiterDifferentlyFailTheSecondBuildNamingTheResource() {
            CascadeRegistries registries = CascadeRegistries.create();
            base("first").registries(registries)
                    .model("advanced", advanced, s -> s.resourceName("shared").rateLimit(r -> r.permits(5)))
                    .build();
            CascadeBuilder<String, String> second = base("second").registries(registries)
                    .model("advanced", advanced, s -> s.resourceName("shared").rateLimit(r -> r.permits(6)));

            CascadeConfigurationException e = configError(second::build);
            assertThat(e.path()).isEqualTo("steps[0].rateLimit");
            assertThat(e.getMessage()).contains("rate limiter 'shared'").contains("chain 'second'");
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
            assertThat(configError(broken::build).path()).isEqualTo("steps[1].parse");

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

            CascadeConfigurationException e = configError(b::build);
            assertThat(e.path()).isEqualTo("timeSource");
            assertThat(e.getMessage()).contains("chain 'clocks'")
                    .contains("timeSource differs from the registries' timeSource")
                    .contains("Fix: create the registries with CascadeRegistries.create(timeSource)");
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

            CascadeConfigurationException e = configError(() -> b.onFailure(kind, p -> p.withRetry(true)));
            assertThat(e.path()).isEqualTo("onFailure." + kind);
            assertThat(e.getMessage()).startsWith("chain 'policy': onFailure." + kind + ": an admission refusal is"
                    + " never retried").contains("only its alert may be changed").contains("Fix: change only the alert");
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
            Cascade<String, String> chain = base("nulls")
                    .listener(recordingEveryEvent(events))
                    .model("advanced", advanced)
                    .humanReview("desk", queue)
                    .build();
            assertThat(events).containsExactly("onChainBuilt"); // the build's own event; executions add nothing
            events.clear();
            return chain;
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

    /** The {@link CascadeConfigurationException} {@code call} throws; fails the test if it throws anything else. */
    static CascadeConfigurationException configError(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(CascadeConfigurationException.class).isInstanceOf(CascadeException.class);
        return (CascadeConfigurationException) t;
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
