package dev.cascade.langchain4j;

import dev.cascade.adapter.ProviderErrors;
import dev.cascade.api.FailureKind;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.ModelCallException;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.ModelDisabledException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Maps what LangChain4j (1.x) throws onto Cascade's {@link FailureKind}s. {@link LangChain4jModelClient} uses it for
 * every failed call; add it to a chain ({@code .classifier(LangChain4jClassifier.instance())}) when other model
 * clients of that chain call LangChain4j themselves.
 *
 * <p><b>What LangChain4j throws.</b> Its HTTP transport raises {@link HttpException} (status code, and the response
 * body as the message) for every non-2xx response; its exception mapper then wraps that as the cause of a typed
 * exception: 5xx {@link InternalServerException}, 401/403 {@link AuthenticationException}, 404
 * {@link ModelNotFoundException}, 408 {@code TimeoutException}, 429 {@link RateLimitException}, other 4xx
 * {@link InvalidRequestException}. A timeout before the response headers arrive is LangChain4j's
 * {@code TimeoutException} around the JDK's {@code HttpTimeoutException}; a refused or reset connection is a bare
 * {@code RuntimeException} around the {@link IOException}; an unknown host is {@link UnresolvedModelServerException};
 * an unparseable body is a bare {@code RuntimeException} around Jackson's exception. This classifier walks the whole
 * cause chain, so it sees the status code and body whatever wraps them.
 *
 * <p><b>The mapping</b> (first rule that matches wins):
 * <table>
 * <caption>LangChain4j failure to Cascade failure kind</caption>
 * <tr><th>failure</th><th>kind</th></tr>
 * <tr><td>an {@link InterruptedException} anywhere in the chain</td><td>not classified ({@code null}): the chain
 *     decides (cancellation or its own timeout)</td></tr>
 * <tr><td>{@link ContentFilteredException}</td><td>CONTENT_FILTERED</td></tr>
 * <tr><td>HTTP 401, 403</td><td>AUTH</td></tr>
 * <tr><td>HTTP 402</td><td>QUOTA_EXHAUSTED</td></tr>
 * <tr><td>HTTP 404 (model not found)</td><td>UNAVAILABLE, see below</td></tr>
 * <tr><td>HTTP 408</td><td>TIMEOUT</td></tr>
 * <tr><td>HTTP 413 (request too large)</td><td>CONTEXT_TOO_LONG</td></tr>
 * <tr><td>HTTP 429 whose body says {@code insufficient_quota}, {@code billing_hard_limit_reached} or
 *     "exceeded your current quota"</td><td>QUOTA_EXHAUSTED</td></tr>
 * <tr><td>other HTTP 429</td><td>RATE_LIMITED</td></tr>
 * <tr><td>other 4xx whose body names a quota or billing problem (as above, or Anthropic's "credit balance is too
 *     low")</td><td>QUOTA_EXHAUSTED</td></tr>
 * <tr><td>other 4xx whose body names a content filter ({@code content_filter}, {@code content_policy_violation},
 *     "content management policy")</td><td>CONTENT_FILTERED</td></tr>
 * <tr><td>other 4xx whose body names the context window ({@code context_length_exceeded}, "maximum context
 *     length", Anthropic's "prompt is too long" and "exceed context limit", ...)</td><td>CONTEXT_TOO_LONG</td></tr>
 * <tr><td>other 4xx (400, 409, 422, ...)</td><td>INVALID_REQUEST</td></tr>
 * <tr><td>5xx, including Anthropic's 529 {@code overloaded_error}</td><td>UNAVAILABLE</td></tr>
 * <tr><td>a 2xx whose body is an error object (thrown by {@link CascadeHttpClientBuilder}'s transport): by the
 *     body, QUOTA_EXHAUSTED or RATE_LIMITED when it names a quota or a rate limit, else UNAVAILABLE</td><td>as
 *     said</td></tr>
 * <tr><td>without a status: the typed exceptions above by type; LangChain4j's {@code TimeoutException},
 *     {@link HttpTimeoutException}, {@link SocketTimeoutException}, {@link java.util.concurrent.TimeoutException},
 *     OkHttp's {@code InterruptedIOException("timeout")}</td><td>TIMEOUT</td></tr>
 * <tr><td>connection refused or reset, any other {@link IOException}, an unknown host, a malformed body (Jackson),
 *     {@link ModelDisabledException}, {@link UnsupportedFeatureException}, any other
 *     {@link RetriableException}</td><td>UNAVAILABLE</td></tr>
 * <tr><td>anything else</td><td>not classified ({@code null}); the built-in classifier calls it UNAVAILABLE</td></tr>
 * </table>
 *
 * <p><b>Choices.</b> A 404 from a chat endpoint means the step's model (or base URL) does not exist on this provider:
 * the request is fine and a later model on another provider may well answer, so it is UNAVAILABLE (falls through,
 * counts for the breaker so a missing model stops being called) rather than INVALID_REQUEST, which would bar every
 * later model. The same holds for a disabled model and for a feature this model's configuration does not support.
 * Anthropic's 529 {@code overloaded_error} is UNAVAILABLE rather than RATE_LIMITED: it is the provider's capacity, not
 * this client's rate, it comes without a Retry-After, and a sustained overload should open the step's breaker, which
 * RATE_LIMITED (neutral for the breaker) never would. Matching on body text is used only to split a status that
 * LangChain4j leaves ambiguous (429 quota vs. rate; 400 context, filter, quota vs. invalid), never to override a
 * status.
 *
 * <p><b>Retry-After.</b> LangChain4j 1.19's {@code HttpException} carries only the status code and the body: the
 * JDK transport ({@code JdkHttpClient}) drops the response headers before it builds the exception, so a provider's
 * {@code Retry-After} (and {@code retry-after-ms}, {@code x-ratelimit-reset-*}, {@code anthropic-ratelimit-*-reset})
 * is not reachable through LangChain4j's exceptions. When the provider states the wait in the error message instead
 * (OpenAI: "Please try again in 1.5s", Azure: "Please retry after 20 seconds"), that hint is returned as the
 * Retry-After of a RATE_LIMITED or UNAVAILABLE failure; otherwise the step's own backoff applies.
 *
 * <p>Stateless and thread-safe.
 */
public final class LangChain4jClassifier implements FailureClassifier {

    private static final LangChain4jClassifier INSTANCE = new LangChain4jClassifier();

    /** The shared instance. */
    public static LangChain4jClassifier instance() {
        return INSTANCE;
    }

    public LangChain4jClassifier() {
    }

    /**
     * @return the kind (and the provider's wait hint, if any), or {@code null} when the error is not recognisably
     * LangChain4j's or is an interruption, which the chain decides
     */
    @Override
    public Classification classify(Throwable error) {
        Verdict v = verdict(error);
        return v == null ? null : new Classification(v.kind(), v.retryAfter());
    }

    /**
     * The HTTP status code of the first {@link HttpException} in the cause chain, if any.
     */
    public static OptionalInt httpStatus(Throwable error) {
        HttpException http = error == null ? null : find(ProviderErrors.causes(error), HttpException.class);
        return http == null ? OptionalInt.empty() : OptionalInt.of(http.statusCode());
    }

    /** A classification with a short human-readable summary of the failure (no prompt text; error bodies only). */
    record Verdict(FailureKind kind, Duration retryAfter, String summary) {
    }

    static Verdict verdict(Throwable error) {
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
        String text = text(chain);
        HttpException http = find(chain, HttpException.class);
        if (find(chain, ContentFilteredException.class) != null) {
            return new Verdict(FailureKind.CONTENT_FILTERED, null,
                    summary(chain, http != null ? http : find(chain, ContentFilteredException.class)));
        }
        if (http != null && http.statusCode() >= 200 && http.statusCode() <= 299) {
            // An error body under a success status: the provider failed; its status says nothing, so the error is
            // UNAVAILABLE (retried, counted by the breaker) unless the body names a quota or a rate limit.
            String body = String.valueOf(http.getMessage());
            FailureKind kind = errorBodyKind(text);
            String code = ProviderErrors.errorCode(body);
            String message = ProviderErrors.errorMessage(body);
            return new Verdict(kind, ProviderErrors.retryAfter(kind, null, text), "provider returned HTTP "
                    + http.statusCode() + " with an error body" + (code != null || ProviderErrors.errorType(body)
                    != null ? " (" + (code != null ? code : ProviderErrors.errorType(body)) + ")" : "")
                    + (message != null ? ": " + ProviderErrors.cut(message) : ""));
        }
        if (http != null) {
            FailureKind kind = ProviderErrors.byStatus(http.statusCode(), text);
            // The header, when the transport kept it (CascadeHttpClientBuilder); else a wait stated in the message.
            Duration header = http instanceof ResponseHttpException r && ProviderErrors.takesRetryAfter(kind)
                    ? r.retryAfter().orElse(null) : null;
            return new Verdict(kind, ProviderErrors.retryAfter(kind, header, text), summary(chain, http));
        }
        for (Throwable t : chain) {
            FailureKind kind = byType(t, text);
            if (kind != null) {
                return new Verdict(kind, ProviderErrors.retryAfter(kind, null, text), summary(chain, t));
            }
        }
        return null;
    }

    private static FailureKind errorBodyKind(String text) {
        FailureKind quota = ProviderErrors.byStatus(429, text);
        if (quota == FailureKind.QUOTA_EXHAUSTED || text.contains("rate_limit")) {
            return quota;
        }
        return FailureKind.UNAVAILABLE;
    }

    private static FailureKind byType(Throwable t, String text) {
        if (t instanceof AuthenticationException) {
            return FailureKind.AUTH;
        }
        if (t instanceof ModelNotFoundException || t instanceof ModelDisabledException
                || t instanceof UnsupportedFeatureException) {
            return FailureKind.UNAVAILABLE;
        }
        if (t instanceof RateLimitException) {
            return ProviderErrors.byStatus(429, text);
        }
        if (t instanceof InvalidRequestException) {
            return ProviderErrors.byClientErrorText(text);
        }
        if (t instanceof dev.langchain4j.exception.TimeoutException || ProviderErrors.isTimeout(t)) {
            return FailureKind.TIMEOUT;
        }
        if (t instanceof InternalServerException || t instanceof UnresolvedModelServerException
                || t instanceof RetriableException || t instanceof UnresolvedAddressException
                || t instanceof UnknownHostException) {
            return FailureKind.UNAVAILABLE;
        }
        if (t instanceof IOException) {
            return FailureKind.UNAVAILABLE; // refused, reset, EOF before the headers, closed channel
        }
        if (isJackson(t)) {
            return FailureKind.UNAVAILABLE; // a malformed or truncated body
        }
        return null;
    }

    private static boolean isJackson(Throwable t) {
        for (Class<?> c = t.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.getName().startsWith("com.fasterxml.jackson.")) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(List<Throwable> chain, Class<T> type) {
        for (Throwable t : chain) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The lower-cased messages of the whole chain (error bodies included), for the few text rules. */
    private static String text(List<Throwable> chain) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t : chain) {
            String m = t.getMessage();
            if (m != null) {
                sb.append(ProviderErrors.lower(m)).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * "HTTP 429 (insufficient_quota): You exceeded your current quota" for an HTTP failure, else the decisive
     * exception and, when it differs, the root cause: "IOException: HTTP/1.1 header parser received no bytes
     * (SocketException: Connection reset)".
     */
    private static String summary(List<Throwable> chain, Throwable decisive) {
        if (decisive instanceof HttpException http) {
            String body = String.valueOf(http.getMessage());
            String code = ProviderErrors.errorCode(body);
            String message = ProviderErrors.errorMessage(body);
            return ProviderErrors.summary(http.statusCode(), code != null ? code : ProviderErrors.errorType(body),
                    message != null ? message : body);
        }
        return ProviderErrors.summary(chain, decisive);
    }
}
