package dev.cascade.langchain4j;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.fixtures.KeepAliveServer;
import dev.cascade.rules.RuleSet;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real LangChain4j OpenAI client against a raw loopback server that misbehaves on the wire: an error object under
 * HTTP 200 (issue 16, item 7), and a warm keep-alive connection closed before any response byte (item 6: one
 * request per attempt, no hidden re-send). Run over LangChain4j's own JDK transport and over
 * {@link CascadeHttpClientBuilder}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProviderFaultsOnTheWireTest {

    enum Transport {
        LANGCHAIN4J_DEFAULT(null),
        CASCADE(new CascadeHttpClientBuilder());

        final HttpClientBuilder builder;

        Transport(HttpClientBuilder builder) {
            this.builder = builder;
        }
    }

    private static final String SERVER_ERROR_BODY = "{\"error\":{\"message\":\"The server had an error while"
            + " processing your request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";

    private static final String ANTHROPIC_ERROR_BODY = "{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
            + "\"message\":\"Internal server error\"}}";

    private static ChatModel anthropic(KeepAliveServer server, Transport transport) {
        AnthropicChatModel.AnthropicChatModelBuilder b = AnthropicChatModel.builder().baseUrl(server.baseUrl() + "/v1")
                .apiKey("sk-test").modelName("claude-3-5-haiku-latest").maxRetries(0).timeout(Duration.ofSeconds(5));
        if (transport.builder != null) {
            b.httpClientBuilder(transport.builder);
        }
        return b.build();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anAnthropicErrorObjectUnderHttp200IsAProviderFailureWithAReadableReason(Transport transport)
            throws Exception {
        try (KeepAliveServer server = new KeepAliveServer(n -> new KeepAliveServer.Reply(200, ANTHROPIC_ERROR_BODY))) {
            Outcome<String> out = chain(anthropic(server, transport)).execute("hello");

            Attempt attempt = out.attempts().get(0);
            assertThat(attempt.failure()).isEqualTo(FailureKind.UNAVAILABLE);
            assertThat(attempt.reason()).doesNotContain("NullPointerException:", "Cannot invoke", "because")
                    .contains("provider returned HTTP 200 with an error body");
            if (transport == Transport.CASCADE) {
                assertThat(attempt.reason()).contains("(api_error)", "Internal server error");
            }
            assertThat(out.answeredBy()).hasValue("fallback");
        }
    }

    private static ChatModel openAi(KeepAliveServer server, Transport transport) {
        OpenAiChatModel.OpenAiChatModelBuilder b = OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1")
                .apiKey("sk-test").modelName("gpt-4o-mini").maxRetries(0).timeout(Duration.ofSeconds(5));
        if (transport.builder != null) {
            b.httpClientBuilder(transport.builder);
        }
        return b.build();
    }

    private static Cascade<String, String> chain(ChatModel model) {
        return Cascade.<String, String>builder("wire")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("model", LangChain4jModelClient.of(model, "openai", "gpt-4o-mini"),
                        s -> s.timeout(Duration.ofSeconds(10)).retry(r -> r.maxAttempts(1)))
                .rules("fallback", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .build();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anErrorObjectUnderHttp200IsAProviderFailureWithAReadableReasonNotTheNullPointerText(Transport transport)
            throws Exception {
        try (KeepAliveServer server = new KeepAliveServer(n -> new KeepAliveServer.Reply(200, SERVER_ERROR_BODY))) {
            Outcome<String> out = chain(openAi(server, transport)).execute("hello");

            Attempt attempt = out.attempts().get(0);
            assertThat(attempt.failure()).isEqualTo(FailureKind.UNAVAILABLE);
            assertThat(attempt.reason()).doesNotContain("NullPointerException:", "Cannot invoke", "because");
            if (transport == Transport.LANGCHAIN4J_DEFAULT) {
                // LangChain4j's OpenAI client names this case itself.
                assertThat(attempt.reason()).contains("no choices returned in response");
            } else {
                // The body is reachable through Cascade's transport: the provider's own words.
                assertThat(attempt.reason()).contains("(server_error)", "The server had an error");
            }
            assertThat(out.answeredBy()).hasValue("fallback");
            assertThat(server.requests()).isEqualTo(1);
        }
    }

    /** Some OpenAI-compatible gateways send {@code "error": null} first in a successful answer: not an error body. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aNullErrorMemberInASuccessfulAnswerIsNotAnErrorBody(Transport transport) throws Exception {
        String body = "{\"error\" :  null, \"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"hello back\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";
        try (KeepAliveServer server = new KeepAliveServer(n -> new KeepAliveServer.Reply(200, body))) {
            Outcome<String> out = chain(openAi(server, transport)).execute("hello");

            assertThat(out.answeredBy()).hasValue("model");
            assertThat(out.answer()).hasValue("hello back");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aWarmConnectionDroppedBeforeAnyResponseByteIsOneRequestAndOneFailedAttempt(Transport transport)
            throws Exception {
        try (KeepAliveServer server = new KeepAliveServer(n -> n == 2 ? KeepAliveServer.DROP
                : KeepAliveServer.openAiAnswer("gpt-4o-mini", "warm answer"))) {
            Cascade<String, String> chain = chain(openAi(server, transport));

            assertThat(chain.execute("first").answeredBy()).hasValue("model");
            Outcome<String> second = chain.execute("second");

            assertThat(server.requests()).as("the JDK client does not re-send a POST").isEqualTo(2);
            assertThat(server.received().get(1).connection()).as("sent on the warm connection").isEqualTo(1);
            assertThat(second.attempts().get(0).failure()).isEqualTo(FailureKind.UNAVAILABLE);
            assertThat(second.answeredBy()).hasValue("fallback");
        }
    }
}
