package dev.cascade.budget;

import dev.cascade.api.ModelRequest;

/**
 * Estimates a request's input tokens before the call, for the reservation. It should err high: the reservation is
 * the worst case, and the settle corrects it to what the provider reported. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TokenEstimator {

    long estimateInputTokens(ModelRequest request);

    /**
     * The default: one token per three characters, rounded up, plus 16 tokens of message framing per message. English
     * text averages about four characters per token with common tokenizers, so this over-reserves by a third, which
     * covers code, numbers and non-Latin text, which tokenise denser.
     */
    static TokenEstimator charsPerToken() {
        return request -> {
            long chars = request.user().length() + (request.system() == null ? 0 : request.system().length());
            int messages = request.system() == null ? 1 : 2;
            return (chars + 2) / 3 + 16L * messages;
        };
    }
}
