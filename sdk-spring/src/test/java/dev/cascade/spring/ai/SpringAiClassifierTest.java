package dev.cascade.spring.ai;

import com.fasterxml.jackson.core.io.JsonEOFException;
import com.openai.core.http.Headers;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIRetryableException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.errors.UnprocessableEntityException;
import com.openai.models.ErrorObject;
import dev.cascade.api.FailureKind;
import dev.cascade.spi.FailureClassifier.Classification;
import dev.cascade.spi.ModelCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every mapping of {@link SpringAiClassifier}, on exceptions built the way Spring AI 2.0.1's stacks build them: the
 * {@code openai-java} 4.49 SDK's typed exceptions through their own builders (as its {@code ErrorHandler} makes them,
 * headers included), transport failures wrapped as Spring AI's OkHttp client wraps them
 * ({@code OpenAIIoException("Request failed", cause)}) and as the SDK's JSON handler wraps a bad body
 * ({@code OpenAIInvalidDataException("Error reading response", cause)}), Spring's {@code RestClient} exceptions
 * through their factories, and {@code spring-ai-retry}'s exceptions with the message its default error handler
 * writes ({@code "<status> - <body>"}).
 */
class SpringAiClassifierTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final SpringAiClassifier CLASSIFIER = new SpringAiClassifier(Clock.fixed(NOW, ZoneOffset.UTC));

    private static ErrorObject error(String type, String code, String message) {
        return ErrorObject.builder().type(type).code(code).message(message).param((String) null).build();
    }

    private static Headers headers(String... nameValues) {
        Headers.Builder b = Headers.builder();
        for (int i = 0; i < nameValues.length; i += 2) {
            b.put(nameValues[i], nameValues[i + 1]);
        }
        return b.build();
    }

    private static String openAiBody(String type, String code, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    private static RestClientResponseException restClient(HttpStatus status, String body, HttpHeaders headers) {
        return HttpClientErrorException.create(status, status.getReasonPhrase(), headers,
                body.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    static Stream<Arguments> mappings() {
        return Stream.of(
                // ---- openai-java (Spring AI's OpenAI module): the typed exceptions of its ErrorHandler
                arguments("openai 429 rate_limit_exceeded", RateLimitException.builder()
                        .headers(headers("Retry-After", "1", "retry-after-ms", "1000"))
                        .error(error("requests", "rate_limit_exceeded", "Rate limit reached for requests")).build(),
                        FailureKind.RATE_LIMITED),
                arguments("openai 429 insufficient_quota", RateLimitException.builder().headers(headers())
                        .error(error("insufficient_quota", "insufficient_quota", "You exceeded your current quota,"
                                + " please check your plan and billing details.")).build(),
                        FailureKind.QUOTA_EXHAUSTED),
                arguments("openai 400 context_length_exceeded", BadRequestException.builder().headers(headers())
                        .error(error("invalid_request_error", "context_length_exceeded", "This model's maximum"
                                + " context length is 128000 tokens.")).build(), FailureKind.CONTEXT_TOO_LONG),
                arguments("openai 400 content_policy_violation", BadRequestException.builder().headers(headers())
                        .error(error("invalid_request_error", "content_policy_violation", "Your request was"
                                + " rejected as a result of our safety system.")).build(),
                        FailureKind.CONTENT_FILTERED),
                arguments("openai 400 invalid_value", BadRequestException.builder().headers(headers())
                        .error(error("invalid_request_error", "invalid_value", "Invalid value for 'temperature'"))
                        .build(), FailureKind.INVALID_REQUEST),
                arguments("openai 400 without an error body", BadRequestException.builder().headers(headers())
                        .build(), FailureKind.INVALID_REQUEST),
                arguments("openai 422", UnprocessableEntityException.builder().headers(headers())
                        .error(error("invalid_request_error", null, "Unprocessable")).build(),
                        FailureKind.INVALID_REQUEST),
                arguments("openai 401", UnauthorizedException.builder().headers(headers())
                        .error(error("invalid_request_error", "invalid_api_key", "Incorrect API key provided"))
                        .build(), FailureKind.AUTH),
                arguments("openai 403", PermissionDeniedException.builder().headers(headers())
                        .error(error("invalid_request_error", "unsupported_country_region_territory", "Country not"
                                + " supported")).build(), FailureKind.AUTH),
                arguments("openai 404 model_not_found", NotFoundException.builder().headers(headers())
                        .error(error("invalid_request_error", "model_not_found", "The model `x` does not exist"))
                        .build(), FailureKind.UNAVAILABLE),
                arguments("openai 500", InternalServerException.builder().statusCode(500).headers(headers())
                        .error(error("server_error", null, "The server had an error")).build(),
                        FailureKind.UNAVAILABLE),
                arguments("openai 503", InternalServerException.builder().statusCode(503).headers(headers())
                        .build(), FailureKind.UNAVAILABLE),
                arguments("openai 529 overloaded", InternalServerException.builder().statusCode(529)
                        .headers(headers()).error(error("server_error", null, "The server is overloaded")).build(),
                        FailureKind.UNAVAILABLE),
                arguments("openai 402 (unexpected status)", UnexpectedStatusCodeException.builder().statusCode(402)
                        .headers(headers()).build(), FailureKind.QUOTA_EXHAUSTED),
                arguments("openai 408 (unexpected status)", UnexpectedStatusCodeException.builder().statusCode(408)
                        .headers(headers()).build(), FailureKind.TIMEOUT),
                arguments("openai 413 (unexpected status)", UnexpectedStatusCodeException.builder().statusCode(413)
                        .headers(headers()).build(), FailureKind.CONTEXT_TOO_LONG),
                arguments("openai 409 (unexpected status)", UnexpectedStatusCodeException.builder().statusCode(409)
                        .headers(headers()).build(), FailureKind.INVALID_REQUEST),
                // ---- transport, as SpringAiOpenAiHttpClient and the SDK's handlers wrap it
                arguments("OkHttp call timeout", new OpenAIIoException("Request failed",
                        new InterruptedIOException("timeout")), FailureKind.TIMEOUT),
                arguments("socket read timeout", new OpenAIIoException("Request failed",
                        new SocketTimeoutException("Read timed out")), FailureKind.TIMEOUT),
                arguments("body stalls while Jackson reads it", new OpenAIInvalidDataException("Error reading"
                        + " response", new InterruptedIOException("timeout")), FailureKind.TIMEOUT),
                arguments("connection reset", new OpenAIIoException("Request failed",
                        new SocketException("Connection reset")), FailureKind.UNAVAILABLE),
                arguments("connection refused", new OpenAIIoException("Request failed",
                        new ConnectException("Failed to connect to /127.0.0.1:1")), FailureKind.UNAVAILABLE),
                arguments("unknown host", new OpenAIIoException("Request failed",
                        new UnknownHostException("api.example.invalid")), FailureKind.UNAVAILABLE),
                arguments("EOF before the response", new OpenAIIoException("Request failed",
                        new IOException("unexpected end of stream")), FailureKind.UNAVAILABLE),
                arguments("malformed JSON", new OpenAIInvalidDataException("Error reading response",
                        new JsonEOFException(null, null, "Unexpected end-of-input")), FailureKind.UNAVAILABLE),
                arguments("error object inside a 200", new OpenAIInvalidDataException("`choices` is not set"),
                        FailureKind.UNAVAILABLE),
                arguments("SDK-transient", new OpenAIRetryableException("retry me"), FailureKind.UNAVAILABLE),
                arguments("Jackson 3 outside the SDK", new tools.jackson.core.exc.StreamReadException(null,
                        "Unexpected end-of-input"), FailureKind.UNAVAILABLE),
                // ---- Spring's RestClient family (Spring AI's RestClient-based modules)
                arguments("RestClient 429", restClient(HttpStatus.TOO_MANY_REQUESTS, openAiBody("requests",
                        "rate_limit_exceeded", "Rate limit reached"), new HttpHeaders()), FailureKind.RATE_LIMITED),
                arguments("RestClient 429 insufficient_quota", restClient(HttpStatus.TOO_MANY_REQUESTS,
                        openAiBody("insufficient_quota", "insufficient_quota", "You exceeded your current quota"),
                        new HttpHeaders()), FailureKind.QUOTA_EXHAUSTED),
                arguments("RestClient 400 context", restClient(HttpStatus.BAD_REQUEST, "{\"type\":\"error\","
                        + "\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 208310"
                        + " tokens > 200000 maximum\"}}", new HttpHeaders()), FailureKind.CONTEXT_TOO_LONG),
                arguments("RestClient 400 output blocked", restClient(HttpStatus.BAD_REQUEST, "{\"type\":\"error\","
                        + "\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Output blocked by content"
                        + " filtering policy\"}}", new HttpHeaders()), FailureKind.CONTENT_FILTERED),
                arguments("RestClient 400 credit balance", restClient(HttpStatus.BAD_REQUEST, "{\"type\":\"error\","
                        + "\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Your credit balance is too"
                        + " low\"}}", new HttpHeaders()), FailureKind.QUOTA_EXHAUSTED),
                arguments("RestClient 401", restClient(HttpStatus.UNAUTHORIZED, "{}", new HttpHeaders()),
                        FailureKind.AUTH),
                arguments("RestClient 503", HttpServerErrorException.create(HttpStatus.SERVICE_UNAVAILABLE,
                        "Service Unavailable", new HttpHeaders(), new byte[0], StandardCharsets.UTF_8),
                        FailureKind.UNAVAILABLE),
                arguments("ResourceAccessException timeout", new ResourceAccessException("I/O error on POST",
                        new SocketTimeoutException("Read timed out")), FailureKind.TIMEOUT),
                arguments("ResourceAccessException refused", new ResourceAccessException("I/O error on POST",
                        new ConnectException("Connection refused")), FailureKind.UNAVAILABLE),
                // ---- spring-ai-retry (RetryUtils.DEFAULT_RESPONSE_ERROR_HANDLER: "<status> - <body>")
                arguments("NonTransientAiException 429", new NonTransientAiException("429 - " + openAiBody(
                        "requests", "rate_limit_exceeded", "Rate limit reached")), FailureKind.RATE_LIMITED),
                arguments("NonTransientAiException 429 quota", new NonTransientAiException("429 - " + openAiBody(
                        "insufficient_quota", "insufficient_quota", "You exceeded your current quota")),
                        FailureKind.QUOTA_EXHAUSTED),
                arguments("NonTransientAiException 400 context", new NonTransientAiException("400 - " + openAiBody(
                        "invalid_request_error", "context_length_exceeded", "maximum context length")),
                        FailureKind.CONTEXT_TOO_LONG),
                arguments("NonTransientAiException 401", new NonTransientAiException("401 - Incorrect API key"),
                        FailureKind.AUTH),
                arguments("NonTransientAiException 404", new NonTransientAiException("404 - model not found"),
                        FailureKind.UNAVAILABLE),
                arguments("NonTransientAiException without a status", new NonTransientAiException("Invalid"
                        + " option"), FailureKind.INVALID_REQUEST),
                arguments("TransientAiException 503", new TransientAiException("503 - upstream"),
                        FailureKind.UNAVAILABLE),
                arguments("TransientAiException 529", new TransientAiException("529 - {\"type\":\"error\","
                        + "\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"),
                        FailureKind.UNAVAILABLE),
                arguments("TransientAiException without a status", new TransientAiException("flaky"),
                        FailureKind.UNAVAILABLE),
                // ---- wrapped: the cause chain is walked
                arguments("wrapped openai 429", new IllegalStateException("chat failed", RateLimitException
                        .builder().headers(headers()).error(error("requests", "rate_limit_exceeded", "slow down"))
                        .build()), FailureKind.RATE_LIMITED),
                arguments("bare socket timeout", new SocketTimeoutException("timeout"), FailureKind.TIMEOUT),
                arguments("bare timeout", new java.util.concurrent.TimeoutException(), FailureKind.TIMEOUT));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("mappings")
    void mapsOntoTheFailureKind(String label, Throwable error, FailureKind kind) {
        Classification c = CLASSIFIER.classify(error);
        assertThat(c).as(label).isNotNull();
        assertThat(c.kind()).as(label).isEqualTo(kind);
    }

    @Test
    void openAiRateLimitCarriesRetryAfterMsFromTheHeaders() {
        RateLimitException e = RateLimitException.builder()
                .headers(headers("Retry-After", "2", "retry-after-ms", "1500"))
                .error(error("requests", "rate_limit_exceeded", "Rate limit reached")).build();

        assertThat(CLASSIFIER.classify(e).retryAfter()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void retryAfterInSecondsAndAsAnHttpDate() {
        RateLimitException seconds = RateLimitException.builder().headers(headers("retry-after", "3"))
                .error(error("requests", "rate_limit_exceeded", "Rate limit reached")).build();
        HttpHeaders dated = new HttpHeaders();
        dated.set("Retry-After", "Sat, 28 Nov 2026 10:00:07 GMT");

        assertThat(CLASSIFIER.classify(seconds).retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(CLASSIFIER.classify(restClient(HttpStatus.TOO_MANY_REQUESTS, "{}", dated)).retryAfter())
                .as("an HTTP date is read against the classifier's clock").isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void a503WithRetryAfterKeepsIt() {
        InternalServerException e = InternalServerException.builder().statusCode(503)
                .headers(headers("Retry-After", "4")).build();

        Classification c = CLASSIFIER.classify(e);
        assertThat(c.kind()).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void withoutAHeaderTheWaitStatedInTheMessageIsUsed() {
        NonTransientAiException e = new NonTransientAiException("429 - " + openAiBody("requests",
                "rate_limit_exceeded", "Rate limit reached for requests. Please try again in 1.5s."));

        assertThat(CLASSIFIER.classify(e).retryAfter()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void kindsThatAreNotRetriedCarryNoRetryAfter() {
        RateLimitException quota = RateLimitException.builder().headers(headers("Retry-After", "5"))
                .error(error("insufficient_quota", "insufficient_quota", "You exceeded your current quota")).build();

        Classification c = CLASSIFIER.classify(quota);
        assertThat(c.kind()).isEqualTo(FailureKind.QUOTA_EXHAUSTED);
        assertThat(c.retryAfter()).isNull();
    }

    @Test
    void interruptionsAreLeftToTheChain() {
        assertThat(CLASSIFIER.classify(new OpenAIIoException("Request failed",
                new InterruptedIOException("interrupted")))).isNull();
        assertThat(CLASSIFIER.classify(new RuntimeException(new InterruptedException()))).isNull();
    }

    @Test
    void anAlreadyClassifiedFailureKeepsItsKind() {
        ModelCallException e = ModelCallException.rateLimited("slow down", Duration.ofSeconds(2));

        Classification c = CLASSIFIER.classify(e);
        assertThat(c.kind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void whatItDoesNotKnowIsLeftToTheNextClassifier() {
        assertThat(CLASSIFIER.classify(new IllegalStateException("no idea"))).isNull();
    }

    @Test
    void httpStatusIsReadFromEveryFamily() {
        assertThat(SpringAiClassifier.httpStatus(InternalServerException.builder().statusCode(502)
                .headers(headers()).build())).hasValue(502);
        assertThat(SpringAiClassifier.httpStatus(restClient(HttpStatus.CONFLICT, "{}", new HttpHeaders())))
                .hasValue(409);
        assertThat(SpringAiClassifier.httpStatus(new NonTransientAiException("418 - teapot"))).hasValue(418);
        assertThat(SpringAiClassifier.httpStatus(new OpenAIIoException("Request failed"))).isEmpty();
    }

    @Test
    void theSummaryNamesStatusCodeAndProviderMessageButNotTheHeaders() {
        RateLimitException e = RateLimitException.builder().headers(headers("Retry-After", "1"))
                .error(error("insufficient_quota", "insufficient_quota", "You exceeded your current quota"))
                .build();

        assertThat(CLASSIFIER.verdict(e).summary())
                .isEqualTo("HTTP 429 (insufficient_quota): You exceeded your current quota");
        assertThat(CLASSIFIER.verdict(new OpenAIIoException("Request failed",
                new SocketException("Connection reset"))).summary())
                .isEqualTo("OpenAIIoException: Request failed (SocketException: Connection reset)");
    }
}
