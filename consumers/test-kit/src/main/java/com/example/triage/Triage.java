package com.example.triage;

import java.time.Duration;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;
import dev.cascade.budget.Budget;
import dev.cascade.langchain4j.CascadeHttpClientBuilder;
import dev.cascade.langchain4j.LangChain4jModelClient;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.TimeSource;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/** The application's ticket triage: advanced model, cheap model, a rule, human review. */
public final class Triage {
    /** What each step costs, per million tokens. */
    public static final Pricing ADVANCED_PRICE = Pricing.perMillionTokens("2.50", "10.00");
    public static final Pricing CHEAP_PRICE = Pricing.perMillionTokens("1.00", "4.00");

    private Triage() {
    }

    /** An OpenAI chat model as the application configures it; tests pass the fault-injecting provider's URL. */
    public static ChatModel openAi(String baseUrl, String apiKey, String model, Duration timeout) {
        return OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .modelName(model)
                .maxRetries(0)                                        // Cascade owns retries
                .httpClientBuilder(new CascadeHttpClientBuilder())    // keeps Retry-After
                .timeout(timeout)
                .build();
    }

    /** The chain; {@code time} (and the budget's clock) are the system's in production and virtual in tests. */
    public static Cascade<String, String> chain(ChatModel advanced, ChatModel cheap,
                                                InMemoryReviewQueue<String, String> review, Budget budget,
                                                TimeSource time) {
        return Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
                .parse(ModelResponse::text)
                .model("advanced", LangChain4jModelClient.of(advanced), s -> s
                        .pricing(ADVANCED_PRICE)
                        .timeout(Duration.ofSeconds(8))
                        .retry(r -> r.maxAttempts(2)))
                .model("cheap", LangChain4jModelClient.of(cheap), s -> s
                        .pricing(CHEAP_PRICE)
                        .timeout(Duration.ofSeconds(4)))
                .rules("faq", RuleSet.<String, String>firstMatch()
                        .rule("password-reset", t -> t.contains("password"), t -> "category: account")
                        .build())
                .humanReview("support-desk", review)
                .deadline(Duration.ofSeconds(30))
                .budget(budget)
                .timeSource(time)
                .build();
    }
}
