package dev.cascade.spring.ai;

import dev.cascade.adapter.ProviderErrors;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP error response as one of the exception families Spring AI surfaces carries it: status, body text, the
 * provider's error code when the family parses it, and the response headers when the family keeps them. Read by
 * reflection (see {@link Reflect}), so none of these libraries is needed at runtime.
 *
 * <table>
 * <caption>Where the status, body and headers come from</caption>
 * <tr><th>exception (or subclass)</th><th>status</th><th>body</th><th>headers</th></tr>
 * <tr><td>{@code com.openai.errors.OpenAIServiceException} (Spring AI's OpenAI module),
 *     {@code com.anthropic.errors.AnthropicServiceException} (its Anthropic module)</td><td>{@code statusCode()}</td>
 *     <td>the message ({@code "429: <error message>"}), {@code code()}, {@code type()}</td><td>{@code headers()}</td></tr>
 * <tr><td>{@code org.springframework.web.client.RestClientResponseException}
 *     ({@code HttpStatusCodeException}, {@code HttpClientErrorException}, ...)</td><td>{@code getStatusCode()}</td>
 *     <td>{@code getResponseBodyAsString()}</td><td>{@code getResponseHeaders()}</td></tr>
 * <tr><td>{@code org.springframework.web.reactive.function.client.WebClientResponseException}</td>
 *     <td>{@code getStatusCode()}</td><td>{@code getResponseBodyAsString()}</td><td>{@code getHeaders()}</td></tr>
 * <tr><td>{@code org.springframework.ai.retry.TransientAiException}, {@code NonTransientAiException} (Spring AI's
 *     {@code RetryUtils.DEFAULT_RESPONSE_ERROR_HANDLER}: message {@code "<status> - <body>"})</td>
 *     <td>the message's leading status</td><td>the rest of the message</td><td>none</td></tr>
 * </table>
 */
record HttpFailure(Throwable source, int status, String body, String code, Object headers) {

    static final String OPENAI_SERVICE = "com.openai.errors.OpenAIServiceException";
    static final String ANTHROPIC_SERVICE = "com.anthropic.errors.AnthropicServiceException";
    static final String REST_CLIENT_RESPONSE = "org.springframework.web.client.RestClientResponseException";
    static final String WEB_CLIENT_RESPONSE = "org.springframework.web.reactive.function.client.WebClientResponseException";
    static final String TRANSIENT_AI = "org.springframework.ai.retry.TransientAiException";
    static final String NON_TRANSIENT_AI = "org.springframework.ai.retry.NonTransientAiException";

    /** Spring AI's default error handler: {@code String.format("%s - %s", status, body)}. */
    private static final Pattern STATUS_PREFIX = Pattern.compile("^\\s*(?:HTTP\\s+)?([1-5]\\d\\d)\\s*-\\s*(.*)\\z",
            Pattern.DOTALL);

    /** The HTTP failure {@code t} carries, or {@code null} when it is not one of the families above. */
    static HttpFailure of(Throwable t) {
        Class<?> type = t.getClass();
        if (Reflect.isA(type, OPENAI_SERVICE) || Reflect.isA(type, ANTHROPIC_SERVICE)) {
            int status = Reflect.intValue(Reflect.call(t, "statusCode"));
            if (status < 0) {
                return null;
            }
            Object code = Reflect.call(t, "code");
            Object errorType = Reflect.call(t, "type");
            String body = String.valueOf(t.getMessage()) + (code == null ? "" : "\ncode: " + code)
                    + (errorType == null ? "" : "\ntype: " + errorType);
            return new HttpFailure(t, status, body, code != null ? String.valueOf(code)
                    : errorType != null ? String.valueOf(errorType) : null, Reflect.call(t, "headers"));
        }
        boolean rest = Reflect.isA(type, REST_CLIENT_RESPONSE);
        if (rest || Reflect.isA(type, WEB_CLIENT_RESPONSE)) {
            int status = Reflect.intValue(Reflect.call(Reflect.call(t, "getStatusCode"), "value"));
            if (status < 0) {
                return null;
            }
            Object body = Reflect.call(t, "getResponseBodyAsString");
            return new HttpFailure(t, status, body == null ? String.valueOf(t.getMessage()) : body.toString(), null,
                    Reflect.call(t, rest ? "getResponseHeaders" : "getHeaders"));
        }
        if (Reflect.isA(type, TRANSIENT_AI) || Reflect.isA(type, NON_TRANSIENT_AI)) {
            Matcher m = STATUS_PREFIX.matcher(String.valueOf(t.getMessage()));
            return m.matches() ? new HttpFailure(t, Integer.parseInt(m.group(1)), m.group(2), null, null) : null;
        }
        return null;
    }

    /** The first value of a response header (name case-insensitive); null when absent or the family drops headers. */
    String header(String name) {
        if (headers == null) {
            return null;
        }
        // Spring's HttpHeaders.getFirst; the OpenAI/Anthropic SDKs' Headers.values (both case-insensitive).
        Object first = Reflect.call(headers, "getFirst", String.class, name);
        if (first != null) {
            return first.toString();
        }
        Object values = Reflect.call(headers, "values", String.class, name);
        return values instanceof List<?> l && !l.isEmpty() && l.get(0) != null ? l.get(0).toString() : null;
    }

    /**
     * The wait the provider asked for: {@code retry-after-ms} (OpenAI), else {@code retry-after} in seconds or as an
     * HTTP date (read against {@code clock}). Null when absent or unreadable.
     */
    Duration retryAfter(Clock clock) {
        return ProviderErrors.retryAfter(this::header, clock);
    }
}
