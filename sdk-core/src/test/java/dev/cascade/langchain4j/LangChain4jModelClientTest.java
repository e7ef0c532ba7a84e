package dev.cascade.langchain4j;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.event.Alert;
import dev.cascade.event.Anomaly;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.internal.ExceptionMapper;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicChatResponseMetadata;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link LangChain4jModelClient} against a fake {@link ChatModel} (no HTTP; the HTTP fault matrix drives the real
 * clients): request and response mapping, content filtering, errors, provider inference, and detection of the
 * client's own retries on real {@link OpenAiChatModel} and {@link AnthropicChatModel} instances.
 */
class LangChain4jModelClientTest {

    /** A LangChain4j chat model that records its requests and answers as scripted. */
    static final class FakeChatModel implements ChatModel {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        private final ModelProvider provider;
        private final String defaultModel;
        private volatile Function<ChatRequest, ChatResponse> behaviour;

        FakeChatModel(ModelProvider provider, String defaultModel, Function<ChatRequest, ChatResponse> behaviour) {
            this.provider = provider;
            this.defaultModel = defaultModel;
            this.behaviour = behaviour;
        }

        static FakeChatModel answering(String text) {
            return new FakeChatModel(ModelProvider.OPEN_AI, "gpt-4o", r -> response(text, FinishReason.STOP,
                    new TokenUsage(10, 2), "gpt-4o-2024-08-06"));
        }

        static FakeChatModel throwing(RuntimeException e) {
            return new FakeChatModel(ModelProvider.OPEN_AI, "gpt-4o", r -> {
                throw e;
            });
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            requests.add(request);
            return behaviour.apply(request);
        }

        @Override
        public ModelProvider provider() {
            return provider;
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return ChatRequestParameters.builder().modelName(defaultModel).build();
        }
    }

    static ChatResponse response(String text, FinishReason finish, TokenUsage usage, String model) {
        return ChatResponse.builder()
                .aiMessage(AiMessage.builder().text(text).build())
                .metadata(ChatResponseMetadata.builder().id("r1").modelName(model).tokenUsage(usage)
                        .finishReason(finish).build())
                .build();
    }

    /** An Anthropic-shaped response whose raw body LangChain4j keeps (as its Anthropic model does). */
    static ChatResponse anthropicResponse(String text, String stopReason) {
        String body = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x-1\","
                + "\"content\":[],\"stop_reason\":\"" + stopReason + "\",\"usage\":{\"input_tokens\":10,"
                + "\"output_tokens\":0}}";
        return ChatResponse.builder()
                .aiMessage(AiMessage.builder().text(text).build())
                .metadata(AnthropicChatResponseMetadata.builder().id("msg_1").modelName("claude-x-1")
                        .tokenUsage(AnthropicTokenUsage.builder().inputTokenCount(10).outputTokenCount(0).build())
                        .finishReason(FinishReason.OTHER)
                        .rawHttpResponse(SuccessfulHttpResponse.builder().statusCode(200).body(body).build())
                        .build())
                .build();
    }

    private static RuntimeException http(int status, String body) {
        return ExceptionMapper.DEFAULT.mapException(new HttpException(status, body));
    }

    // ---- request

