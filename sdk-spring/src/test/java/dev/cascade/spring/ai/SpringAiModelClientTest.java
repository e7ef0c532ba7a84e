package dev.cascade.spring.ai;

import com.openai.core.http.Headers;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.RateLimitException;
import com.openai.models.ErrorObject;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.fixtures.FaultyProvider;
import dev.cascade.spi.ModelCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SpringAiModelClient} over a scripted {@link ChatModel}: how a {@link ModelRequest} becomes a {@link Prompt},
 * how a {@link ChatResponse} becomes a {@link ModelResponse}, and how failures are thrown. The real OpenAI client is
 * exercised in {@link SpringAiFaultMatrixTest} and {@link SpringAiClientRetriesTest}.
 */
class SpringAiModelClientTest {

    /** A model that records the prompt and answers with whatever the test scripts. */
    private static final class ScriptedModel implements ChatModel {
        final AtomicReference<Prompt> seen = new AtomicReference<>();
        final ChatOptions options;
        final Function<Prompt, ChatResponse> reply;

        ScriptedModel(ChatOptions options, Function<Prompt, ChatResponse> reply) {
            this.options = options;
            this.reply = reply;
        }

        @Override
        public ChatResponse call(Prompt prompt) {
            seen.set(prompt);
            return reply.apply(prompt);
        }

        @Override
        public ChatOptions getOptions() {
            return options;
        }
    }

    private static ChatResponse response(String text, String finishReason, DefaultUsage usage, String model,
                                         Map<String, Object> properties) {
        AssistantMessage message = AssistantMessage.builder().content(text).properties(properties).build();
        Generation generation = new Generation(message, ChatGenerationMetadata.builder().finishReason(finishReason)
                .build());
        ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().id("chatcmpl-1");
        if (usage != null) {
            metadata.usage(usage);
        }
        if (model != null) {
            metadata.model(model);
        }
        return new ChatResponse(List.of(generation), metadata.build());
    }

    private static ChatResponse ok(String text) {
        return response(text, "STOP", new DefaultUsage(12, 5, 17, null, 4L, null), "gpt-4o-2024-08-06", Map.of());
    }

    private static ChatOptions defaults() {
        return ChatOptions.builder().model("gpt-4o").temperature(0.7).build();
    }

    @Test
    void systemAndUserTextBecomeMessagesAndTheModelKeepsItsOwnOptions() throws Exception {
        ScriptedModel model = new ScriptedModel(defaults(), p -> ok("hi"));

        SpringAiModelClient.of(model).call(ModelRequest.of("Be brief.", "Hello"));

        Prompt prompt = model.seen.get();
        assertThat(prompt.getInstructions()).extracting(Message::getMessageType)
                .containsExactly(MessageType.SYSTEM, MessageType.USER);
        assertThat(prompt.getInstructions()).extracting(Message::getText).containsExactly("Be brief.", "Hello");
        assertThat(prompt.getOptions()).as("no request options: the model's own apply").isNull();
    }

    @Test
    void withoutASystemPromptOnlyTheUserMessageIsSent() throws Exception {
        ScriptedModel model = new ScriptedModel(defaults(), p -> ok("hi"));

        SpringAiModelClient.of(model).call(ModelRequest.of("Hello"));

        assertThat(model.seen.get().getInstructions()).extracting(Message::getMessageType)
                .containsExactly(MessageType.USER);
    }

    @Test
    void theOutputCapAndSamplingOptionsAreSetOnACopyOfTheModelsOptions() throws Exception {
        ScriptedModel model = new ScriptedModel(defaults(), p -> ok("hi"));

        SpringAiModelClient.of(model).call(ModelRequest.of("Hello").withMaxOutputTokens(64).withOptions(Map.of(
                "temperature", "0.2", "top_p", "0.9", "top_k", "40", "frequency_penalty", "0.5",
                "presence_penalty", "-0.5", "seed", "ignored")));

        ChatOptions sent = model.seen.get().getOptions();
        assertThat(sent.getModel()).as("kept from the model's options").isEqualTo("gpt-4o");
        assertThat(sent.getMaxTokens()).isEqualTo(64);
        assertThat(sent.getTemperature()).isEqualTo(0.2);
        assertThat(sent.getTopP()).isEqualTo(0.9);
        assertThat(sent.getTopK()).isEqualTo(40);
        assertThat(sent.getFrequencyPenalty()).isEqualTo(0.5);
        assertThat(sent.getPresencePenalty()).isEqualTo(-0.5);
        assertThat(model.getOptions().getMaxTokens()).as("the model's own options are not changed").isNull();
    }

