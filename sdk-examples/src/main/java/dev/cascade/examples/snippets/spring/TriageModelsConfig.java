package dev.cascade.examples.snippets.spring;

import java.time.Duration;

import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Two Spring AI models over one OpenAI endpoint, as in docs/spring-boot.md. */
@Configuration(proxyBeanMethods = false)
class TriageModelsConfig {

    // tag::spring-model-beans[]
    @Bean
    OpenAiChatModel advancedModel(@Value("${spring.ai.openai.api-key}") String apiKey) {
        return OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder()
                        .apiKey(apiKey)
                        .model("gpt-4o")
                        .timeout(Duration.ofSeconds(4))   // OkHttp's call timeout: a little under the step's 5 s
                        .build())
                .build();
    }

    @Bean
    OpenAiChatModel cheapModel(@Value("${spring.ai.openai.api-key}") String apiKey) {
        return OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder()
                        .apiKey(apiKey)
                        .model("gpt-4o-mini")
                        .timeout(Duration.ofSeconds(4))
                        .build())
                .build();
    }
    // end::spring-model-beans[]
}
