package dev.cascade.examples.snippets;

import java.time.Duration;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.langchain4j.CascadeHttpClientBuilder;
import dev.cascade.langchain4j.LangChain4jModelClient;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/** Snippets of docs/adapters.md (LangChain4j). Compiled, never run. */
final class LangChain4jSnippets {
    private LangChain4jSnippets() {
    }

    static Cascade<String, String> chain() {
        // tag::langchain4j[]
        ChatModel gpt4o = OpenAiChatModel.builder()
                .apiKey(System.getenv("OPENAI_API_KEY"))
                .modelName("gpt-4o")
                .maxRetries(0)                      // Cascade owns retries: LangChain4j's default (2) makes 1 attempt up to 3 requests
                .httpClientBuilder(new CascadeHttpClientBuilder())  // keeps Retry-After, which LangChain4j's transports drop
                .timeout(Duration.ofSeconds(20))    // LangChain4j's timeout covers connect + response headers only
                .build();

        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
                .parse(ModelResponse::text)
                .model("advanced", LangChain4jModelClient.of(gpt4o), s -> s
                        .timeout(Duration.ofSeconds(8))   // the timeout that holds: a stalled body ignores the client's
                        .retry(r -> r.maxAttempts(2)))
                // ...cheaper model, rules, humanReview, deadline
                .build();
        // end::langchain4j[]
        return triage;
    }
}
