package dev.cascade.rules;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.spi.ModelCallException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.tuple;

/** First-match rules: order decides, no match passes the input on, and a broken rule fails only its own step. */
class RuleSetTest {

    @Nested
    class Evaluating {

        private final List<String> asked = new ArrayList<>();

        private RuleSet<String, String> faq() {
            return RuleSet.<String, String>firstMatch()
                    .rule("password", t -> asked("password") && t.contains("password"), t -> "reset link")
                    .rule("account", t -> asked("account") && t.contains("account"), t -> "account page")
                    .rule("catch-all-billing", t -> asked("billing") && t.contains("bill"), t -> "billing desk")
                    .build();
        }

        private boolean asked(String rule) {
            asked.add(rule);
            return true;
        }

        @Test
        void theFirstMatchingRuleAnswersAndLaterRulesAreNotAsked() {
            Optional<RuleSet.Match<String>> match = faq().evaluate("forgot my account password");

            assertThat(match).contains(new RuleSet.Match<>("password", "reset link"));
            assertThat(asked).containsExactly("password");
        }

        @Test
        void rulesAreAskedInTheOrderTheyWereAdded() {
            Optional<RuleSet.Match<String>> match = faq().evaluate("account bill");

            assertThat(match).contains(new RuleSet.Match<>("account", "account page"));
            assertThat(asked).containsExactly("password", "account");
        }

        @Test
        void noMatchingRuleIsEmptyAfterAskingEveryRule() {
            assertThat(faq().evaluate("what are your opening hours?")).isEmpty();
            assertThat(asked).containsExactly("password", "account", "billing");
        }

        @Test
        void aRuleThatMatchesButAnswersNullIsAnErrorNamingTheRule() {
            RuleSet<String, String> rules = RuleSet.<String, String>firstMatch()
                    .rule("broken", t -> true, t -> null)
                    .build();

            assertThatIllegalStateException().isThrownBy(() -> rules.evaluate("x"))
                    .withMessage("rule 'broken' matched but answered null");
        }

        @Test
        void theRulesAreListedInOrderAndCannotBeChanged() {
            RuleSet<String, String> rules = faq();

            assertThat(rules.rules()).extracting(Rule::name).containsExactly("password", "account", "catch-all-billing");
            assertThat(rules.rules()).isUnmodifiable();
        }
    }

    @Nested
    class Building {

        @Test
        void duplicateRuleNamesAreRefusedNamingTheRule() {
            RuleSet.Builder<String, String> b = RuleSet.<String, String>firstMatch().rule("faq", t -> true, t -> "a");

            assertThatIllegalArgumentException().isThrownBy(() -> b.rule("faq", t -> false, t -> "b"))
                    .withMessage("duplicate rule name 'faq'");
            assertThat(b.build().rules()).hasSize(1);
        }

        @Test
        void anEmptyRuleSetIsRefused() {
            assertThatIllegalStateException().isThrownBy(() -> RuleSet.<String, String>firstMatch().build())
                    .withMessage("a rule set needs at least one rule");
        }

