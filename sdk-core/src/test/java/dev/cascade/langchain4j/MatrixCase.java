package dev.cascade.langchain4j;

import dev.cascade.api.FailureKind;
import dev.cascade.api.FailurePolicy;
import dev.cascade.fixtures.Fault;

import java.time.Duration;
import java.util.List;

/**
 * One row of the fault matrix: a fault of the {@link dev.cascade.fixtures.FaultyProvider} and what the chain must make
 * of it, whichever LangChain4j client meets it.
 *
 * <p>The expected HTTP requests for the faulty model follow from the kind's default policy and the step's retry
 * policy ({@code maxAttempts(2)}): 2 when the kind is retried, 1 when it is not, never more (the clients' own retries
 * are off). Whether the cheap model is called follows from the policy's {@code fallToModels}.
 *
 * @param label      the fault as the table shows it
 * @param fault      the provider's scripted reply for every request of the advanced model
 * @param kind       the failure kind every advanced attempt must record
 * @param requests   HTTP requests that must reach the provider for the advanced model
 * @param retryAfter when set, the provider's Retry-After that the retry must wait for
 * @param deadline   the chain's deadline when it is not the matrix's default
 */
record MatrixCase(String label, Fault fault, FailureKind kind, int requests, Duration retryAfter, Duration deadline) {

    /** Attempts of the advanced step. */
    static final int MAX_ATTEMPTS = 2;
    /** The longest Retry-After the advanced step waits for. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(2);

    static MatrixCase of(String label, Fault fault, FailureKind kind) {
        return new MatrixCase(label, fault, kind, kind.defaultPolicy().retry() ? MAX_ATTEMPTS : 1, null, null);
    }

    /** Every fault the issue lists, in the order of the table. */
    static List<MatrixCase> all() {
        return List.of(
                new MatrixCase("429 + Retry-After 1 s", Fault.RATE_LIMITED, FailureKind.RATE_LIMITED, MAX_ATTEMPTS,
                        Fault.DEFAULT_RETRY_AFTER, null),
                // Longer than maxRetryAfter: not waited for, not retried; the step falls through at once.
                new MatrixCase("429 + Retry-After 30 s (> maxRetryAfter 2 s)",
                        Fault.rateLimited(Duration.ofSeconds(30)), FailureKind.RATE_LIMITED, 1, null, null),
                // Within maxRetryAfter but past the deadline: not waited for either; the cheap model still has time.
                new MatrixCase("429 + Retry-After 2 s (> the 1.5 s deadline)",
                        Fault.rateLimited(Duration.ofSeconds(2)), FailureKind.RATE_LIMITED, 1, null,
                        Duration.ofMillis(1500)),
                of("429 insufficient_quota (Anthropic: 400 credit balance too low)", Fault.QUOTA_EXHAUSTED,
                        FailureKind.QUOTA_EXHAUSTED),
                of("500", Fault.SERVER_500, FailureKind.UNAVAILABLE),
                of("502 (HTML body)", Fault.BAD_GATEWAY_502, FailureKind.UNAVAILABLE),
                of("503", Fault.SERVER_503, FailureKind.UNAVAILABLE),
                // The adapter's documented choice (LangChain4jClassifier): overload is the provider's capacity, counted
                // by the breaker; FailureKind.RATE_LIMITED's own javadoc says "429 or provider overload".
                of("529 overloaded", Fault.OVERLOADED_529, FailureKind.UNAVAILABLE),
                of("slow headers (30 s > client timeout)", Fault.SLOW_HEADERS, FailureKind.TIMEOUT),
                of("body stalls mid-way (30 s)", Fault.STALLED_BODY, FailureKind.TIMEOUT),
                of("connection reset", Fault.CONNECTION_RESET, FailureKind.UNAVAILABLE),
                of("401", Fault.UNAUTHORIZED_401, FailureKind.AUTH),
                // The adapter's documented choice (LangChain4jClassifier): the step's model is missing, a later model
                // may answer. UNAVAILABLE is also retried, so a missing model is asked twice.
                of("404 model not found", Fault.MODEL_NOT_FOUND_404, FailureKind.UNAVAILABLE),
                of("400 invalid request", Fault.BAD_REQUEST_400, FailureKind.INVALID_REQUEST),
                of("400 context_length_exceeded (Anthropic: prompt is too long)", Fault.CONTEXT_LENGTH_EXCEEDED,
                        FailureKind.CONTEXT_TOO_LONG),
                of("content filter (OpenAI finish_reason content_filter, Anthropic stop_reason refusal)",
                        Fault.CONTENT_FILTERED, FailureKind.CONTENT_FILTERED),
                of("refusal (OpenAI message.refusal, Anthropic 400 output blocked by content filtering policy)",
                        Fault.REFUSAL, FailureKind.CONTENT_FILTERED),
                of("malformed JSON (200)", Fault.MALFORMED_JSON, FailureKind.UNAVAILABLE),
                of("error object inside a 200", Fault.ERROR_IN_200, FailureKind.UNAVAILABLE),
                of("empty completion (200)", Fault.EMPTY_COMPLETION, FailureKind.REJECTED));
    }

    FailurePolicy policy() {
        return kind.defaultPolicy();
    }

    /** Whether the cheap model must be called (and answer). */
    boolean fallsBack() {
        return policy().fallToModels();
    }

    @Override
    public String toString() {
        return label;
    }
}
