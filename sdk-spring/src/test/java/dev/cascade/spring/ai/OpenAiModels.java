package dev.cascade.spring.ai;

import dev.cascade.testing.FaultyProvider;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

import java.time.Duration;

/** Spring AI 2.0.1's real {@link OpenAiChatModel}, pointed at a {@link FaultyProvider} on loopback. */
final class OpenAiModels {
    private OpenAiModels() {
    }

    /**
     * @param maxRetries the SDK client's own retries; {@code null} leaves Spring AI's default (3)
     * @param timeout    Spring AI's {@code timeout} option: the OkHttp call timeout (and connect/read/write)
     */
    static OpenAiChatModel openAi(FaultyProvider provider, String model, Integer maxRetries, Duration timeout) {
        OpenAiChatOptions.Builder options = OpenAiChatOptions.builder()
                .baseUrl(provider.baseUrl(FaultyProvider.Api.OPENAI))
                .apiKey("sk-test")
                .model(model)
                .timeout(timeout);
        if (maxRetries != null) {
            options.maxRetries(maxRetries);
        }
        return OpenAiChatModel.builder().options(options.build()).build();
    }
}