    /**
     * Against the real {@code OpenAiChatModel}, which accepts only {@code OpenAiChatOptions} in a prompt: the request's
     * cap and options reach the wire on a copy of the model's own options, and the answer comes back mapped.
     */
    @Test
    void theRealOpenAiModelSendsTheMappedRequestAndReportsUsageWithCachedTokens() throws Exception {
        try (FaultyProvider provider = new FaultyProvider().start()) {
            SpringAiModelClient client = SpringAiModelClient.wrap(
                    OpenAiModels.openAi(provider, "gpt-4o", null, Duration.ofSeconds(5)));

            ModelResponse r = client.call(ModelRequest.of("Be brief.", "Hello").withMaxOutputTokens(64)
                    .withOptions(Map.of("temperature", "0.2", "top_p", "0.9")));

            String body = provider.requests("gpt-4o").get(0).body();
            assertThat(body).contains("\"max_tokens\":64", "\"temperature\":0.2", "\"top_p\":0.9",
                    "\"model\":\"gpt-4o\"", "\"role\":\"system\"", "\"role\":\"user\"", "Be brief.", "Hello");
            assertThat(r.text()).isEqualTo("answer from gpt-4o");
            assertThat(r.usage()).isEqualTo(new Usage(FaultyProvider.INPUT_TOKENS, FaultyProvider.OUTPUT_TOKENS,
                    FaultyProvider.CACHED_TOKENS));
            assertThat(r.finishReason()).isEqualTo("stop");
            assertThat(r.model()).isEqualTo(FaultyProvider.servedModel("gpt-4o"));
            assertThat(client.provider()).isEqualTo("openai");
            assertThat(client.model()).isEqualTo("gpt-4o");
        }
    }

