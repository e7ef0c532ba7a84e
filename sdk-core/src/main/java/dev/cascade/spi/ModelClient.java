package dev.cascade.spi;

import dev.cascade.ModelRequest;
import dev.cascade.ModelResponse;

/**
 * A model a chain can call: one request in, one response out. Adapters for client libraries implement it; so can a
 * lambda in a test. Implementations must be thread-safe.
 *
 * <p><b>Errors.</b> Throw {@link ModelCallException} with the right {@link dev.cascade.FailureKind} when you know it
 * (and the provider's Retry-After, if any); any other exception is classified by the chain's
 * {@link FailureClassifier}, and what nothing recognises is {@code UNAVAILABLE}.
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
}
