package dev.cascade.spring.ai;

import dev.cascade.api.ModelRequest;
import dev.cascade.fixtures.FaultyProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Warm-up of the Spring AI adapter: prepares the mapping and classifier, sends nothing, and the client still works. */
class SpringAiWarmUpTest {

    @Test
    void warmUpSendsNoRequestAndTheFirstCallStillWorks() throws Exception {
        try (FaultyProvider provider = new FaultyProvider().start()) {
            SpringAiModelClient client = SpringAiModelClient.wrap(
                    OpenAiModels.openAi(provider, "gpt-advanced", 0, Duration.ofSeconds(10)));

            client.warmUp();
            client.warmUp(); // may be called again

            assertThat(provider.requestCount()).as("a warm-up is never a billed request").isZero();
            assertThat(client.call(ModelRequest.of("hello")).usage().outputTokens())
                    .isEqualTo(FaultyProvider.OUTPUT_TOKENS);
            assertThat(provider.requestCount()).isEqualTo(1);
        }
    }
}
