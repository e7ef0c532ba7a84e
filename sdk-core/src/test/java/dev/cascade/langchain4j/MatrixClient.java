package dev.cascade.langchain4j;

import dev.cascade.api.Usage;
import dev.cascade.fixtures.FaultyProvider;
import dev.cascade.fixtures.FaultyProvider.Api;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

import java.time.Duration;

/**
 * The real LangChain4j clients the fault matrix drives, each pointed at the {@link FaultyProvider}: the
 * {@code langchain4j-open-ai} {@link OpenAiChatModel} and the {@code langchain4j-anthropic} {@link AnthropicChatModel},
 * on LangChain4j's default (JDK) HTTP transport.
 */
enum MatrixClient {
    OPENAI("openai", Api.OPENAI, "gpt-advanced", "gpt-cheap",
            new Usage(FaultyProvider.INPUT_TOKENS, FaultyProvider.OUTPUT_TOKENS, FaultyProvider.CACHED_TOKENS)),
    ANTHROPIC("anthropic", Api.ANTHROPIC, "claude-advanced", "claude-cheap",
            new Usage(FaultyProvider.INPUT_TOKENS, FaultyProvider.OUTPUT_TOKENS, 0));

    final String provider;
    final Api api;
    final String advancedModel;
    final String cheapModel;
    /** The usage Cascade should report for a healthy answer of the provider. */
    final Usage healthyUsage;

    MatrixClient(String provider, Api api, String advancedModel, String cheapModel, Usage healthyUsage) {
        this.provider = provider;
        this.api = api;
        this.advancedModel = advancedModel;
        this.cheapModel = cheapModel;
        this.healthyUsage = healthyUsage;
    }

    /**
     * A LangChain4j chat model for {@code modelName} on the provider.
     *
     * @param maxRetries the client's own retries; {@code null} leaves LangChain4j's default (2)
     * @param timeout    the client's timeout (the JDK HTTP client's connect and request timeout)
     */
    ChatModel chatModel(FaultyProvider faulty, String modelName, Integer maxRetries, Duration timeout) {
        return switch (this) {
            case OPENAI -> {
                OpenAiChatModel.OpenAiChatModelBuilder b = OpenAiChatModel.builder()
                        .baseUrl(faulty.baseUrl(api))
                        .apiKey("sk-test")
                        .modelName(modelName)
                        .httpClientBuilder(new CascadeHttpClientBuilder()) // keeps Retry-After
                        .timeout(timeout);
                if (maxRetries != null) {
                    b.maxRetries(maxRetries);
                }
                yield b.build();
            }
            case ANTHROPIC -> {
                AnthropicChatModel.AnthropicChatModelBuilder b = AnthropicChatModel.builder()
                        .baseUrl(faulty.baseUrl(api))
                        .apiKey("sk-ant-test")
                        .modelName(modelName)
                        .maxTokens(256)
                        .httpClientBuilder(new CascadeHttpClientBuilder()) // keeps Retry-After
                        .timeout(timeout);
                if (maxRetries != null) {
                    b.maxRetries(maxRetries);
                }
                yield b.build();
            }
        };
    }

    /** The Cascade model client: the adapter over a client with its own retries off. */
    LangChain4jModelClient client(FaultyProvider faulty, String modelName, Duration timeout) {
        return LangChain4jModelClient.of(chatModel(faulty, modelName, 0, timeout), provider, modelName);
    }

    /** Name in the table. */
    String label() {
        return this == OPENAI ? "langchain4j-open-ai" : "langchain4j-anthropic";
    }
}
