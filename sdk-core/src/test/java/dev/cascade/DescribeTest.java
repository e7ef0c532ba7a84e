package dev.cascade;

import dev.cascade.api.Description;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.StepKind;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.testing.ScriptedModel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

/** A built chain says what it is made of: steps in order, their kinds and policies, the nesting, the deadline. */
class DescribeTest {

    private final ScriptedModel advanced = new ScriptedModel("openai", "gpt-big").thenAnswer("big");
    private final ScriptedModel cheap = new ScriptedModel("openai", "gpt-small").thenAnswer("small");

    private Cascade<String, String> triage() {
        return Cascade.<String, String>builder("support-triage")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .accept(reply -> !reply.isBlank())
                .router(t -> t.length() < 20 ? "cheap" : "advanced")
                .model("advanced", advanced, s -> s
                        .timeout(Duration.ofSeconds(8))
                        .retry(r -> r.maxAttempts(2))
                        .circuitBreaker(cb -> cb.failureRateThreshold(50).openFor(Duration.ofSeconds(30)))
                        .rateLimit(r -> r.permits(100).period(Duration.ofMinutes(1)))
                        .maxOutputTokens(512))
                .model("cheap", cheap, s -> s.timeout(Duration.ofSeconds(4)).accept(reply -> true))
                .rules("faq", RuleSet.<String, String>firstMatch()
                        .rule("password", t -> t.contains("password"), t -> "reset link")
                        .rule("hours", t -> t.contains("hours"), t -> "9 to 5")
                        .build())
                .step("lookup", t -> Optional.empty())
                .humanReview("desk", new InMemoryReviewQueue<>())
                .deadline(Duration.ofSeconds(10))
                .build();
    }

    @Test
    void stepsAreListedInTheOrderTheyWereAddedWithTheirKinds() {
        Description d = triage().describe();

        assertThat(d.chain()).isEqualTo("support-triage");
        assertThat(d.steps()).extracting(Description.Step::name, Description.Step::kind).containsExactly(
                tuple("advanced", StepKind.MODEL),
                tuple("cheap", StepKind.MODEL),
                tuple("faq", StepKind.RULES),
                tuple("lookup", StepKind.CUSTOM),
                tuple("desk", StepKind.HUMAN_REVIEW));
    }

    @Test
    void aModelStepShowsEachPolicyItWasGiven() {
        Description.Step advancedStep = triage().describe().steps().get(0);

        assertThat(advancedStep.policies())
                .containsOnlyKeys("provider", "model", "timeout", "retry", "circuitBreaker", "rateLimit",
                        "maxOutputTokens", "accept")
                .containsEntry("provider", "openai")
                .containsEntry("model", "gpt-big")
                .containsEntry("timeout", "PT8S")
                .containsEntry("retry", "retry(maxAttempts=2, backoff=PT0.2S x2.0 <= PT5S, jitter=0.2, "
                        + "maxRetryAfter=PT30S)")
                .containsEntry("circuitBreaker", "openai/gpt-big circuitBreaker(failureRate>=50.0%, window=20, "
                        + "minimumCalls=10, openFor=PT30S, halfOpenCalls=3)")
                .containsEntry("rateLimit", "openai/gpt-big rateLimit(100 per PT1M)")
                .containsEntry("maxOutputTokens", "512")
                .containsEntry("accept", "chain");
    }

    @Test
    void aModelStepShowsOnlyThePoliciesItWasGiven() {
        Description.Step cheapStep = triage().describe().steps().get(1);

        assertThat(cheapStep.policies())
                .containsOnlyKeys("provider", "model", "timeout", "accept")
                .containsEntry("timeout", "PT4S")
                .containsEntry("accept", "step"); // its own gate, not the chain's
    }

    @Test
    void nonModelStepsShowWhatTheyAreMadeOf() {
        List<Description.Step> steps = triage().describe().steps();

        assertThat(steps.get(2).policies()).containsExactlyEntriesOf(java.util.Map.of("rules", "2"));
        assertThat(steps.get(3).policies()).isEmpty();
        assertThat(steps.get(4).policies()).containsExactlyEntriesOf(java.util.Map.of("queue", "InMemoryReviewQueue"));
    }

    @Test
    void theDeadlineRouterAndPolicyNestingAreShown() {
        Description d = triage().describe();

        assertThat(d.deadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.routed()).isTrue();
        assertThat(d.order()).isEqualTo(Description.POLICY_ORDER)
                .isEqualTo("retry > deadline > circuit breaker > rate limiter > bulkhead > admission > interceptors > attempt timeout > call");
    }

    @Test
    void aChainWithoutDeadlineOrRouterSaysSo() {
        Description d = Cascade.<String, String>builder("plain")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("only", cheap)
                .build()
                .describe();

        assertThat(d.deadline()).isNull();
        assertThat(d.routed()).isFalse();
        assertThat(d.toString()).isEqualTo("""
                cascade 'plain'
                  1. only [MODEL] provider=openai model=gpt-small
                  policy order: retry > deadline > circuit breaker > rate limiter > bulkhead > admission > interceptors > attempt timeout > call""");
    }

    @Test
    void toStringReadsAsANumberedListOfStepsWithTheirPolicies() {
        Cascade<String, String> chain = triage();
        String text = chain.describe().toString();

        assertThat(text.lines().toList())
                .startsWith("cascade 'support-triage' deadline=PT10S routed")
                .contains("  3. faq [RULES] rules=2",
                        "  4. lookup [CUSTOM]",
                        "  5. desk [HUMAN_REVIEW] queue=InMemoryReviewQueue")
                .endsWith("  policy order: " + Description.POLICY_ORDER);
        assertThat(text).contains("  1. advanced [MODEL] provider=openai model=gpt-big")
                .contains("timeout=PT8S")
                .contains("rateLimit=openai/gpt-big rateLimit(100 per PT1M)");
        assertThat(chain.toString()).isEqualTo(text);
    }

    @Test
    void describingNeverCallsAModel() {
        triage().describe();

        assertThat(advanced.calls() + cheap.calls()).isZero();
    }

    @Test
    void theDescriptionIsTheSameValueEveryTime() {
        Cascade<String, String> chain = triage();

        assertThat(chain.describe()).isEqualTo(chain.describe());
    }

    /** The description is a value: a caller changing what it got back must not change what the chain says next. */
    @Test
    void aCallerCannotChangeTheChainsDescription() {
        Cascade<String, String> chain = triage();
        List<Description.Step> steps = chain.describe().steps();

        Throwable refused = catchThrowable(steps::clear);

        assertThat(chain.describe().steps()).as("the chain's own description after a caller cleared its steps")
                .hasSize(5);
        assertThat(refused).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aStepsPoliciesCannotBeChangedByACaller() {
        Description.Step step = triage().describe().steps().get(0);

        assertThatThrownBy(() -> step.policies().put("timeout", "PT1H"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
