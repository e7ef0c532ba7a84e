package dev.cascade.examples.langchain4j;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.Outcome;
import dev.cascade.event.Anomaly;
import dev.cascade.langchain4j.CascadeHttpClientBuilder;
import dev.cascade.langchain4j.LangChain4jModelClient;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A chain over two LangChain4j models: OpenAI {@code gpt-4o}, then {@code gpt-4o-mini}, then FAQ rules, then a human
 * review queue.
 *
 * <p>With {@code OPENAI_API_KEY} set (and optionally {@code OPENAI_BASE_URL}, for a proxy or a compatible server) it
 * calls the real provider. Without it, it starts {@link SimulatedOpenAi} on loopback, where {@code gpt-4o} answers
 * 503 and {@code gpt-4o-mini} answers, so the run shows a fallback through the real LangChain4j OpenAI client,
 * offline. From the project root:
 * <pre>
 * mvn -B -q -pl sdk-examples -am package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=target/lc4j.cp -Dmdep.includeScope=runtime
 * java -cp "sdk-examples/target/classes:$(cat sdk-examples/target/lc4j.cp)" \
 *     dev.cascade.examples.langchain4j.LangChain4jExample
 * </pre>
 */
public final class LangChain4jExample {
    private LangChain4jExample() {
    }

    public static void main(String[] args) throws Exception {
        String apiKey = System.getenv("OPENAI_API_KEY");
        if (apiKey != null && !apiKey.isBlank()) {
            String baseUrl = System.getenv("OPENAI_BASE_URL");
            System.out.println("Real provider: " + (baseUrl == null || baseUrl.isBlank() ? "OpenAI" : baseUrl));
            run(baseUrl, apiKey, System.out);
            return;
        }
        try (SimulatedOpenAi provider = SimulatedOpenAi.start()) {
            System.out.println("Simulated provider at " + provider.baseUrl() + " (gpt-4o is down; set OPENAI_API_KEY "
                    + "for the real one)");
            run(provider.baseUrl(), "sk-simulated", System.out);
            System.out.println("Requests the provider received: gpt-4o " + provider.requests("gpt-4o")
                    + ", gpt-4o-mini " + provider.requests("gpt-4o-mini"));
        }
    }

    /** Builds the two models and the chain, classifies one ticket, prints the outcome. */
    static Outcome<String> run(String baseUrl, String apiKey, PrintStream out) {
        // Cascade owns retries and timeouts: the clients retry nothing (maxRetries(0)); their own timeout only covers
        // the wait for the response headers, so each step gets a Cascade timeout as well.
        ChatModel gpt4o = openAi(baseUrl, apiKey, "gpt-4o");
        ChatModel gpt4oMini = openAi(baseUrl, apiKey, "gpt-4o-mini");
        CascadeListener warnings = new CascadeListener() {
            @Override
            public void onAnomaly(Anomaly a) { // fires if a model was built with client-side retries
                out.println("WARNING " + a.message());
            }
        };

        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket as billing, account or technical. "
                        + "Answer exactly 'category: <name>'.", ticket).withMaxOutputTokens(20))
                .parse(response -> response.text().trim().toLowerCase())
                .model("advanced", LangChain4jModelClient.of(gpt4o, "openai", "gpt-4o", warnings), s -> s
                        .timeout(Duration.ofSeconds(20))
                        .retry(r -> r.maxAttempts(2).initialBackoff(Duration.ofMillis(100)))
                        .circuitBreaker(cb -> cb.failureRateThreshold(50).openFor(Duration.ofSeconds(30))))
                .model("cheap", LangChain4jModelClient.of(gpt4oMini, "openai", "gpt-4o-mini", warnings),
                        s -> s.timeout(Duration.ofSeconds(20)))
                .rules("faq", RuleSet.<String, String>firstMatch()
                        .rule("password-reset", t -> t.contains("password"), t -> "category: account")
                        .build())
                .humanReview("support-desk", new InMemoryReviewQueue<>())
                .accept(answer -> answer.startsWith("category:"))
                .deadline(Duration.ofSeconds(45))
                .build();

        Outcome<String> outcome = triage.execute("I was charged twice for my subscription this month");

        out.println("Answer: " + outcome.answer().orElse("(pending human review)") + "  <- answered by "
                + outcome.answeredBy().orElse("nobody") + " in " + outcome.elapsed().toMillis() + " ms");
        for (Attempt a : outcome.attempts()) {
            out.println("  " + a.step() + " #" + a.number() + " " + a.status()
                    + (a.failure() == null ? "" : " " + a.failure() + ": " + a.reason())
                    + (a.model() == null ? "" : "  model=" + a.model())
                    + (a.usage().totalTokens() == 0 ? "" : " tokens=" + a.usage().inputTokens() + "+"
                    + a.usage().outputTokens())
                    + (a.finishReason() == null ? "" : " finish=" + a.finishReason()));
        }
        return outcome;
    }

    private static ChatModel openAi(String baseUrl, String apiKey, String model) {
        OpenAiChatModel.OpenAiChatModelBuilder b = OpenAiChatModel.builder()
                .apiKey(apiKey)
                .modelName(model)
                .maxRetries(0)
                .httpClientBuilder(new CascadeHttpClientBuilder()) // keeps the provider's Retry-After
                .timeout(Duration.ofSeconds(20));
        if (baseUrl != null && !baseUrl.isBlank()) {
            b.baseUrl(baseUrl);
        }
        return b.build();
    }
}
