package dev.cascade.spring.ai;

import dev.cascade.adapter.ProviderErrors;
import dev.cascade.api.FailureKind;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.ModelCallException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Maps what Spring AI (2.x) chat models throw onto Cascade's {@link FailureKind}s. {@link SpringAiModelClient} uses it
 * for every failed call; add it to a chain ({@code .classifier(SpringAiClassifier.instance())}) when other model
 * clients of that chain call Spring AI themselves.
 *
 * <p><b>What Spring AI throws.</b> Its OpenAI module (and its Anthropic module) are built on the official
 * {@code openai-java} (and {@code anthropic-java}) SDKs: an error response is an {@code OpenAIServiceException}
 * subclass ({@code BadRequestException} 400, {@code UnauthorizedException} 401, {@code PermissionDeniedException} 403,
 * {@code NotFoundException} 404, {@code UnprocessableEntityException} 422, {@code RateLimitException} 429,
 * {@code InternalServerException} 5xx, {@code UnexpectedStatusCodeException} otherwise) with the status, the parsed
 * error's {@code code}/{@code type} and the response headers; a failed exchange (refused, reset, timed out) is an
 * {@code OpenAIIoException} around OkHttp's {@link IOException}; a body that is not the expected JSON (cut off,
 * or an error object inside a 200) is an {@code OpenAIInvalidDataException}. Spring AI's {@code RestClient}-based
 * modules throw {@code TransientAiException} (5xx) and {@code NonTransientAiException} (4xx) with the message
 * {@code "<status> - <body>"}, Spring's {@code RestClientResponseException} family, or
 * {@code ResourceAccessException} around the I/O error. None of these libraries is needed: they are recognised by
 * class name and read by reflection (see {@link HttpFailure}), so the classifier works with whichever are present.
 * It walks the whole cause chain.
 *
 * <p><b>The mapping</b> (first rule that matches wins):
 * <table>
 * <caption>Spring AI failure to Cascade failure kind</caption>
 * <tr><th>failure</th><th>kind</th></tr>
 * <tr><td>a {@link ModelCallException} (already classified)</td><td>its kind</td></tr>
 * <tr><td>an {@link InterruptedException} (or an interrupted I/O wait) anywhere in the chain</td><td>not classified
 *     ({@code null}): the chain decides (cancellation or its own timeout)</td></tr>
 * <tr><td>HTTP 401, 403</td><td>AUTH</td></tr>
 * <tr><td>HTTP 402</td><td>QUOTA_EXHAUSTED</td></tr>
 * <tr><td>HTTP 404 (model not found)</td><td>UNAVAILABLE (a later model on another provider may answer)</td></tr>
 * <tr><td>HTTP 408</td><td>TIMEOUT</td></tr>
 * <tr><td>HTTP 413</td><td>CONTEXT_TOO_LONG</td></tr>
 * <tr><td>HTTP 429 whose code or body says {@code insufficient_quota}, {@code billing_hard_limit_reached} or
 *     "exceeded your current quota"</td><td>QUOTA_EXHAUSTED</td></tr>
 * <tr><td>other HTTP 429</td><td>RATE_LIMITED, with the Retry-After</td></tr>
 * <tr><td>other 4xx (400, 409, 422, ...) naming quota or billing / a content filter / the context window
 *     ({@code context_length_exceeded}, "maximum context length", "prompt is too long", ...)</td>
 *     <td>QUOTA_EXHAUSTED / CONTENT_FILTERED / CONTEXT_TOO_LONG</td></tr>
 * <tr><td>other 4xx</td><td>INVALID_REQUEST</td></tr>
 * <tr><td>5xx, including 529 overloaded</td><td>UNAVAILABLE, with the Retry-After if one was sent</td></tr>
 * <tr><td>without a status: a timeout anywhere in the chain (OkHttp's {@code InterruptedIOException("timeout")},
 *     {@link SocketTimeoutException}, {@link HttpTimeoutException}, {@link java.util.concurrent.TimeoutException}),
 *     also inside an {@code OpenAIIoException}, {@code OpenAIInvalidDataException} (a body that stalled) or
 *     {@code ResourceAccessException}</td><td>TIMEOUT</td></tr>
 * <tr><td>connection refused or reset, an unknown host, any other {@link IOException} ({@code OpenAIIoException},
 *     {@code ResourceAccessException}, {@code WebClientRequestException}), a malformed body
 *     ({@code OpenAIInvalidDataException}, Jackson 2 or 3), {@code OpenAIRetryableException},
 *     {@code TransientAiException}</td><td>UNAVAILABLE</td></tr>
 * <tr><td>{@code NonTransientAiException} without a status</td><td>by its text as an "other 4xx" above</td></tr>
 * <tr><td>anything else</td><td>not classified ({@code null}); the built-in classifier calls it UNAVAILABLE</td></tr>
 * </table>
 *
 * <p><b>Choices</b> (the same as {@code LangChain4jClassifier}'s, so a chain behaves alike on either library): a 404
 * means this provider lacks the step's model, so it is UNAVAILABLE rather than INVALID_REQUEST, which would bar every
 * later model; 529 overload is UNAVAILABLE (the provider's capacity, counted by the breaker); body text only splits a
 * status the library leaves ambiguous, it never overrides one.
 *
 * <p><b>Retry-After.</b> The OpenAI and Anthropic SDKs' exceptions and Spring's {@code RestClientResponseException}
 * keep the response headers: {@code retry-after-ms}, then {@code retry-after} (seconds or an HTTP date, read against
 * the classifier's clock) is returned for RATE_LIMITED and UNAVAILABLE. {@code TransientAiException} and
 * {@code NonTransientAiException} carry no headers; for them, and whenever the header is absent, a wait the provider
 * states in its message ("Please try again in 1.5s") is used.
 *
 * <p>Stateless and thread-safe.
 */
public final class SpringAiClassifier implements FailureClassifier {

    private static final SpringAiClassifier INSTANCE = new SpringAiClassifier(Clock.systemUTC());

    private static final String OPENAI_ERRORS = "com.openai.errors.";
    private static final String ANTHROPIC_ERRORS = "com.anthropic.errors.";

    private final Clock clock;

    /** The shared instance, reading HTTP-date Retry-After values against the system clock. */
    public static SpringAiClassifier instance() {
        return INSTANCE;
    }

    /** A classifier on the system clock; prefer {@link #instance()}. */
    public SpringAiClassifier() {
        this(Clock.systemUTC());
    }

    /** @param clock what an HTTP-date {@code Retry-After} is measured against (tests pass a fixed clock) */
    public SpringAiClassifier(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @return the kind (and the provider's Retry-After, if any), or {@code null} when the error is not recognisably
     * Spring AI's, or is an interruption, which the chain decides
     */
    @Override
    public Classification classify(Throwable error) {
        Verdict v = verdict(error);
        return v == null ? null : new Classification(v.kind(), v.retryAfter());
    }

    /** The HTTP status of the first error response in the cause chain, if any of the known families carries one. */
    public static OptionalInt httpStatus(Throwable error) {
        if (error != null) {
            for (Throwable t : ProviderErrors.causes(error)) {
                HttpFailure http = HttpFailure.of(t);
                if (http != null) {
                    return OptionalInt.of(http.status());
                }
            }
        }
        return OptionalInt.empty();
    }

    /** A classification with a short summary of the failure (error bodies only, never prompt text). */
    record Verdict(FailureKind kind, Duration retryAfter, String summary) {
    }

    Verdict verdict(Throwable error) {
        if (error == null) {
            return null;
        }
        if (error instanceof ModelCallException m) {
            return new Verdict(m.kind(), m.retryAfter().orElse(null), String.valueOf(m.getMessage()));
        }
        if (ProviderErrors.interrupted(error)) {
            return null;
        }
        List<Throwable> chain = ProviderErrors.causes(error);
        for (Throwable t : chain) {
            HttpFailure http = HttpFailure.of(t);
            if (http != null) {
                String text = ProviderErrors.lower(http.body()) + "\n" + ProviderErrors.lower(http.code());
                FailureKind kind = ProviderErrors.byStatus(http.status(), text);
                Duration header = ProviderErrors.takesRetryAfter(kind) ? http.retryAfter(clock) : null;
                return new Verdict(kind, ProviderErrors.retryAfter(kind, header, text), summary(http));
            }
        }
        String text = text(chain);
        // A timeout wins over the wrapper that reports it: OkHttp's "timeout" inside OpenAIIoException, or inside
        // OpenAIInvalidDataException when the body stalled while Jackson was reading it.
        for (Throwable t : chain) {
            if (ProviderErrors.isTimeout(t)) {
                return new Verdict(FailureKind.TIMEOUT, null, ProviderErrors.summary(chain, t));
            }
        }
        for (Throwable t : chain) {
            FailureKind kind = byType(t, text);
            if (kind != null) {
                return new Verdict(kind, ProviderErrors.retryAfter(kind, null, text), ProviderErrors.summary(chain, t));
            }
        }
        return null;
    }

    private static FailureKind byType(Throwable t, String text) {
        Class<?> type = t.getClass();
        if (Reflect.isA(type, HttpFailure.NON_TRANSIENT_AI)) {
            return ProviderErrors.byClientErrorText(text);
        }
        if (Reflect.isA(type, HttpFailure.TRANSIENT_AI)) {
            return FailureKind.UNAVAILABLE;
        }
        String name = type.getName();
        if (name.equals(OPENAI_ERRORS + "OpenAIIoException") || name.equals(ANTHROPIC_ERRORS + "AnthropicIoException")
                || name.equals(OPENAI_ERRORS + "OpenAIInvalidDataException")
                || name.equals(ANTHROPIC_ERRORS + "AnthropicInvalidDataException")
                || name.equals(OPENAI_ERRORS + "OpenAIRetryableException")
                || name.equals(ANTHROPIC_ERRORS + "AnthropicRetryableException")) {
            return FailureKind.UNAVAILABLE; // I/O failure, malformed body, or what the SDK itself deems transient
        }
        if (Reflect.isA(type, "org.springframework.web.client.ResourceAccessException")
                || Reflect.isA(type, "org.springframework.web.reactive.function.client.WebClientRequestException")) {
            return FailureKind.UNAVAILABLE;
        }
        if (t instanceof IOException || t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
            return FailureKind.UNAVAILABLE; // refused, reset, EOF before the headers, closed channel, unknown host
        }
        if (Reflect.isFrom(type, "com.fasterxml.jackson.") || Reflect.isFrom(type, "tools.jackson.")) {
            return FailureKind.UNAVAILABLE; // a malformed or truncated body
        }
        return null;
    }

    private static String text(List<Throwable> chain) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t : chain) {
            sb.append(ProviderErrors.lower(t.getMessage())).append('\n');
        }
        return sb.toString();
    }

    /** "HTTP 429 (insufficient_quota): You exceeded your current quota ..." */
    private static String summary(HttpFailure http) {
        String body = http.body();
        String code = http.code();
        String message = ProviderErrors.errorMessage(body);
        if (message != null) {
            if (code == null) {
                code = ProviderErrors.errorCode(body);
            }
        } else {
            // The SDKs' message is "<status>: <error message>", then the code and type lines added by HttpFailure.
            message = String.valueOf(http.source().getMessage()).replaceFirst("^\\d{3}:\\s*", "");
        }
        return ProviderErrors.summary(http.status(), code, message);
    }
}
