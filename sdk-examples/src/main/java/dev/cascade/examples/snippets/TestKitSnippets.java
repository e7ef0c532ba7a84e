package dev.cascade.examples.snippets;

import java.time.Duration;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.langchain4j.CascadeHttpClientBuilder;
import dev.cascade.langchain4j.LangChain4jModelClient;
import dev.cascade.testing.Fault;
import dev.cascade.testing.FaultyProvider;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/** Snippets of README.md and docs/testing.md (the test kit, cascade-test). Compiled, never run. */
final class TestKitSnippets {
    private TestKitSnippets() {
    }

    static Outcome<String> testKit() {
        // tag::test-kit[]
        VirtualTime time = new VirtualTime();                     // backoffs and Retry-After waits take no real time
        try (FaultyProvider provider = new FaultyProvider().start()) {
            provider.script("gpt-4o", Fault.rateLimited(Duration.ofSeconds(2)), Fault.SERVER_500); // then 500s
            ChatModel gpt4o = OpenAiChatModel.builder().baseUrl(provider.openAiBaseUrl()).apiKey("test")
                    .modelName("gpt-4o").maxRetries(0).httpClientBuilder(new CascadeHttpClientBuilder()).build();
            Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                    .prompt(ModelRequest::of).parse(ModelResponse::text).timeSource(time)
                    .model("advanced", LangChain4jModelClient.of(gpt4o), s -> s.retry(r -> r.maxAttempts(2)))
                    .model("cheap", ScriptedModel.answering("gpt-4o-mini", "billing"))
                    .build();
            Outcome<String> out = chain.execute("I was charged twice");
            // out.answeredBy() is "cheap"; provider.requestCount("gpt-4o") is 2; time.sleeps() holds the 2 s wait
            return out;
        }
        // end::test-kit[]
    }
}
