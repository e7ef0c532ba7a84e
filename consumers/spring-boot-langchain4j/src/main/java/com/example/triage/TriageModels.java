package com.example.triage;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.langchain4j.CascadeHttpClientBuilder;
import dev.cascade.langchain4j.LangChain4jModelClient;
import dev.cascade.spi.ModelClient;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * Two LangChain4j OpenAI models as Cascade {@link ModelClient} beans; application.yml's steps name them
 * ({@code model: advancedModel}, {@code model: cheapModel}). The clients retry nothing ({@code maxRetries(0)}):
 * Cascade's step retries are the only ones, so one attempt is one HTTP request.
 */
@Configuration(proxyBeanMethods = false)
class TriageModels {

    @Bean
    ModelClient advancedModel(@Value("${triage.openai.base-url}") String baseUrl,
                              @Value("${triage.openai.api-key}") String apiKey) {
        return LangChain4jModelClient.of(openAi(baseUrl, apiKey, "gpt-4o"), "openai", "gpt-4o");
    }

    @Bean
    ModelClient cheapModel(@Value("${triage.openai.base-url}") String baseUrl,
                           @Value("${triage.openai.api-key}") String apiKey) {
        return LangChain4jModelClient.of(openAi(baseUrl, apiKey, "gpt-4o-mini"), "openai", "gpt-4o-mini");
    }

    private static OpenAiChatModel openAi(String baseUrl, String apiKey, String model) {
        return OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .modelName(model)
                .maxRetries(0)
                .httpClientBuilder(new CascadeHttpClientBuilder()) // keeps the provider's Retry-After
                .timeout(Duration.ofSeconds(20)) // above the step timeout (15s): Cascade times attempts out
                .build();
    }
}
