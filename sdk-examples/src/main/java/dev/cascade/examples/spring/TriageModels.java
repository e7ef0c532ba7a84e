package dev.cascade.examples.spring;

import java.io.IOException;

import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The two Spring AI {@link OpenAiChatModel} beans the chain's model steps name in {@code application.yml}
 * ({@code model: advancedModel}, {@code model: cheapModel}), and the simulated provider they talk to by default.
 *
 * <p>The beans keep Spring AI's default of 3 client-side retries: Cascade's auto-configuration wraps every
 * {@code ChatModel} a step names with {@code SpringAiModelClient.wrap}, whose copy of the model has the OpenAI SDK's
 * retries off, so one Cascade attempt is one HTTP request and the step's {@code retry} settings are the only ones
 * (the tests count the requests). Other users of these beans keep Spring AI's retries.
 */
@Configuration(proxyBeanMethods = false)
class TriageModels {

    /** The local simulated OpenAI server; on unless {@code triage.simulator.enabled=false}. */
    @Bean(destroyMethod = "close")
    @ConditionalOnBooleanProperty(name = "triage.simulator.enabled", matchIfMissing = true)
    SimulatedOpenAiServer simulatedOpenAi(TriageProperties triage) throws IOException {
        TriageProperties.Simulator s = triage.simulator();
        return SimulatedOpenAiServer.start(triage.models().advanced(), s.advancedContextChars(), s.slowFor());
    }

    /** The simulator when it runs; else {@code spring.ai.openai.base-url} and {@code spring.ai.openai.api-key}. */
    @Bean
    OpenAiEndpoint openAiEndpoint(ObjectProvider<SimulatedOpenAiServer> simulator,
                                  @Value("${spring.ai.openai.base-url:}") String baseUrl,
                                  @Value("${spring.ai.openai.api-key:}") String apiKey) {
        SimulatedOpenAiServer sim = simulator.getIfAvailable();
        return sim != null ? OpenAiEndpoint.of(sim.baseUrl(), "sk-simulated") : OpenAiEndpoint.of(baseUrl, apiKey);
    }

    @Bean
    OpenAiChatModel advancedModel(OpenAiEndpoint endpoint, TriageProperties triage) {
        return openAi(endpoint, triage.models().advanced(), triage.models());
    }

    @Bean
    OpenAiChatModel cheapModel(OpenAiEndpoint endpoint, TriageProperties triage) {
        return openAi(endpoint, triage.models().cheap(), triage.models());
    }

    private static OpenAiChatModel openAi(OpenAiEndpoint endpoint, String model, TriageProperties.Models models) {
        return OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder()
                        .baseUrl(endpoint.baseUrl())
                        .apiKey(endpoint.apiKey())
                        .model(model)
                        .timeout(models.clientTimeout())
                        .build())
                .build();
    }
}
