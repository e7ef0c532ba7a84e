package dev.cascade.eval;

import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.testing.ScriptedModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScorersTest {
    private static EvalCase expecting(String expected) {
        return EvalCase.of("c", "question", expected);
    }

    @Test
    void exactLabelTrimsButIsCaseSensitive() {
        Scorer<String> s = Scorers.exactLabel();
        assertThat(s.score(expecting("billing"), " billing\n")).isEqualTo(Score.correct());
        assertThat(s.score(expecting("billing"), "Billing").pass()).isFalse();
        assertThat(s.score(expecting("billing"), "Billing").value()).isZero();
        assertThat(s.score(expecting("billing"), "Billing").detail()).isEqualTo("label differs");
        assertThat(s.name()).isEqualTo("exact-label");
    }

    @Test
    void exactLabelReadsTheOutputThroughTheGivenFunction() {
        record Reply(String label, double confidence) {
        }
        Scorer<Reply> s = Scorers.exactLabel(Reply::label);
        assertThat(s.score(expecting("billing"), new Reply("billing", 0.9)).pass()).isTrue();
        assertThat(s.score(expecting("billing"), new Reply("shipping", 0.9)).pass()).isFalse();
    }

    @Test
    void normalisedTextIgnoresCasePunctuationAndSpacing() {
        Scorer<String> s = Scorers.normalisedText();
        assertThat(s.score(expecting("Reset your password"), "  reset   YOUR password. ").pass()).isTrue();
        assertThat(s.score(expecting("ﬁle a claim"), "File a claim!").pass()).isTrue();   // NFKC ligature
        assertThat(s.score(expecting("reset your password"), "reset my password").pass()).isFalse();
        assertThat(Scorers.normalise(" A,  b;c ")).isEqualTo("a b c");
    }

    @Test
    void jsonFieldReadsADottedPathOrAPointer() {
        String answer = "{\"reply\":{\"labels\":[\"Billing\",\"x\"]},\"confidence\":0.8}";
        assertThat(Scorers.<String>jsonField("reply.labels[0]").score(expecting("billing"), answer).pass()).isTrue();
        assertThat(Scorers.<String>jsonField("/reply/labels/1").score(expecting("x"), answer).pass()).isTrue();
        assertThat(Scorers.<String>jsonField("confidence").score(expecting("0.8"), answer).pass()).isTrue();
        assertThat(Scorers.<String>jsonField("reply.labels[1]").score(expecting("billing"), answer).detail())
                .isEqualTo("field 'reply.labels[1]' differs");
        assertThat(Scorers.<String>jsonField("category").score(expecting("billing"), answer).detail())
                .isEqualTo("field 'category' is missing");
        assertThat(Scorers.<String>jsonField("category").score(expecting("billing"), "billing, I think").detail())
                .isEqualTo("answer is not JSON");
    }

    @Test
    void aMalformedJsonPathIsRefusedWithAnExample() {
        assertThatThrownBy(() -> Scorers.jsonField("a..b")).hasMessageContaining("jsonField path 'a..b' is"
                + " malformed").hasMessageContaining("reply.labels[0]");
        assertThatThrownBy(() -> Scorers.jsonField(" ")).hasMessageContaining("must not be blank");
    }

    @Test
    void numericAcceptsWithinTheToleranceExactly() {
        Scorer<String> s = Scorers.numeric("0.05");
        assertThat(s.score(expecting("12.30"), "The total is 12.35 EUR").pass()).isTrue();
        assertThat(s.score(expecting("12.30"), "12.36").pass()).isFalse();
        assertThat(s.score(expecting("12.30"), "12.36").detail()).isEqualTo("outside the tolerance");
        assertThat(s.score(expecting("-3"), "-3.0").pass()).isTrue();
        assertThat(s.score(expecting("12.30"), "no idea").detail()).isEqualTo("answer has no number");
        assertThat(s.score(expecting("twelve"), "12").detail()).isEqualTo("expected value is not a number");
        assertThatThrownBy(() -> Scorers.numeric("-1")).hasMessage("numeric tolerance must be >= 0, was -1");
        assertThatThrownBy(() -> Scorers.numeric("abc")).hasMessageContaining("was 'abc'");
    }

    @Test
    void customScorersTakeAPredicateOrAFullScore() {
        Scorer<String> starts = Scorers.custom("starts-with-expected", (c, o) -> o.startsWith(c.expected()));
        assertThat(starts.score(expecting("bill"), "billing").pass()).isTrue();
        assertThat(starts.score(expecting("ship"), "billing").detail()).isEqualTo("starts-with-expected failed");
        Scorer<String> half = Scorers.customScore("half", (c, o) -> new Score(0.5, false, "half right"));
        assertThat(half.score(expecting("x"), "y")).isEqualTo(new Score(0.5, false, "half right"));
        assertThat(half.name()).isEqualTo("half");
    }

    @Test
    void allOfNeedsEveryScorerAndKeepsTheLowestScore() {
        Scorer<String> both = Scorers.allOf(Scorers.normalisedText(),
                Scorers.customScore("judge", (c, o) -> new Score(0.7, true, null)));
        assertThat(both.score(expecting("billing"), "Billing")).isEqualTo(new Score(0.7, true, null));
        Score failed = both.score(expecting("billing"), "shipping");
        assertThat(failed.pass()).isFalse();
        assertThat(failed.value()).isZero();
        assertThat(failed.detail()).isEqualTo("normalised-text: text differs after normalisation");
        assertThat(both.name()).isEqualTo("all-of(normalised-text,judge)");
    }

    @Test
    void anLlmJudgeGradesThroughAModelClient() {
        ScriptedModel judge = ScriptedModel.answering("judge-model", "0.8");
        Scorer<String> s = Scorers.<String>llmJudge(judge, o -> o, 0.75);

        Score score = s.score(EvalCase.of("c", "Why was I charged twice?", "a refund is on its way"),
                "We are refunding the second charge.");

        assertThat(score).isEqualTo(new Score(0.8, true, null));
        assertThat(judge.requests()).hasSize(1);
        assertThat(judge.requests().get(0).system()).contains("Reply with one number from 0");
        assertThat(judge.requests().get(0).user()).contains("Why was I charged twice?")
                .contains("a refund is on its way").contains("We are refunding the second charge.");
        assertThat(s.name()).isEqualTo("llm-judge(judge-model)");
        assertThat(Scorers.<String>llmJudge(ScriptedModel.answering("j", "0.5"), 0.75)
                .score(expecting("x"), "y")).isEqualTo(new Score(0.5, false, "judge grade 0.5"));
    }

    @Test
    void aJudgeThatFailsOrGivesNoGradeScoresZero() {
        Scorer<String> failing = Scorers.<String>llmJudge(ScriptedModel.failing("j", new IOException("reset")), 0.5);
        assertThat(failing.score(expecting("x"), "y")).isEqualTo(Score.wrong("judge call failed: IOException"));
        Scorer<String> chatty = Scorers.llmJudge(new ScriptedModel("j").then(r -> new ModelResponse("It is good",
                Usage.NONE, "stop", "j")), 0.5);
        assertThat(chatty.score(expecting("x"), "y").detail()).isEqualTo("judge gave no grade in [0, 1]");
        Scorer<String> outOfRange = Scorers.llmJudge(ScriptedModel.answering("j", "7"), 0.5);
        assertThat(outOfRange.score(expecting("x"), "y").pass()).isFalse();
        assertThatThrownBy(() -> Scorers.llmJudge(ScriptedModel.answering("j", "1"), 1.5))
                .hasMessage("llmJudge passAt must be in [0, 1], was 1.5");
    }

    @Test
    void aScoreOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new Score(1.2, true, null)).hasMessage("score value must be in [0, 1], was 1.2");
        assertThatThrownBy(() -> new Score(Double.NaN, true, null)).hasMessageContaining("was NaN");
    }
}
