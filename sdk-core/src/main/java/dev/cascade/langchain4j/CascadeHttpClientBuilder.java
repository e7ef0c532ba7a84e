package dev.cascade.langchain4j;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A LangChain4j HTTP transport on the JDK's {@link java.net.http.HttpClient} that keeps the response headers of an
 * error, so the provider's {@code Retry-After} reaches Cascade. LangChain4j 1.19's own transports build their
 * {@link HttpException} from the status and body only; with them a 429 loses its Retry-After.
 *
 * <pre>{@code
 * ChatModel claude = AnthropicChatModel.builder()
 *     .httpClientBuilder(new CascadeHttpClientBuilder())
 *     .maxRetries(0)
 *     ...
 *     .build();
 * }</pre>
 *
 * Blocking calls only ({@code chat}); streaming is not supported by this transport. Error responses are thrown as
 * {@link ResponseHttpException}, and so is a 2xx response whose body is an error object ({@code {"error": ...}}, or
 * Anthropic's {@code {"type": "error", ...}}), which a gateway or a faulty provider may send: LangChain4j would
 * otherwise fail reading it with a {@code NullPointerException}. Timeouts: {@code connectTimeout} for the connection, {@code readTimeout} for the
 * response headers (the JDK client's request timeout); a body that stalls after the headers is ended by Cascade's step
 * timeout. Thread-safe once built.
 */
public final class CascadeHttpClientBuilder implements HttpClientBuilder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);

    @Override
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Default 10 s. */
    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
        if (timeout != null) {
            this.connectTimeout = timeout;
        }
        return this;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    /** Default 60 s. */
    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
        if (timeout != null) {
            this.readTimeout = timeout;
        }
        return this;
    }

    @Override
    public HttpClient build() {
        return new Client(java.net.http.HttpClient.newBuilder().connectTimeout(connectTimeout).build(), readTimeout);
    }

    private record Client(java.net.http.HttpClient http, Duration readTimeout) implements HttpClient {

        @Override
        public SuccessfulHttpResponse execute(HttpRequest request) {
            if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
                throw new UnsupportedOperationException("CascadeHttpClientBuilder does not send multipart form data");
            }
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
                    .timeout(readTimeout)
                    .method(request.method().name(), request.body() == null
                            ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
            for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
                for (String v : h.getValue()) {
                    b.header(h.getKey(), v);
                }
            }
            HttpResponse<String> response;
            try {
                response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new RuntimeException(e); // as LangChain4j's own JDK transport does: a connection failure
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeException(e);
            }
            Map<String, List<String>> headers = response.headers().map();
            if (response.statusCode() < 200 || response.statusCode() > 299 || isErrorBody(response.body())) {
                // A 2xx whose body is an error object (a gateway or provider fault) is an error too: LangChain4j
                // would read it as an answer without choices and fail with a NullPointerException.
                throw new ResponseHttpException(response.statusCode(), response.body(), headers);
            }
            return SuccessfulHttpResponse.builder().statusCode(response.statusCode()).headers(headers)
                    .body(response.body()).build();
        }

        /** A JSON object whose first member is {@code "error"}: the error envelope of OpenAI and Anthropic. */
        private static boolean isErrorBody(String body) {
            if (body == null) {
                return false;
            }
            int i = 0;
            while (i < body.length() && Character.isWhitespace(body.charAt(i))) {
                i++;
            }
            if (i >= body.length() || body.charAt(i) != '{') {
                return false;
            }
            i++;
            while (i < body.length() && Character.isWhitespace(body.charAt(i))) {
                i++;
            }
            if (body.startsWith("\"error\"", i)) {
                // {"error": null, "choices": [...]} is a success from some OpenAI-compatible gateways.
                i += "\"error\"".length();
                while (i < body.length() && (Character.isWhitespace(body.charAt(i)) || body.charAt(i) == ':')) {
                    i++;
                }
                return !body.startsWith("null", i);
            }
            return body.startsWith("\"type\":\"error\"", i) || body.startsWith("\"type\": \"error\"", i);
        }

        @Override
        public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
            throw new UnsupportedOperationException("CascadeHttpClientBuilder does not stream; use chat(), not"
                    + " streaming chat models, with Cascade");
        }
    }
}
