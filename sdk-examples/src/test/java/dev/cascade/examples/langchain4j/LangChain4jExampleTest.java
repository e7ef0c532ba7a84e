package dev.cascade.examples.langchain4j;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example in simulated mode: the real LangChain4j OpenAI client against {@link SimulatedOpenAi}, where gpt-4o is
 * down. The cheap model answers, and the provider saw exactly the requests the advanced step's retry policy allows.
 */
class LangChain4jExampleTest {

    @Test
    void theAdvancedModelIsDownSoTheCheapModelAnswersThroughTheRealClient() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Outcome<String> outcome;
        int advancedRequests;
        int cheapRequests;
        try (SimulatedOpenAi provider = SimulatedOpenAi.start();
             PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            outcome = LangChain4jExample.run(provider.baseUrl(), "sk-simulated", out);
            advancedRequests = provider.requests("gpt-4o");
            cheapRequests = provider.requests("gpt-4o-mini");
        }

        assertThat(outcome.answer()).contains("category: billing");
        assertThat(outcome.answeredBy()).contains("cheap");

        List<Attempt> attempts = outcome.attempts();
        assertThat(attempts).extracting(Attempt::step, Attempt::status, Attempt::failure).containsExactly(
                org.assertj.core.groups.Tuple.tuple("advanced", Attempt.Status.FAILED, FailureKind.UNAVAILABLE),
                org.assertj.core.groups.Tuple.tuple("advanced", Attempt.Status.FAILED, FailureKind.UNAVAILABLE),
                org.assertj.core.groups.Tuple.tuple("cheap", Attempt.Status.ANSWERED, null));
        assertThat(attempts.get(0).reason()).contains("HTTP 503");
        Attempt answered = attempts.get(2);
        assertThat(answered.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(answered.usage().inputTokens()).isEqualTo(42);
        assertThat(answered.usage().outputTokens()).isEqualTo(4);
        assertThat(answered.finishReason()).isEqualTo("stop");

        // Retries were Cascade's alone: 2 attempts on the advanced step, 2 HTTP requests (maxRetries(0) on the client).
        assertThat(advancedRequests).isEqualTo(2);
        assertThat(cheapRequests).isEqualTo(1);

        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("answered by cheap", "UNAVAILABLE").doesNotContain("WARNING");
    }
}
