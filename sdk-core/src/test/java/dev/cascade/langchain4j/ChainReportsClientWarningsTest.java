package dev.cascade.langchain4j;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.event.Anomaly;
import dev.cascade.spi.CascadeListener;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A chain tells its own listeners, when it is built, that a wrapped client retries on its own. */
class ChainReportsClientWarningsTest {

    private static List<Anomaly> build(OpenAiChatModel model) {
        List<Anomaly> anomalies = new CopyOnWriteArrayList<>();
        Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", LangChain4jModelClient.of(model))
                .listener(new CascadeListener() {
                    @Override
                    public void onAnomaly(Anomaly event) {
                        anomalies.add(event);
                    }
                })
                .build();
        return anomalies;
    }

    @Test
    void aClientThatRetriesOnItsOwnIsReportedToTheChainsListeners() {
        List<Anomaly> anomalies = build(OpenAiChatModel.builder().apiKey("k").modelName("gpt-4o").maxRetries(2)
                .build());

        assertThat(anomalies).singleElement().satisfies(a -> {
            assertThat(a.watcher()).isEqualTo("model-client");
            assertThat(a.subject()).isEqualTo("triage/advanced");
            assertThat(a.message()).contains("maxRetries=2").contains(".maxRetries(0)");
        });
    }

    @Test
    void aClientWithRetriesOffIsNotReported() {
        assertThat(build(OpenAiChatModel.builder().apiKey("k").modelName("gpt-4o").maxRetries(0).build())).isEmpty();
    }
}