    @Test
    void anOptionThatIsNotANumberIsAnInvalidRequest() {
        ScriptedModel model = new ScriptedModel(defaults(), p -> ok("hi"));

        assertThatThrownBy(() -> SpringAiModelClient.of(model).call(ModelRequest.of("Hello")
                .withOptions(Map.of("temperature", "warm"))))
                .isInstanceOfSatisfying(ModelCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.INVALID_REQUEST))
                .hasMessageContaining("temperature");
        assertThat(model.seen.get()).as("not called").isNull();
    }

    @Test
    void textUsageWithCachedTokensFinishReasonAndTheAnsweringModelAreMapped() throws Exception {
        ScriptedModel model = new ScriptedModel(defaults(), p -> ok("the answer"));

        ModelResponse r = SpringAiModelClient.of(model).call(ModelRequest.of("Hello"));

        assertThat(r.text()).isEqualTo("the answer");
        assertThat(r.usage()).isEqualTo(new Usage(12, 5, 4));
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.model()).isEqualTo("gpt-4o-2024-08-06");
    }

    @Test
    void aResponseWithoutUsageReportsNone() throws Exception {
        ScriptedModel model = new ScriptedModel(defaults(), p -> response("x", null, null, null, Map.of()));

        ModelResponse r = SpringAiModelClient.of(model).call(ModelRequest.of("Hello"));

        assertThat(r.usage()).isEqualTo(Usage.NONE);
        assertThat(r.finishReason()).isNull();
        assertThat(r.model()).isNull();
    }

    @Test
    void aResponseWithoutGenerationsHasNoText() throws Exception {
        ScriptedModel model = new ScriptedModel(defaults(), p -> new ChatResponse(List.of()));

        ModelResponse r = SpringAiModelClient.of(model).call(ModelRequest.of("Hello"));

        assertThat(r.isEmpty()).as("the chain rejects it as empty").isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"STOP, stop", "END_TURN, stop", "stop_sequence, stop", "LENGTH, length", "max_tokens, length",
            "TOOL_CALLS, tool_calls", "tool_use, tool_calls", "CONTENT_FILTER, content_filter",
            "SAFETY, content_filter", "refusal, refusal", "pause_turn, pause_turn"})
    void finishReasonsAreFolded(String raw, String folded) {
        assertThat(SpringAiModelClient.finishReason(raw)).isEqualTo(folded);
    }

    @Test
    void aContentFilterFinishWithoutTextIsContentFiltered() {
        ScriptedModel model = new ScriptedModel(defaults(), p -> response("", "CONTENT_FILTER",
                new DefaultUsage(12, 0), "gpt-4o", Map.of()));

        assertThatThrownBy(() -> SpringAiModelClient.of(model).call(ModelRequest.of("Hello")))
                .isInstanceOfSatisfying(ModelCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.CONTENT_FILTERED));
    }

    @Test
    void anOpenAiRefusalWithoutTextIsContentFiltered() {
        ScriptedModel model = new ScriptedModel(defaults(), p -> response("", "STOP", new DefaultUsage(12, 9),
                "gpt-4o", Map.of("refusal", "I'm sorry, I can't help with that.")));

        assertThatThrownBy(() -> SpringAiModelClient.of(model).call(ModelRequest.of("Hello")))
                .isInstanceOfSatisfying(ModelCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.CONTENT_FILTERED));
    }

    @Test
    void aContentFilterFinishWithPartialTextIsReturnedForTheAcceptGate() throws Exception {
        ScriptedModel model = new ScriptedModel(defaults(), p -> response("partial", "CONTENT_FILTER",
                new DefaultUsage(12, 3), "gpt-4o", Map.of()));

        ModelResponse r = SpringAiModelClient.of(model).call(ModelRequest.of("Hello"));

        assertThat(r.text()).isEqualTo("partial");
        assertThat(r.finishReason()).isEqualTo("content_filter");
    }

    @Test
    void aRecognisedFailureIsThrownClassifiedWithItsRetryAfterAndCause() {
        RateLimitException limit = RateLimitException.builder()
                .headers(Headers.builder().put("retry-after-ms", "1200").build())
                .error(ErrorObject.builder().type("requests").code("rate_limit_exceeded").message("Rate limit reached")
                        .param((String) null).build())
                .build();
        ScriptedModel model = new ScriptedModel(defaults(), p -> {
            throw limit;
        });

        assertThatThrownBy(() -> SpringAiModelClient.of(model).call(ModelRequest.of("Hello")))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.RATE_LIMITED);
                    assertThat(e.retryAfter()).hasValue(Duration.ofMillis(1200));
                    assertThat(e.getCause()).isSameAs(limit);
                    assertThat(e.getMessage()).isEqualTo("HTTP 429 (rate_limit_exceeded): Rate limit reached");
                });
    }

    @Test
    void anInterruptionAndAnUnknownFailureAreRethrownUnchanged() {
        OpenAIIoException interrupted = new OpenAIIoException("Request failed",
                new InterruptedIOException("interrupted"));
        IllegalStateException unknown = new IllegalStateException("something else");

        assertThatThrownBy(() -> SpringAiModelClient.of(new ScriptedModel(defaults(), p -> {
            throw interrupted;
        })).call(ModelRequest.of("Hello"))).isSameAs(interrupted);
        assertThatThrownBy(() -> SpringAiModelClient.of(new ScriptedModel(defaults(), p -> {
            throw unknown;
        })).call(ModelRequest.of("Hello"))).isSameAs(unknown);
    }

    @Test
    void providerAndModelAreReadFromTheModelOrGiven() {
        ScriptedModel model = new ScriptedModel(defaults(), p -> ok("hi"));

        SpringAiModelClient read = SpringAiModelClient.of(model);
        SpringAiModelClient given = SpringAiModelClient.of(model, "openai", "gpt-4o-mini");

        assertThat(read.provider()).as("a model outside Spring AI's provider packages").isEqualTo("unknown");
        assertThat(read.model()).isEqualTo("gpt-4o");
        assertThat(given.provider()).isEqualTo("openai");
        assertThat(given.model()).isEqualTo("gpt-4o-mini");
        assertThat(read.clientRetries()).as("a model with no retry setting").isEmpty();
        assertThat(read.warnings()).isEmpty();
        assertThatThrownBy(() -> SpringAiModelClient.of(model, " ", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("provider");
    }

    @Test
    void wrapLeavesAModelItCannotChangeAsItIs() {
        ScriptedModel model = new ScriptedModel(defaults(), p -> ok("hi"));

        assertThat(SpringAiModelClient.wrap(model).chatModel()).isSameAs(model);
    }
}
