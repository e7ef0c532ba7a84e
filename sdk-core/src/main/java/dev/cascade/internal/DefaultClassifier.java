package dev.cascade.internal;

import dev.cascade.api.FailureKind;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.ModelCallException;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * The classifier every chain ends with: {@link ModelCallException} says its kind; timeouts are TIMEOUT; everything
 * else, including connection errors and exceptions nobody recognises, is UNAVAILABLE. Walks the cause chain so a
 * wrapped timeout is still a timeout.
 */
final class DefaultClassifier implements FailureClassifier {
    static final DefaultClassifier INSTANCE = new DefaultClassifier();

    @Override
    public Classification classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ModelCallException m) {
                return new Classification(m.kind(), m.retryAfter().orElse(null));
            }
            // OkHttp reports its call timeout as InterruptedIOException("timeout"); the JDK client as
            // HttpTimeoutException.
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException
                    || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof InterruptedIOException && "timeout".equalsIgnoreCase(String.valueOf(t.getMessage()))) {
                return Classification.of(FailureKind.TIMEOUT);
            }
        }
        return Classification.of(FailureKind.UNAVAILABLE);
    }
}
