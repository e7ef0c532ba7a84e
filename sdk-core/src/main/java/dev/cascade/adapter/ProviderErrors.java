package dev.cascade.adapter;

import dev.cascade.api.FailureKind;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.ModelCallException;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mapping of model providers' error responses onto {@link FailureKind}s that Cascade's model-client adapters
 * (LangChain4j, Spring AI) share, so a chain behaves alike on either library; a {@link FailureClassifier} for another
 * HTTP client can use it too. Each adapter finds the status, body and headers in its own library's exceptions; what
 * they mean is decided here. Pure functions of their arguments (no library is needed); thread-safe.
 *
 * <p><b>Status first, text only to split it</b> ({@link #byStatus}): 401, 403 AUTH; 402 QUOTA_EXHAUSTED; 404
 * UNAVAILABLE (this provider lacks the step's model, and a later model elsewhere may answer: INVALID_REQUEST would bar
 * every later model); 408 TIMEOUT; 413 CONTEXT_TOO_LONG; 429 QUOTA_EXHAUSTED when the body says the quota or billing
 * limit is reached, else RATE_LIMITED; another 4xx by its body text ({@link #byClientErrorText}); 5xx (including
 * Anthropic's 529 overload: the provider's capacity, which the breaker should count) UNAVAILABLE.
 *
 * <p><b>Waits</b> ({@link #retryAfter(FailureKind, Duration, String)}) go with RATE_LIMITED and UNAVAILABLE only:
 * the response's {@code retry-after-ms} or {@code retry-after} header when the library kept the headers
 * ({@link #retryAfter(Function, Clock)}), else a wait the provider states in its message ({@link #waitHint}).
 */
public final class ProviderErrors {

    /** Body text is scanned up to this many characters per message. */
    private static final int MAX_SCAN = 8_192;
    /** A summary (the message of the {@link ModelCallException} an adapter throws) is cut here. */
    private static final int MAX_SUMMARY = 300;
    /** Cause chains are followed this deep at most (a cycle must not hang a classifier). */
    private static final int MAX_DEPTH = 32;

    private static final String[] QUOTA = {"insufficient_quota", "exceeded your current quota",
            "billing_hard_limit_reached", "credit balance is too low"};
    private static final String[] CONTENT_FILTER = {"content_filter", "content_policy_violation",
            "content management policy", "responsibleaipolicyviolation", "content filtering policy",
            "output blocked"};
    private static final String[] CONTEXT = {"context_length_exceeded", "maximum context length", "context length",
            "context window", "context limit", "prompt is too long", "input is too long", "too many tokens",
            "request_too_large"};
    private static final Pattern WAIT_HINT = Pattern.compile(
            "(?:try again in|retry after)\\s+(\\d{1,6}(?:\\.\\d{1,6})?)\\s*(ms|milliseconds?|s|secs?|seconds?)\\b");
    private static final Pattern ERROR_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,64})\"");
    private static final Pattern ERROR_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,64})\"");

    private ProviderErrors() {
    }

    // ---- kinds

    /**
     * The kind of an HTTP error response.
     *
     * @param text the response body (and the provider's error code, when the library parsed it), lower-cased
     */
    public static FailureKind byStatus(int status, String text) {
        if (status == 401 || status == 403) {
            return FailureKind.AUTH;
        }
        if (status == 402) {
            return FailureKind.QUOTA_EXHAUSTED;
        }
        if (status == 404) {
            return FailureKind.UNAVAILABLE; // the model is missing here; another provider's model may answer
        }
        if (status == 408) {
            return FailureKind.TIMEOUT;
        }
        if (status == 413) {
            return FailureKind.CONTEXT_TOO_LONG;
        }
        if (status == 429) {
            return containsAny(text, QUOTA) ? FailureKind.QUOTA_EXHAUSTED : FailureKind.RATE_LIMITED;
        }
        if (status >= 400 && status < 500) {
            return byClientErrorText(text);
        }
        return FailureKind.UNAVAILABLE; // 5xx (500, 502, 503, 504, Anthropic's 529 overloaded), or a non-error status
    }

    /**
     * The kind of a client error (a 4xx other than those {@link #byStatus} names) by its lower-cased text: a quota or
     * billing problem (QUOTA_EXHAUSTED), a content filter (CONTENT_FILTERED), the context window (CONTEXT_TOO_LONG),
     * else INVALID_REQUEST.
     */
    public static FailureKind byClientErrorText(String text) {
        if (containsAny(text, QUOTA)) {
            return FailureKind.QUOTA_EXHAUSTED;
        }
        if (containsAny(text, CONTENT_FILTER)) {
            return FailureKind.CONTENT_FILTERED;
        }
        if (containsAny(text, CONTEXT)) {
            return FailureKind.CONTEXT_TOO_LONG;
        }
        return FailureKind.INVALID_REQUEST;
    }

    /**
     * A timeout without a status: {@link SocketTimeoutException}, {@link HttpTimeoutException},
     * {@link TimeoutException}, or OkHttp's {@code InterruptedIOException("timeout")}.
     */
    public static boolean isTimeout(Throwable t) {
        return t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
                || t instanceof TimeoutException
                || t instanceof InterruptedIOException && "timeout".equalsIgnoreCase(String.valueOf(t.getMessage()));
    }

    /**
     * An interruption (not a timeout) anywhere in the cause chain: the caller cancelled, or Cascade's own timeout
     * fired. A classifier leaves it unclassified, for the chain to decide.
     */
    public static boolean interrupted(Throwable error) {
        for (Throwable t : causes(error)) {
            if (t instanceof InterruptedException || t instanceof ClosedByInterruptException) {
                return true;
            }
            if (t instanceof InterruptedIOException && !isTimeout(t)) {
                return true; // OkHttp/Okio: InterruptedIOException("interrupted")
            }
        }
        return false;
    }

    // ---- waits

    /** Whether a failure of this kind carries the provider's wait: RATE_LIMITED and UNAVAILABLE. */
    public static boolean takesRetryAfter(FailureKind kind) {
        return kind == FailureKind.RATE_LIMITED || kind == FailureKind.UNAVAILABLE;
    }

    /**
     * The wait to report with a failure: {@code null} unless the kind {@link #takesRetryAfter takes one}; then
     * {@code fromHeaders} when not null, else the wait the lower-cased {@code text} states ({@link #waitHint}).
     */
    public static Duration retryAfter(FailureKind kind, Duration fromHeaders, String text) {
        if (!takesRetryAfter(kind)) {
            return null;
        }
        return fromHeaders != null ? fromHeaders : waitHint(text);
    }

    /**
     * The wait a lower-cased error message states ("try again in 1.5s", "retry after 20 seconds", "... 500ms"), or
     * {@code null}.
     */
    public static Duration waitHint(String text) {
        Matcher m = WAIT_HINT.matcher(text);
        if (!m.find()) {
            return null;
        }
        double amount = Double.parseDouble(m.group(1));
        long millis = m.group(2).startsWith("m") ? Math.round(amount) : Math.round(amount * 1000);
        return Duration.ofMillis(Math.max(0, millis));
    }

    /**
     * The wait the response headers ask for: {@code retry-after-ms} (OpenAI), else {@code retry-after} in seconds or
     * as an HTTP date (measured against {@code clock}; a date past is zero). {@code null} when absent or unreadable.
     *
     * @param header the first value of a response header by name (case-insensitive), or {@code null}
     */
    public static Duration retryAfter(Function<String, String> header, Clock clock) {
        String ms = header.apply("retry-after-ms");
        if (ms != null) {
            try {
                return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(ms.trim()))));
            } catch (NumberFormatException ignored) {
                // not a number: fall back to retry-after
            }
        }
        String value = header.apply("retry-after");
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(value.trim()) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    // ---- error bodies

    /** The {@code "message"} of a JSON error body (escaped quotes undone), or {@code null} when it has none. */
    public static String errorMessage(String body) {
        Matcher m = ERROR_MESSAGE.matcher(body);
        return m.find() ? m.group(1).replace("\\\"", "\"") : null;
    }

    /** The first {@code "code"} of a JSON error body ({@code insufficient_quota}), or {@code null}. */
    public static String errorCode(String body) {
        Matcher m = ERROR_CODE.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The first {@code "type"} of a JSON error body other than Anthropic's envelope type {@code error}
     * ({@code {"type":"error","error":{"type":"overloaded_error",...}}}), or {@code null}.
     */
    public static String errorType(String body) {
        for (Matcher m = ERROR_TYPE.matcher(body); m.find(); ) {
            if (!"error".equals(m.group(1))) {
                return m.group(1);
            }
        }
        return null;
    }

    // ---- text

    /** The error and its causes, outermost first: at most 32, each once (a cycle ends the list). */
    public static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new ArrayList<>(4);
        for (Throwable t = error; t != null && chain.size() < MAX_DEPTH && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The first 8,192 characters of {@code s}, lower-cased, for the text rules; {@code ""} for {@code null}. */
    public static String lower(String s) {
        if (s == null) {
            return "";
        }
        return (s.length() > MAX_SCAN ? s.substring(0, MAX_SCAN) : s).toLowerCase(Locale.ROOT);
    }

    /** "HTTP 429 (insufficient_quota): You exceeded your current quota ...", {@link #cut} to size. */
    public static String summary(int status, String code, String message) {
        return cut("HTTP " + status + (code == null ? "" : " (" + code + ")") + ": " + message);
    }

    /**
     * The decisive exception and, when it differs, the root cause of the chain: "IOException: HTTP/1.1 header parser
     * received no bytes (SocketException: Connection reset)", {@link #cut} to size.
     */
    public static String summary(List<Throwable> chain, Throwable decisive) {
        String s = describe(decisive);
        Throwable root = chain.get(chain.size() - 1);
        if (root != decisive) {
            s += " (" + describe(root) + ")";
        }
        return cut(s);
    }

    /** White space folded to single spaces, and at most 300 characters (then "..."): a failure's summary. */
    public static String cut(String s) {
        s = s.replaceAll("\\s+", " ").trim();
        return s.length() > MAX_SUMMARY ? s.substring(0, MAX_SUMMARY) + "..." : s;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    private static boolean containsAny(String text, String[] needles) {
        for (String n : needles) {
            if (text.contains(n)) {
                return true;
            }
        }
        return false;
    }
}
