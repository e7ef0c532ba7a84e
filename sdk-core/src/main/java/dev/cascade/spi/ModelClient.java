package dev.cascade.spi;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;

/**
 * A model a chain can call: one request in, one response out. Adapters for client libraries implement it; so can a
 * lambda in a test. Implementations must be thread-safe.
 *
 * <p><b>Errors.</b> Throw {@link ModelCallException} with the right {@link dev.cascade.api.FailureKind} when you know it
 * (and the provider's Retry-After, if any); any other exception is classified by the chain's
 * {@link FailureClassifier}, and what nothing recognises is {@code UNAVAILABLE}. When the request never left the
 * process (serialising it failed, no connection could be taken from a local pool, the call was given up before it was
 * written), say so with {@link ModelCallException#notSent}: the attempt is recorded and retried as usual, but the
 * circuit breaker does not count it against the provider.
 *
 * <p><b>Never return {@code null}.</b> A {@code null} response is recorded as {@code UNAVAILABLE} (retried, counted
 * by the breaker, the chain's other models still tried), with the reason "model client returned null". Why not
 * {@code INVALID_REQUEST}: in practice a {@code null} comes from an adapter passing on what its library made of an
 * unusable provider reply (an empty body, a 200 carrying an error object), which is a provider-side failure that may
 * pass; {@code INVALID_REQUEST} would, by default, bar the chain's other models and never open the breaker for a client
 * that returns {@code null} on every call. A client that knows better throws {@link ModelCallException} with the kind.
 *
 * <p><b>Retries.</b> Cascade owns retries. Turn off the client library's own retries (e.g. {@code maxRetries(0)}),
 * otherwise one Cascade attempt may become several HTTP requests.
 *
 * <p><b>Interruption.</b> When an attempt times out or the caller cancels, the calling thread is interrupted. A
 * client that ignores interrupts keeps a pooled thread busy until it returns, but never the caller.
 */
@FunctionalInterface
public interface ModelClient {

    ModelResponse call(ModelRequest request) throws Exception;

    /** The provider, as in {@code gen_ai.provider.name} (e.g. {@code openai}). Default: {@code "unknown"}. */
    default String provider() {
        return "unknown";
    }

    /**
     * Configuration problems the client can see in itself (e.g. a wrapped library that retries on its own, which
     * multiplies requests). A chain reports each as an {@link dev.cascade.event.Anomaly} ({@code model-client}) to its
     * listeners when it is built. Default: none.
     */
    default java.util.List<String> warnings() {
        return java.util.List.of();
    }

    /** The requested model name (e.g. {@code gpt-4o}); {@code null} when the client does not know it. Default: null. */
    default String model() {
        return null;
    }

    /**
     * Prepares the client for its first call without making a billed request: loads and initialises the classes a
     * call needs, builds its serialisers, opens a connection where that is cheap. The first call in a cold JVM can
     * otherwise spend much of a short step timeout before any request leaves the process, and that timeout counts
     * against the breaker. Called by {@link dev.cascade.Cascade#warmUp()} (the Spring Boot starter calls it at
     * startup), possibly concurrently with calls; may be called more than once. Default: nothing.
     */
    default void warmUp() throws Exception {
    }
}
