package dev.cascade.langchain4j;

import dev.cascade.adapter.ProviderErrors;
import dev.langchain4j.exception.HttpException;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP error response as LangChain4j expects it ({@link HttpException}: status and body), with the response headers
 * it would otherwise drop, so {@link LangChain4jClassifier} can honour the provider's {@code Retry-After}. Thrown by
 * {@link CascadeHttpClientBuilder}'s client; LangChain4j wraps it in its typed exceptions as the cause.
 */
public final class ResponseHttpException extends HttpException {
    private static final long serialVersionUID = 1L;

    private final transient Map<String, List<String>> headers;

    public ResponseHttpException(int statusCode, String body, Map<String, List<String>> headers) {
        super(statusCode, body);
        this.headers = Map.copyOf(headers);
    }

    /** The response headers; names as the server sent them. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * The wait the provider asked for: {@code retry-after-ms} (OpenAI), else {@code retry-after} in seconds or as an
     * HTTP date. Empty when absent or unreadable.
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(ProviderErrors.retryAfter(this::header, Clock.systemUTC()));
    }

    private String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