        @Test
        void aBlankRuleNameIsRefused() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> RuleSet.<String, String>firstMatch().rule(" ", t -> true, t -> "a"))
                    .withMessage("rule name must not be blank");
        }

        @Test
        void aMissingConditionOrAnswerIsRefusedNamingTheRule() {
            assertThatNullPointerException()
                    .isThrownBy(() -> RuleSet.<String, String>firstMatch().rule("r", null, t -> "a"))
                    .withMessage("rule 'r': when must not be null");
            assertThatNullPointerException()
                    .isThrownBy(() -> RuleSet.<String, String>firstMatch().rule("r", t -> true, null))
                    .withMessage("rule 'r': then must not be null");
        }

        @Test
        void aBuiltRuleSetDoesNotChangeWhenItsBuilderGetsMoreRules() {
            RuleSet.Builder<String, String> b = RuleSet.<String, String>firstMatch().rule("a", t -> false, t -> "a");
            RuleSet<String, String> built = b.build();

            b.rule("b", t -> true, t -> "b");

            assertThat(built.evaluate("x")).isEmpty();
            assertThat(built.rules()).hasSize(1);
        }
    }

    @Nested
    class InAChain {

        enum Entry {
            SYNC, ASYNC;

            <O> Outcome<O> run(Cascade<String, O> chain, String input) {
                return this == SYNC ? chain.execute(input) : chain.executeAsync(input).join();
            }
        }

        private final InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        private int customCalls;

        private Cascade<String, String> chain(RuleSet<String, String> rules) {
            return Cascade.<String, String>builder("support")
                    .prompt(ModelRequest::of)
                    .parse(ModelResponse::text)
                    .model("advanced", r -> {
                        throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
                    })
                    .rules("faq", rules)
                    .step("lookup", t -> {
                        customCalls++;
                        return t.startsWith("order ") ? Optional.of("order status: shipped") : Optional.empty();
                    })
                    .humanReview("desk", queue)
                    .build();
        }

        private static RuleSet<String, String> faq() {
            return RuleSet.<String, String>firstMatch()
                    .rule("password", t -> t.contains("password"), t -> "reset link")
                    .rule("hours", t -> t.contains("hours"), t -> "9 to 5")
                    .build();
        }

        @ParameterizedTest
        @EnumSource(Entry.class)
        void aMatchingRuleAnswersAndNamesTheRule(Entry entry) {
            Outcome<String> out = entry.run(chain(faq()), "what are your hours?");

            assertThat(out.answer()).contains("9 to 5");
            assertThat(out.answeredBy()).contains("faq");
            Attempt rules = out.attempts().get(1);
            assertThat(rules.stepKind()).isEqualTo(StepKind.RULES);
            assertThat(rules.status()).isEqualTo(Status.ANSWERED);
            assertThat(rules.reason()).isEqualTo("rule 'hours'");
            assertThat(rules.usage()).isEqualTo(Usage.NONE);
            assertThat(customCalls).isZero();
            assertThat(queue.size()).isZero();
        }

        @ParameterizedTest
        @EnumSource(Entry.class)
        void noMatchPassesTheInputToTheNextStep(Entry entry) {
            Outcome<String> out = entry.run(chain(faq()), "order 1234");

            assertThat(out.answer()).contains("order status: shipped");
            assertThat(out.answeredBy()).contains("lookup");
            assertThat(out.attempts()).extracting(Attempt::step, Attempt::status, Attempt::failure).containsExactly(
                    tuple("advanced", Status.FAILED, FailureKind.UNAVAILABLE),
                    tuple("faq", Status.PASSED, null),
                    tuple("lookup", Status.ANSWERED, null));
            assertThat(out.attempts().get(1).reason()).isEqualTo("no rule matched");
        }

        @ParameterizedTest
        @EnumSource(Entry.class)
        void aRuleThatThrowsFailsItsStepAndTheChainGoesOnToReview(Entry entry) {
            RuleSet<String, String> broken = RuleSet.<String, String>firstMatch()
                    .rule("regex", t -> {
                        throw new IllegalStateException("bad pattern");
                    }, t -> "never")
                    .rule("never-reached", t -> true, t -> "unreachable")
                    .build();

            Outcome<String> out = entry.run(chain(broken), "anything");

            assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
            assertThat(out.attempts()).extracting(Attempt::step, Attempt::status).containsExactly(
                    tuple("advanced", Status.FAILED),
                    tuple("faq", Status.FAILED),
                    tuple("lookup", Status.PASSED),
                    tuple("desk", Status.QUEUED));
            Attempt rules = out.attempts().get(1);
            assertThat(rules.failure()).isNotNull();
            assertThat(rules.reason()).contains("rule threw").contains("IllegalStateException").contains("bad pattern");
            assertThat(queue.size()).isEqualTo(1);
        }

        @ParameterizedTest
        @EnumSource(Entry.class)
        void rulesStillRunWhenAFailureBarsOtherModels(Entry entry) {
            Cascade<String, String> chain = Cascade.<String, String>builder("filtered")
                    .prompt(ModelRequest::of)
                    .parse(ModelResponse::text)
                    .model("advanced", r -> {
                        throw new ModelCallException(FailureKind.CONTENT_FILTERED, "content_filter");
                    })
                    .model("cheap", r -> ModelResponse.of("should not be asked", Usage.of(1, 1)))
                    .rules("faq", faq())
                    .build();

            Outcome<String> out = entry.run(chain, "password please");

            assertThat(out.answeredBy()).contains("faq");
            assertThat(out.attempts()).extracting(Attempt::step, Attempt::failure).containsExactly(
                    tuple("advanced", FailureKind.CONTENT_FILTERED),
                    tuple("cheap", FailureKind.BARRED),
                    tuple("faq", null));
        }
    }
}
