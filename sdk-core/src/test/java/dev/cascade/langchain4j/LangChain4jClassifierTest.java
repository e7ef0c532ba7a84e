package dev.cascade.langchain4j;

import dev.cascade.api.FailureKind;
import dev.cascade.spi.FailureClassifier.Classification;
import dev.cascade.spi.ModelCallException;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.ExceptionMapper;
import dev.langchain4j.model.ModelDisabledException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every mapping of {@link LangChain4jClassifier}, on exceptions built exactly as LangChain4j 1.19 builds them: HTTP
 * errors go through LangChain4j's own {@code ExceptionMapper.DEFAULT} (what its OpenAI and Anthropic chat models use),
 * transport failures are wrapped the way its JDK HTTP client wraps them.
 */
class LangChain4jClassifierTest {

    private static final LangChain4jClassifier CLASSIFIER = LangChain4jClassifier.instance();

    /** What an OpenAI or Anthropic chat model throws for this HTTP status and body. */
    private static RuntimeException http(int status, String body) {
        return ExceptionMapper.DEFAULT.mapException(new HttpException(status, body));
    }

    private static String openAiError(String type, String code, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    private static String anthropicError(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    static Stream<Arguments> httpFailures() {
        return Stream.of(
                arguments("429 rate limit", http(429, openAiError("requests", "rate_limit_exceeded",
                        "Rate limit reached for gpt-4o on requests per min (RPM)")), FailureKind.RATE_LIMITED),
                arguments("429 insufficient_quota", http(429, openAiError("insufficient_quota", "insufficient_quota",
                        "You exceeded your current quota, please check your plan and billing details.")),
                        FailureKind.QUOTA_EXHAUSTED),
                arguments("429 billing hard limit", http(429, openAiError("insufficient_quota",
                        "billing_hard_limit_reached", "Billing hard limit has been reached")),
                        FailureKind.QUOTA_EXHAUSTED),
                arguments("Anthropic 429", http(429, anthropicError("rate_limit_error",
                        "Number of request tokens has exceeded your per-minute rate limit")), FailureKind.RATE_LIMITED),
                arguments("401", http(401, openAiError("invalid_request_error", "invalid_api_key",
                        "Incorrect API key provided")), FailureKind.AUTH),
                arguments("403", http(403, anthropicError("permission_error",
                        "Your API key does not have permission to use the specified resource.")), FailureKind.AUTH),
                arguments("402", http(402, "{\"error\":{\"message\":\"Payment required\"}}"),
                        FailureKind.QUOTA_EXHAUSTED),
                arguments("404 model not found", http(404, openAiError("invalid_request_error", "model_not_found",
                        "The model `gpt-9` does not exist or you do not have access to it.")),
                        FailureKind.UNAVAILABLE),
                arguments("408", http(408, "Request Timeout"), FailureKind.TIMEOUT),
                arguments("413", http(413, anthropicError("request_too_large", "Request exceeds the maximum size")),
                        FailureKind.CONTEXT_TOO_LONG),
                arguments("400 context_length_exceeded", http(400, openAiError("invalid_request_error",
                        "context_length_exceeded", "This model's maximum context length is 128000 tokens. However, "
                                + "your messages resulted in 130512 tokens. Please reduce the length of the messages.")),
                        FailureKind.CONTEXT_TOO_LONG),
                arguments("400 maximum context length, no code", http(400, openAiError("invalid_request_error", null,
                        "This model's maximum context length is 8192 tokens")), FailureKind.CONTEXT_TOO_LONG),
                arguments("Anthropic 400 prompt is too long", http(400, anthropicError("invalid_request_error",
                        "prompt is too long: 208437 tokens > 200000 maximum")), FailureKind.CONTEXT_TOO_LONG),
                arguments("Anthropic 400 exceed context limit", http(400, anthropicError("invalid_request_error",
                        "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000")),
                        FailureKind.CONTEXT_TOO_LONG),
                arguments("Anthropic 400 credit balance", http(400, anthropicError("invalid_request_error",
                        "Your credit balance is too low to access the Anthropic API.")), FailureKind.QUOTA_EXHAUSTED),
                arguments("400 content filter (Azure)", http(400, openAiError("invalid_request_error",
                        "content_filter", "The response was filtered due to the prompt triggering Azure OpenAI's "
                                + "content management policy.")), FailureKind.CONTENT_FILTERED),
                arguments("400 other", http(400, openAiError("invalid_request_error", null,
                        "max_tokens is too large: 50000. This model supports at most 16384 completion tokens")),
                        FailureKind.INVALID_REQUEST),
                arguments("422", http(422, "{\"detail\":\"unprocessable\"}"), FailureKind.INVALID_REQUEST),
                arguments("409", http(409, "conflict"), FailureKind.INVALID_REQUEST),
                arguments("500", http(500, openAiError("server_error", null, "The server had an error")),
                        FailureKind.UNAVAILABLE),
                arguments("502", http(502, "<html>Bad Gateway</html>"), FailureKind.UNAVAILABLE),
                arguments("503", http(503, "Service Unavailable"), FailureKind.UNAVAILABLE),
                arguments("504", http(504, "Gateway Timeout"), FailureKind.UNAVAILABLE),
                arguments("Anthropic 529 overloaded", http(529, anthropicError("overloaded_error", "Overloaded")),
                        FailureKind.UNAVAILABLE));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("httpFailures")
    void httpFailuresMapByStatusAndBody(String name, RuntimeException thrown, FailureKind expected) {
        assertThat(thrown.getCause()).isInstanceOf(HttpException.class); // as LangChain4j builds them
        assertThat(CLASSIFIER.classify(thrown).kind()).isEqualTo(expected);
        // Wrapped once more (a user's decorator, a CompletionException): still found through the cause chain.
        assertThat(CLASSIFIER.classify(new RuntimeException("wrapped", thrown)).kind()).isEqualTo(expected);
    }

    @Test
    void langChain4jMapsStatusesToTheTypesTheClassifierAlsoKnows() {
        assertThat(http(429, "x")).isInstanceOf(RateLimitException.class);
        assertThat(http(529, "x")).isInstanceOf(InternalServerException.class);
        assertThat(http(401, "x")).isInstanceOf(AuthenticationException.class);
        assertThat(http(404, "x")).isInstanceOf(ModelNotFoundException.class);
        assertThat(http(408, "x")).isInstanceOf(TimeoutException.class);
        assertThat(http(400, "x")).isInstanceOf(InvalidRequestException.class);
    }

    static Stream<Arguments> typedFailures() {
        return Stream.of(
                arguments("RateLimitException", new RateLimitException("slow down"), FailureKind.RATE_LIMITED),
                arguments("RateLimitException insufficient_quota",
                        new RateLimitException("insufficient_quota: You exceeded your current quota"),
                        FailureKind.QUOTA_EXHAUSTED),
                arguments("InternalServerException", new InternalServerException("boom"), FailureKind.UNAVAILABLE),
                arguments("InternalServerException no choices (OpenAI 200 with an error body)",
                        new InternalServerException("Chat completion failed: no choices returned in response"),
                        FailureKind.UNAVAILABLE),
                arguments("TimeoutException", new TimeoutException(new HttpTimeoutException("request timed out")),
                        FailureKind.TIMEOUT),
                arguments("AuthenticationException", new AuthenticationException("bad key"), FailureKind.AUTH),
                arguments("ModelNotFoundException", new ModelNotFoundException("no such model"),
                        FailureKind.UNAVAILABLE),
                arguments("InvalidRequestException", new InvalidRequestException("bad"), FailureKind.INVALID_REQUEST),
                arguments("InvalidRequestException context", new InvalidRequestException(
                        "This model's maximum context length is 4096 tokens"), FailureKind.CONTEXT_TOO_LONG),
                arguments("ContentFilteredException", new ContentFilteredException("blocked by safety settings"),
                        FailureKind.CONTENT_FILTERED),
                arguments("ContentFilteredException around a 400", new ContentFilteredException(
                        new HttpException(400, "{\"error\":{\"message\":\"blocked\"}}")), FailureKind.CONTENT_FILTERED),
                arguments("UnresolvedModelServerException (unknown host)",
                        new UnresolvedModelServerException(new UnresolvedAddressException()), FailureKind.UNAVAILABLE),
                arguments("ModelDisabledException", new ModelDisabledException("disabled"), FailureKind.UNAVAILABLE),
                arguments("UnsupportedFeatureException", new UnsupportedFeatureException("topK is not supported"),
                        FailureKind.UNAVAILABLE),
                // The JDK transport: IOException and InterruptedException wrapped in a bare RuntimeException.
                arguments("connection refused", new RuntimeException(new ConnectException()), FailureKind.UNAVAILABLE),
                arguments("connection refused, JDK chain", new RuntimeException(chain(new ConnectException(),
                        new ConnectException(), new ClosedChannelException())), FailureKind.UNAVAILABLE),
                arguments("connection reset", new RuntimeException(chain(
                        new IOException("HTTP/1.1 header parser received no bytes"),
                        new SocketException("Connection reset"))), FailureKind.UNAVAILABLE),
                arguments("socket timeout", new RuntimeException(new SocketTimeoutException("Read timed out")),
                        FailureKind.TIMEOUT),
                arguments("OkHttp call timeout", new RuntimeException(new InterruptedIOException("timeout")),
                        FailureKind.TIMEOUT),
                arguments("JDK request timeout", new TimeoutException(new HttpTimeoutException("request timed out")),
                        FailureKind.TIMEOUT),
                arguments("j.u.c. TimeoutException", new RuntimeException(new java.util.concurrent.TimeoutException()),
                        FailureKind.TIMEOUT),
                arguments("malformed JSON (Jackson)", new RuntimeException(new com.fasterxml.jackson.core
                        .JsonParseException(null, "Unexpected end-of-input")), FailureKind.UNAVAILABLE),
                arguments("a LangChain4j retry's give-up wrapper", new LangChain4jException(
                        new RuntimeException(new ConnectException())), FailureKind.UNAVAILABLE));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("typedFailures")
    void typedAndTransportFailures(String name, Throwable thrown, FailureKind expected) {
        assertThat(CLASSIFIER.classify(thrown).kind()).isEqualTo(expected);
    }

    @Test
    void interruptionsAndUnknownExceptionsAreLeftToTheChain() {
        // What LangChain4j throws when Cascade's attempt timeout (or a cancel) interrupts the call.
        RuntimeException interrupted = new RuntimeException("Interrupted during action execution",
                new RuntimeException(new InterruptedException()));
        assertThat(CLASSIFIER.classify(interrupted)).isNull();
        assertThat(CLASSIFIER.classify(new RuntimeException(new InterruptedIOException("Canceled")))).isNull();
        assertThat(CLASSIFIER.classify(new IllegalStateException("not LangChain4j's"))).isNull();
        assertThat(CLASSIFIER.classify(new NullPointerException())).isNull();
    }

    @Test
    void modelCallExceptionsKeepTheirKind() {
        Classification c = CLASSIFIER.classify(ModelCallException.rateLimited("429", Duration.ofSeconds(3)));
        assertThat(c).isEqualTo(new Classification(FailureKind.RATE_LIMITED, Duration.ofSeconds(3)));
    }

    @Test
    void retryAfterIsNotReachableThroughTheExceptionsButAWaitStatedInTheMessageIs() {
        // LangChain4j's HttpException has no headers: a plain 429 has no Retry-After.
        assertThat(CLASSIFIER.classify(http(429, openAiError("requests", "rate_limit_exceeded", "Slow down")))
                .retryAfter()).isNull();
        assertThat(CLASSIFIER.classify(http(429, openAiError("tokens", "rate_limit_exceeded",
                "Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000, Used 29900, Requested 500. "
                        + "Please try again in 1.2s."))).retryAfter()).isEqualTo(Duration.ofMillis(1200));
        assertThat(CLASSIFIER.classify(http(429, openAiError("requests", "rate_limit_exceeded",
                "Please try again in 350ms."))).retryAfter()).isEqualTo(Duration.ofMillis(350));
        assertThat(CLASSIFIER.classify(http(429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests have exceeded "
                + "the call rate limit. Please retry after 20 seconds.\"}}")).retryAfter())
                .isEqualTo(Duration.ofSeconds(20));
        // Only for kinds that are retried: a quota message's wait is no reason to wait.
        assertThat(CLASSIFIER.classify(http(400, openAiError("invalid_request_error", null,
                "bad request, try again in 5s"))).retryAfter()).isNull();
    }

    @Test
    void httpStatusIsReadThroughTheCauseChain() {
        assertThat(LangChain4jClassifier.httpStatus(http(503, "x"))).hasValue(503);
        assertThat(LangChain4jClassifier.httpStatus(new RuntimeException(new ConnectException()))).isEmpty();
    }

    @Test
    void summariesNameTheStatusTheErrorCodeAndTheProviderMessage() {
        assertThat(LangChain4jClassifier.verdict(http(429, openAiError("insufficient_quota", "insufficient_quota",
                "You exceeded your current quota"))).summary())
                .isEqualTo("HTTP 429 (insufficient_quota): You exceeded your current quota");
        assertThat(LangChain4jClassifier.verdict(http(529, anthropicError("overloaded_error", "Overloaded")))
                .summary()).isEqualTo("HTTP 529 (overloaded_error): Overloaded");
        assertThat(LangChain4jClassifier.verdict(new RuntimeException(chain(
                new IOException("HTTP/1.1 header parser received no bytes"), new SocketException("Connection reset"))))
                .summary()).isEqualTo("IOException: HTTP/1.1 header parser received no bytes "
                        + "(SocketException: Connection reset)");
        assertThat(LangChain4jClassifier.verdict(http(502, "x".repeat(1000))).summary()).hasSizeLessThan(320);
    }

    @Test
    void aCyclicCauseChainDoesNotHang() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(CLASSIFIER.classify(a)).isNull();
    }

    /** {@code first}, caused by each next one in turn. */
    private static Throwable chain(Throwable first, Throwable... causes) {
        Throwable t = first;
        for (Throwable c : causes) {
            t.initCause(c);
            t = c;
        }
        return first;
    }
}
