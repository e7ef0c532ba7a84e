package dev.cascade.spring.ai;

import com.openai.client.OpenAIClient;
import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.event.Anomaly;
import dev.cascade.fixtures.Fault;
import dev.cascade.fixtures.FaultyProvider;
import dev.cascade.fixtures.KeepAliveServer;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.setup.OpenAiSetup;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.cascade.spring.ai.OpenAiModels.openAi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retries have one owner: what Spring AI 2.0.1's {@link OpenAiChatModel} does on its own (the {@code openai-java}
 * SDK's {@code RetryingHttpClient}, {@code maxRetries} 3 by default), how the adapter sees it, and how
 * {@link SpringAiModelClient#wrap} turns it off without touching the bean. Every count is of HTTP requests that
 * reached the {@link FaultyProvider}.
 *
 * <p>The faulty replies are 429s with {@code retry-after-ms: 0}, which the SDK honours, so its retries cost no time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpringAiClientRetriesTest {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final Fault RATE_LIMITED_NOW = Fault.rateLimited(Duration.ZERO);

    private FaultyProvider provider;
    private final List<Anomaly> anomalies = new CopyOnWriteArrayList<>();
    private final CascadeListener listener = new CascadeListener() {
        @Override
        public void onAnomaly(Anomaly event) {
            anomalies.add(event);
        }
    };

    @BeforeEach
    void start() {
        provider = new FaultyProvider().start();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    private Cascade<String, String> chain(String name, SpringAiModelClient client) {
        return Cascade.<String, String>builder(name)
                .prompt(t -> ModelRequest.of(t))
                .parse(ModelResponse::text)
                .model("advanced", client, s -> s.timeout(Duration.ofSeconds(10)).retry(r -> r.maxAttempts(1)))
                .rules("fallback", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .listener(listener)
                .build();
    }

    @Test
    void springAisDefaultRetriesTurnOneAttemptIntoFourRequestsAndAreWarnedAbout() {
        provider.script("gpt-advanced", RATE_LIMITED_NOW);
        OpenAiChatModel bean = openAi(provider, "gpt-advanced", null, CLIENT_TIMEOUT);

        SpringAiModelClient client = SpringAiModelClient.of(bean, null, null, listener);
        Outcome<String> out = chain("retrying", client).execute("hello");

        assertThat(client.clientRetries()).hasValue(OpenAiChatOptions.builder().build().getMaxRetries())
                .hasValue(3);
        assertThat(client.warnings()).hasSize(2);
        assertThat(client.warnings().get(0)).contains("openai/gpt-advanced", "maxRetries=3", "4 HTTP requests");
        assertThat(client.warnings().get(1)).contains("openai/gpt-advanced", "retryOnConnectionFailure",
                "2 HTTP requests");
        // The chain reports each warning once at build time.
        assertThat(anomalies).extracting(Anomaly::watcher)
                .containsExactlyInAnyOrder(SpringAiModelClient.CLIENT_RETRIES, "model-client", "model-client");
        assertThat(out.modelCalls()).as("Cascade made one attempt").isEqualTo(1);
        assertThat(out.answeredBy()).hasValue("fallback");
        assertThat(provider.requestCount("gpt-advanced")).as("but the SDK sent four requests").isEqualTo(4);
    }

    @Test
    void wrapTurnsTheSdkRetriesOffInACopyAndLeavesTheBeanAsItWas() {
        provider.script("gpt-advanced", RATE_LIMITED_NOW);
        OpenAiChatModel bean = openAi(provider, "gpt-advanced", null, CLIENT_TIMEOUT);

        SpringAiModelClient client = SpringAiModelClient.wrap(bean, null, null, listener);
        Outcome<String> out = chain("single", client).execute("hello");

        assertThat(client.chatModel()).isNotSameAs(bean).isInstanceOf(OpenAiChatModel.class);
        assertThat(client.clientRetries()).hasValue(0);
        assertThat(client.warnings()).isEmpty();
        assertThat(anomalies).isEmpty();
        assertThat(client.provider()).isEqualTo("openai");
        assertThat(client.model()).isEqualTo("gpt-advanced");
        assertThat(((OpenAiChatModel) client.chatModel()).getOptions().getMaxRetries()).isZero();
        assertThat(out.modelCalls()).isEqualTo(1);
        assertThat(provider.requestCount("gpt-advanced")).as("one attempt, one request").isEqualTo(1);

        // The bean keeps Spring AI's retries for its other users.
        assertThat(SpringAiClientRetries.detect(bean)).hasValue(3);
        provider.reset();
        provider.script("gpt-advanced", RATE_LIMITED_NOW);
        assertThatThrownBy(() -> bean.call(new Prompt("hello"))).isInstanceOf(RuntimeException.class);
        assertThat(provider.requestCount("gpt-advanced")).isEqualTo(4);
    }

    @Test
    void theCopyAnswersLikeTheBeanOverTheSameConfiguration() throws Exception {
        OpenAiChatModel bean = openAi(provider, "gpt-advanced", null, CLIENT_TIMEOUT);

        ChatModel copy = SpringAiClientRetries.disable(bean);
        ModelResponse r = SpringAiModelClient.of(copy).call(ModelRequest.of("Be brief.", "hello"));

        assertThat(r.text()).isEqualTo("answer from gpt-advanced");
        assertThat(r.model()).isEqualTo(FaultyProvider.servedModel("gpt-advanced"));
        FaultyProvider.RecordedCall call = provider.requests("gpt-advanced").get(0);
        assertThat(call.header("authorization")).as("the bean's API key").isEqualTo("Bearer sk-test");
        assertThat(call.header("x-stainless-retry-count")).isEqualTo("0");
    }

    @Test
    void aModelBuiltWithoutSdkRetriesIsStillCopiedToTurnOffOkHttpsConnectionRetry() {
        provider.script("gpt-advanced", RATE_LIMITED_NOW);
        OpenAiChatModel bean = openAi(provider, "gpt-advanced", 0, CLIENT_TIMEOUT);

        SpringAiModelClient client = SpringAiModelClient.wrap(bean, null, null, listener);
        chain("zero", client).execute("hello");

        assertThat(client.chatModel()).isNotSameAs(bean);
        assertThat(SpringAiClientRetries.connectionRetries(bean)).contains(true);
        assertThat(SpringAiClientRetries.connectionRetries(client.chatModel())).contains(false);
        // Wrapping the copy again changes nothing: it already sends one request per call.
        assertThat(SpringAiClientRetries.disable(client.chatModel())).isSameAs(client.chatModel());
        assertThat(client.clientRetries()).hasValue(0);
        assertThat(client.warnings()).isEmpty();
        assertThat(anomalies).isEmpty();
        assertThat(provider.requestCount("gpt-advanced")).isEqualTo(1);
    }

    /**
     * A model built over its own SDK client: the options say no retries, the client does retry. The adapter reads the
     * client, not the options, and {@code wrap} still makes one request per attempt.
     */
    @Test
    void theRetriesOfAModelsOwnClientAreReadFromTheClientNotTheOptions() {
        provider.script("gpt-advanced", RATE_LIMITED_NOW);
        OpenAIClient retryingClient = OpenAiSetup.setupSyncClient(provider.baseUrl(FaultyProvider.Api.OPENAI),
                "sk-test", null, null, null, null, false, false, "gpt-advanced", CLIENT_TIMEOUT, 2, null, null,
                ObservationRegistry.NOOP, null, List.of());
        OpenAiChatModel bean = OpenAiChatModel.builder()
                .openAiClient(retryingClient)
                .options(OpenAiChatOptions.builder().baseUrl(provider.baseUrl(FaultyProvider.Api.OPENAI))
                        .apiKey("sk-test").model("gpt-advanced").maxRetries(0).build())
                .build();

        assertThat(SpringAiClientRetries.detect(bean)).hasValue(2);
        SpringAiModelClient client = SpringAiModelClient.wrap(bean, null, null, listener);
        chain("own-client", client).execute("hello");

        assertThat(client.clientRetries()).hasValue(0);
        assertThat(provider.requestCount("gpt-advanced")).isEqualTo(1);
    }

    // ---- OkHttp's retryOnConnectionFailure on a warm connection (issue 16, item 6)

    /**
     * Request 1 is answered on a keep-alive connection; request 2, sent on that warm connection, is dropped before any
     * response byte; any later request (a hidden re-send) is answered.
     */
    private static KeepAliveServer warmThenDropped() throws Exception {
        return new KeepAliveServer(n -> n == 2 ? KeepAliveServer.DROP
                : KeepAliveServer.openAiAnswer("gpt-warm", "warm answer"));
    }

    private static OpenAiChatModel warmModel(KeepAliveServer server) {
        return OpenAiChatModel.builder().options(OpenAiChatOptions.builder().baseUrl(server.baseUrl() + "/v1")
                .apiKey("sk-test").model("gpt-warm").maxRetries(0).timeout(CLIENT_TIMEOUT).build()).build();
    }

    @Test
    void wrapSendsOneRequestPerAttemptWhenAWarmConnectionIsDroppedBeforeAnyResponseByte() throws Exception {
        try (KeepAliveServer server = warmThenDropped()) {
            SpringAiModelClient client = SpringAiModelClient.wrap(warmModel(server), null, null, listener);
            Cascade<String, String> chain = chain("warm", client);

            assertThat(chain.execute("first").answeredBy()).hasValue("advanced");
            Outcome<String> second = chain.execute("second");

            assertThat(server.requests()).as("one request for the healthy call, one for the dropped attempt")
                    .isEqualTo(2);
            assertThat(server.received().get(1).connection()).as("sent on the warm connection").isEqualTo(1);
            assertThat(second.modelCalls()).isEqualTo(1);
            assertThat(second.attempts().get(0).failure()).isEqualTo(FailureKind.UNAVAILABLE);
            assertThat(second.answeredBy()).hasValue("fallback");
            assertThat(client.warnings()).isEmpty();
        }
    }

    @Test
    void unwrappedSpringAiResendsTheRequestOnANewConnectionAndIsWarnedAbout() throws Exception {
        try (KeepAliveServer server = warmThenDropped()) {
            SpringAiModelClient client = SpringAiModelClient.of(warmModel(server));
            Cascade<String, String> chain = chain("resending", client);

            chain.execute("first");
            Outcome<String> second = chain.execute("second");

            // What wrap prevents: Spring AI 2.0.1's OkHttp client re-sent the POST; the attempt looked healthy.
            assertThat(second.answeredBy()).hasValue("advanced");
            assertThat(second.modelCalls()).isEqualTo(1);
            assertThat(server.requests()).isEqualTo(3);
            assertThat(server.received().get(2).connection()).isEqualTo(2);
            assertThat(client.warnings()).singleElement().asString().contains("retryOnConnectionFailure");
        }
    }
}
