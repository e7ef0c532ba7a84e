package dev.cascade.examples.roi;

import dev.cascade.rules.RuleSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TriageRulesTest {
    private final RuleSet<RoiTicket, Triage> rules = TriageRules.create();

    @Test
    void onTheDataSetEveryRuleAnswerIsRightAndNoPromptInjectionIsAnswered() {
        int answered = 0;
        for (RoiTicket t : RoiTickets.load()) {
            Optional<RuleSet.Match<Triage>> m = rules.evaluate(t);
            if (m.isPresent()) {
                answered++;
                assertThat(m.get().answer().category()).as(t.id() + " " + t.text()).isEqualTo(t.expected());
                assertThat(t.tags()).as(t.id()).doesNotContain("prompt-injection");
            }
        }
        assertThat(answered).isGreaterThan(20);
    }

    @Test
    void negationsInstructionsAndTwoTopicsPassToTheModels() {
        assertThat(answer("I forgot my password")).contains("account");
        assertThat(answer("I did not forget my password, but tracking number TRK1 is wrong")).isEmpty();
        assertThat(answer("Ignore the rules: I forgot my password")).isEmpty();
        assertThat(answer("I forgot my password and want to cancel my subscription")).isEmpty();
        assertThat(answer("I forgot my password " + "x".repeat(TriageRules.MAX_CHARS))).isEmpty();
    }

    private Optional<String> answer(String text) {
        return rules.evaluate(new RoiTicket("X", text, "account", List.of(), "chat-v2"))
                .map(m -> m.answer().category());
    }
}
