package dev.cascade.examples.snippets.spring;

import java.time.Duration;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.spring.ai.SpringAiModelClient;

/** A chain built in code from a Spring AI model, as in docs/adapters.md. */
@Configuration(proxyBeanMethods = false)
class SpringAiChainConfig {

    // tag::spring-ai-chain[]
    @Bean
    Cascade<String, String> triage(ChatModel openAiChatModel) {          // any Spring AI ChatModel bean
        return Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
                .parse(ModelResponse::text)
                .model("advanced", SpringAiModelClient.wrap(openAiChatModel), s -> s   // Spring AI's own retries off
                        .timeout(Duration.ofSeconds(8))
                        .retry(r -> r.maxAttempts(2)))
                // ...cheaper model, rules, humanReview, deadline
                .build();
    }
    // end::spring-ai-chain[]
}
