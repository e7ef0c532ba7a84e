package dev.cascade.langchain4j;

import dev.cascade.api.ModelRequest;
import dev.cascade.fixtures.FaultyProvider;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Warm-up of the LangChain4j adapter: prepares the mapping and classifier, sends nothing, and the client still works. */
class LangChain4jWarmUpTest {

    @Test
    void warmUpSendsNoRequestAndTheFirstCallStillWorks() throws Exception {
        try (FaultyProvider provider = new FaultyProvider().start()) {
            LangChain4jModelClient client = LangChain4jModelClient.of(OpenAiChatModel.builder()
                    .baseUrl(provider.baseUrl(FaultyProvider.Api.OPENAI))
                    .apiKey("test").modelName("gpt-advanced").maxRetries(0).build());

            client.warmUp();
            client.warmUp(); // may be called again

            assertThat(provider.requestCount()).as("a warm-up is never a billed request").isZero();
            assertThat(client.call(ModelRequest.of("hello")).usage().outputTokens())
                    .isEqualTo(FaultyProvider.OUTPUT_TOKENS);
            assertThat(provider.requestCount()).isEqualTo(1);
        }
    }
}