    @Test
    void systemPromptUserTextAndOutputCapBecomeTheChatRequest() throws Exception {
        FakeChatModel fake = FakeChatModel.answering("ok");
        LangChain4jModelClient client = LangChain4jModelClient.of(fake, "openai", "gpt-4o");

        client.call(ModelRequest.of("You classify tickets.", "I was charged twice").withMaxOutputTokens(64));

        ChatRequest sent = fake.requests.get(0);
        List<ChatMessage> messages = sent.messages();
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0)).isEqualTo(SystemMessage.from("You classify tickets."));
        assertThat(messages.get(1)).isEqualTo(UserMessage.from("I was charged twice"));
        assertThat(sent.maxOutputTokens()).isEqualTo(64);
        assertThat(sent.modelName()).isEqualTo("gpt-4o"); // the model's own default, not overridden
    }

    @Test
    void withoutSystemPromptOrCapOnlyTheUserMessageIsSent() throws Exception {
        FakeChatModel fake = FakeChatModel.answering("ok");
        LangChain4jModelClient.of(fake).call(ModelRequest.of("hello"));

        ChatRequest sent = fake.requests.get(0);
        assertThat(sent.messages()).containsExactly(UserMessage.from("hello"));
        assertThat(sent.maxOutputTokens()).isNull();
    }

    @Test
    void knownOptionsArePassedOnAndABadNumberIsAnInvalidRequest() throws Exception {
        FakeChatModel fake = FakeChatModel.answering("ok");
        LangChain4jModelClient client = LangChain4jModelClient.of(fake);
        client.call(ModelRequest.of("hi").withOptions(Map.of("temperature", "0.2", "top_p", "0.9", "top_k", "40",
                "frequency_penalty", "0.5", "presence_penalty", "-0.5", "unknown", "ignored")));

        ChatRequest sent = fake.requests.get(0);
        assertThat(sent.temperature()).isEqualTo(0.2);
        assertThat(sent.topP()).isEqualTo(0.9);
        assertThat(sent.topK()).isEqualTo(40);
        assertThat(sent.frequencyPenalty()).isEqualTo(0.5);
        assertThat(sent.presencePenalty()).isEqualTo(-0.5);

        Throwable t = catchThrowable(() -> client.call(ModelRequest.of("hi")
                .withOptions(Map.of("temperature", "warm"))));
        assertThat(t).isInstanceOf(ModelCallException.class);
        assertThat(((ModelCallException) t).kind()).isEqualTo(FailureKind.INVALID_REQUEST);
        assertThat(fake.requests).hasSize(1);
    }

    // ---- response

    @Test
    void textUsageFinishReasonAndResponseModelFlowIntoTheResponse() throws Exception {
        FakeChatModel fake = FakeChatModel.answering("category: billing");
        ModelResponse r = LangChain4jModelClient.of(fake).call(ModelRequest.of("hi"));

        assertThat(r).isEqualTo(new ModelResponse("category: billing", Usage.of(10, 2), "stop", "gpt-4o-2024-08-06"));
    }

    @Test
    void openAiCachedTokensAreReported() throws Exception {
        OpenAiTokenUsage usage = OpenAiTokenUsage.builder().inputTokenCount(1200).outputTokenCount(30)
                .inputTokensDetails(OpenAiTokenUsage.InputTokensDetails.builder().cachedTokens(1024).build()).build();
        FakeChatModel fake = new FakeChatModel(ModelProvider.OPEN_AI, "gpt-4o",
                r -> response("ok", FinishReason.STOP, usage, "gpt-4o"));

        assertThat(LangChain4jModelClient.of(fake).call(ModelRequest.of("hi")).usage())
                .isEqualTo(new Usage(1200, 30, 1024));
    }

    @Test
    void anthropicCacheReadsAndWritesAreAddedBackToInputTokens() throws Exception {
        // Anthropic's input_tokens exclude cache reads and writes; Cascade's input tokens include them.
        AnthropicTokenUsage usage = AnthropicTokenUsage.builder().inputTokenCount(50).outputTokenCount(20)
                .cacheReadInputTokens(1000).cacheCreationInputTokens(200).build();
        FakeChatModel fake = new FakeChatModel(ModelProvider.ANTHROPIC, "claude-x",
                r -> response("ok", FinishReason.STOP, usage, "claude-x-1"));

        assertThat(LangChain4jModelClient.of(fake).call(ModelRequest.of("hi")).usage())
                .isEqualTo(new Usage(1250, 20, 1000));
    }

    @Test
    void missingUsageIsNone() throws Exception {
        FakeChatModel fake = new FakeChatModel(ModelProvider.OTHER, null,
                r -> response("ok", null, null, null));
        ModelResponse r = LangChain4jModelClient.of(fake).call(ModelRequest.of("hi"));
        assertThat(r.usage()).isEqualTo(Usage.NONE);
        assertThat(r.finishReason()).isNull();
        assertThat(r.model()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"STOP, stop", "LENGTH, length", "TOOL_EXECUTION, tool_calls", "CONTENT_FILTER, content_filter",
            "OTHER, other"})
    void finishReasonsAreLowerCaseProviderStyle(FinishReason finish, String expected) throws Exception {
        FakeChatModel fake = new FakeChatModel(ModelProvider.OPEN_AI, "gpt-4o",
                r -> response("some text", finish, new TokenUsage(1, 1), "gpt-4o"));
        assertThat(LangChain4jModelClient.of(fake).call(ModelRequest.of("hi")).finishReason()).isEqualTo(expected);
    }

    @Test
    void forOtherTheProvidersOwnFinishReasonIsReadFromTheRawResponse() throws Exception {
        FakeChatModel fake = new FakeChatModel(ModelProvider.ANTHROPIC, "claude-x",
                r -> anthropicResponse("partial", "pause_turn"));
        assertThat(LangChain4jModelClient.of(fake).call(ModelRequest.of("hi")).finishReason()).isEqualTo("pause_turn");
    }

    @Test
    void emptyOrBlankTextIsReturnedAsIsForTheChainToReject() throws Exception {
        FakeChatModel fake = new FakeChatModel(ModelProvider.OPEN_AI, "gpt-4o",
                r -> response("  ", FinishReason.STOP, new TokenUsage(5, 0), "gpt-4o"));
        ModelResponse r = LangChain4jModelClient.of(fake).call(ModelRequest.of("hi"));
        assertThat(r.text()).isEqualTo("  ");
        assertThat(r.isEmpty()).isTrue();

        fake = new FakeChatModel(ModelProvider.OPEN_AI, "gpt-4o",
                req -> response(null, FinishReason.STOP, new TokenUsage(5, 0), "gpt-4o"));
        assertThat(LangChain4jModelClient.of(fake).call(ModelRequest.of("hi")).text()).isNull();
    }

    @Test
    void aContentFilterFinishWithoutTextIsContentFiltered() {
        FakeChatModel fake = new FakeChatModel(ModelProvider.OPEN_AI, "gpt-4o",
                r -> response(null, FinishReason.CONTENT_FILTER, new TokenUsage(10, 0), "gpt-4o"));
        Throwable t = catchThrowable(() -> LangChain4jModelClient.of(fake).call(ModelRequest.of("hi")));
        assertThat(t).isInstanceOf(ModelCallException.class);
        assertThat(((ModelCallException) t).kind()).isEqualTo(FailureKind.CONTENT_FILTERED);
    }

    @Test
    void anAnthropicRefusalWithoutTextIsContentFiltered() {
        FakeChatModel fake = new FakeChatModel(ModelProvider.ANTHROPIC, "claude-x",
                r -> anthropicResponse(null, "refusal"));
        Throwable t = catchThrowable(() -> LangChain4jModelClient.of(fake).call(ModelRequest.of("hi")));
        assertThat(t).isInstanceOf(ModelCallException.class);
        assertThat(((ModelCallException) t).kind()).isEqualTo(FailureKind.CONTENT_FILTERED);
    }

    @Test
    void aContentFilterFinishWithPartialTextIsReturnedWithItsFinishReason() throws Exception {
        FakeChatModel fake = new FakeChatModel(ModelProvider.OPEN_AI, "gpt-4o",
                r -> response("The first half", FinishReason.CONTENT_FILTER, new TokenUsage(10, 4), "gpt-4o"));
        ModelResponse r = LangChain4jModelClient.of(fake).call(ModelRequest.of("hi"));
        assertThat(r.text()).isEqualTo("The first half");
        assertThat(r.finishReason()).isEqualTo("content_filter");
    }

    // ---- errors

    @Test
    void langChain4jErrorsBecomeModelCallExceptionsKeepingTheCause() {
        RuntimeException quota = http(429, "{\"error\":{\"message\":\"You exceeded your current quota\","
                + "\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}");
        Throwable t = catchThrowable(() -> LangChain4jModelClient.of(FakeChatModel.throwing(quota))
                .call(ModelRequest.of("hi")));

        assertThat(t).isInstanceOf(ModelCallException.class).hasCause(quota)
                .hasMessage("HTTP 429 (insufficient_quota): You exceeded your current quota");
        assertThat(((ModelCallException) t).kind()).isEqualTo(FailureKind.QUOTA_EXHAUSTED);
        assertThat(((ModelCallException) t).retryAfter()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"429, RATE_LIMITED", "401, AUTH", "404, UNAVAILABLE", "500, UNAVAILABLE", "529, UNAVAILABLE",
            "408, TIMEOUT", "422, INVALID_REQUEST"})
    void statusesAreClassified(int status, FailureKind kind) {
        Throwable t = catchThrowable(() -> LangChain4jModelClient.of(FakeChatModel.throwing(http(status, "{}")))
                .call(ModelRequest.of("hi")));
        assertThat(((ModelCallException) t).kind()).isEqualTo(kind);
    }

    @Test
    void aWaitStatedInTheErrorMessageIsPassedOnAsRetryAfter() {
        RuntimeException limited = http(429, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o. "
                + "Please try again in 2s.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}");
        Throwable t = catchThrowable(() -> LangChain4jModelClient.of(FakeChatModel.throwing(limited))
                .call(ModelRequest.of("hi")));
        assertThat(((ModelCallException) t).retryAfter()).contains(Duration.ofSeconds(2));
    }

    @Test
    void connectionFailuresAreUnavailable() {
        Throwable t = catchThrowable(() -> LangChain4jModelClient.of(
                FakeChatModel.throwing(new RuntimeException(new ConnectException()))).call(ModelRequest.of("hi")));
        assertThat(((ModelCallException) t).kind()).isEqualTo(FailureKind.UNAVAILABLE);
    }

    @Test
    void interruptionsAndUnknownExceptionsAreRethrownUnchanged() {
        RuntimeException interrupted = new RuntimeException("Interrupted during action execution",
                new RuntimeException(new InterruptedException()));
        assertThatThrownBy(() -> LangChain4jModelClient.of(FakeChatModel.throwing(interrupted))
                .call(ModelRequest.of("hi"))).isSameAs(interrupted);

        NullPointerException npe = new NullPointerException("contents is null");
        assertThatThrownBy(() -> LangChain4jModelClient.of(FakeChatModel.throwing(npe))
                .call(ModelRequest.of("hi"))).isSameAs(npe);
    }

    /**
     * With HotSpot's OmitStackTraceInFastThrow a hot implicit NPE has no stack at all (an outage makes it hot): it is
     * still LangChain4j failing to read a response, since our own mapping runs before or after the call.
     */
    @Test
    void aStacklessNullPointerFromTheCallIsAnUnreadableResponse() {
        NullPointerException fast = new NullPointerException();
        fast.setStackTrace(new StackTraceElement[0]);
        Throwable t = catchThrowable(() -> LangChain4jModelClient.of(FakeChatModel.throwing(fast))
                .call(ModelRequest.of("hi")));
        assertThat(t).isInstanceOf(ModelCallException.class).hasCause(fast);
        assertThat(((ModelCallException) t).kind()).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(t.getMessage()).contains("unreadable response");
    }

    // ---- what the model is

    @Test
    void providerAndModelAreInferredFromTheChatModel() {
        LangChain4jModelClient inferred = LangChain4jModelClient.of(FakeChatModel.answering("ok"));
        assertThat(inferred.provider()).isEqualTo("openai");
        assertThat(inferred.model()).isEqualTo("gpt-4o");

        LangChain4jModelClient explicit = LangChain4jModelClient.of(FakeChatModel.answering("ok"), "azure.ai.openai",
                "gpt-4o-mini");
        assertThat(explicit.provider()).isEqualTo("azure.ai.openai");
        assertThat(explicit.model()).isEqualTo("gpt-4o-mini");

        LangChain4jModelClient other = LangChain4jModelClient.of(new FakeChatModel(ModelProvider.OTHER, null,
                r -> null));
        assertThat(other.provider()).isEqualTo("unknown");
        assertThat(other.model()).isNull();

        assertThat(LangChain4jModelClient.of(new FakeChatModel(ModelProvider.ANTHROPIC, "claude-x", r -> null))
                .provider()).isEqualTo("anthropic");
        assertThat(LangChain4jModelClient.of(OpenAiChatModel.builder().apiKey("k").modelName("gpt-4o-mini")
                .maxRetries(0).build()).model()).isEqualTo("gpt-4o-mini");
    }

    // ---- the client's own retries

    /** Collects anomalies. */
    static final class Anomalies implements CascadeListener {
        final List<Anomaly> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onAnomaly(Anomaly event) {
            seen.add(event);
        }
    }

    @Test
    void anOpenAiModelThatRetriesOnItsOwnIsReportedOnce() {
        Anomalies anomalies = new Anomalies();
        ChatModel retrying = OpenAiChatModel.builder().apiKey("k").modelName("gpt-4o").maxRetries(2).build();

        LangChain4jModelClient client = LangChain4jModelClient.of(retrying, "openai", "gpt-4o", anomalies);

        assertThat(client.clientRetries()).hasValue(2);
        assertThat(anomalies.seen).singleElement().satisfies(a -> {
            assertThat(a.watcher()).isEqualTo("client-retries");
            assertThat(a.subject()).isEqualTo("openai/gpt-4o");
            assertThat(a.value()).isEqualTo(2.0);
            assertThat(a.baseline()).isEqualTo(0.0);
            assertThat(a.message()).contains("maxRetries(0)", "3 HTTP requests");
        });
    }

    @Test
    void anOpenAiModelBuiltWithTheDefaultRetriesTwice() {
        Anomalies anomalies = new Anomalies();
        ChatModel defaults = OpenAiChatModel.builder().apiKey("k").modelName("gpt-4o").build();
        assertThat(LangChain4jModelClient.of(defaults, anomalies).clientRetries()).hasValue(2);
        assertThat(anomalies.seen).hasSize(1);
    }

    @Test
    void anOpenAiModelWithoutRetriesIsQuiet() {
        Anomalies anomalies = new Anomalies();
        ChatModel quiet = OpenAiChatModel.builder().apiKey("k").modelName("gpt-4o").maxRetries(0).build();
        assertThat(LangChain4jModelClient.of(quiet, anomalies).clientRetries()).hasValue(0);
        assertThat(anomalies.seen).isEmpty();
    }

    @Test
    void anthropicModelsAreCheckedToo() {
        Anomalies anomalies = new Anomalies();
        ChatModel retrying = AnthropicChatModel.builder().apiKey("k").modelName("claude-x").maxRetries(2).build();
        ChatModel quiet = AnthropicChatModel.builder().apiKey("k").modelName("claude-x").maxRetries(0).build();

        LangChain4jModelClient r = LangChain4jModelClient.of(retrying, anomalies);
        LangChain4jModelClient q = LangChain4jModelClient.of(quiet, anomalies);

        assertThat(r.clientRetries()).hasValue(2);
        assertThat(q.clientRetries()).hasValue(0);
        assertThat(r.provider()).isEqualTo("anthropic");
        assertThat(r.model()).isEqualTo("claude-x");
        assertThat(anomalies.seen).singleElement().satisfies(a -> assertThat(a.subject()).isEqualTo("anthropic/claude-x"));
    }

    @Test
    void aModelItCannotInspectIsUnknownAndNotReported() {
        Anomalies anomalies = new Anomalies();
        LangChain4jModelClient client = LangChain4jModelClient.of(FakeChatModel.answering("ok"), anomalies);
        assertThat(client.clientRetries()).isEmpty();
        assertThat(anomalies.seen).isEmpty();
    }

    @Test
    void aListenerThatThrowsDoesNotBreakConstruction() {
        CascadeListener broken = new CascadeListener() {
            @Override
            public void onAnomaly(Anomaly event) {
                throw new IllegalStateException("listener bug");
            }
        };
        ChatModel retrying = OpenAiChatModel.builder().apiKey("k").modelName("gpt-4o").maxRetries(3).build();
        assertThat(LangChain4jModelClient.of(retrying, broken).clientRetries()).hasValue(3);
    }

    // ---- in a chain

    /** Collects alerts. */
    static final class Alerts implements CascadeListener {
        final List<Alert> seen = new ArrayList<>();

        @Override
        public synchronized void onAlert(Alert event) {
            seen.add(event);
        }
    }

    private static Cascade<String, String> chain(ChatModel advanced, ChatModel cheap, Alerts alerts) {
        return Cascade.<String, String>builder("lc4j")
                .prompt(t -> ModelRequest.of("Classify.", t))
                .parse(ModelResponse::text)
                .model("advanced", LangChain4jModelClient.of(advanced, "openai", "gpt-4o"),
                        s -> s.retry(r -> r.maxAttempts(3).initialBackoff(Duration.ZERO).jitter(0)))
                .model("cheap", LangChain4jModelClient.of(cheap, "openai", "gpt-4o-mini"))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "rules answer").build())
                .humanReview("desk", new InMemoryReviewQueue<>())
                .listener(alerts)
                .build();
    }

    @Test
    void inAChainQuotaExhaustionIsNotRetriedRaisesAnAlertAndFallsToTheNextModel() {
        FakeChatModel advanced = FakeChatModel.throwing(http(429, "{\"error\":{\"message\":\"You exceeded your "
                + "current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}"));
        FakeChatModel cheap = FakeChatModel.answering("category: billing");
        Alerts alerts = new Alerts();

        Outcome<String> out = chain(advanced, cheap, alerts).execute("charged twice");

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(advanced.requests).hasSize(1);
        Attempt failed = out.attempts().get(0);
        assertThat(failed.failure()).isEqualTo(FailureKind.QUOTA_EXHAUSTED);
        assertThat(failed.reason()).contains("insufficient_quota");
        Attempt answered = out.attempts().get(1);
        assertThat(answered.usage()).isEqualTo(Usage.of(10, 2));
        assertThat(answered.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(answered.finishReason()).isEqualTo("stop");
        assertThat(alerts.seen).singleElement().satisfies(a -> assertThat(a.kind())
                .isEqualTo(FailureKind.QUOTA_EXHAUSTED));
    }

    @Test
    void inAChainAServerErrorIsRetriedThenFallsThrough() {
        FakeChatModel advanced = FakeChatModel.throwing(http(503, "Service Unavailable"));
        FakeChatModel cheap = FakeChatModel.answering("category: billing");

        Outcome<String> out = chain(advanced, cheap, new Alerts()).execute("charged twice");

        assertThat(advanced.requests).hasSize(3); // the step's retry policy, and nobody else's
        assertThat(out.answeredBy()).contains("cheap");
    }

    @Test
    void inAChainAContextWindowErrorFallsToTheNextModelWithoutRetry() {
        FakeChatModel advanced = FakeChatModel.throwing(http(400, "{\"error\":{\"message\":\"This model's maximum "
                + "context length is 8192 tokens\",\"code\":\"context_length_exceeded\"}}"));
        FakeChatModel cheap = FakeChatModel.answering("category: billing");

        Outcome<String> out = chain(advanced, cheap, new Alerts()).execute("a very long ticket");

        assertThat(advanced.requests).hasSize(1);
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.CONTEXT_TOO_LONG);
        assertThat(out.answeredBy()).contains("cheap");
    }

    @Test
    void inAChainAnInvalidRequestSkipsTheOtherModelsButNotTheRules() {
        FakeChatModel advanced = FakeChatModel.throwing(http(400, "{\"error\":{\"message\":\"Invalid value for "
                + "'messages'\"}}"));
        FakeChatModel cheap = FakeChatModel.answering("category: billing");

        Outcome<String> out = chain(advanced, cheap, new Alerts()).execute("ticket");

        assertThat(cheap.requests).isEmpty();
        assertThat(out.answeredBy()).contains("faq");
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.INVALID_REQUEST);
    }
}
