package dev.cascade.cache;

import dev.cascade.api.CascadeException;

/**
 * A {@link CacheStore} could not do what was asked (the database refused, or was unreachable). The response cache
 * treats it as a miss, or as an answer not stored; it reaches the application only from calls it makes itself
 * ({@code createSchema}, invalidation).
 */
public class CacheStoreException extends CascadeException {
    private static final long serialVersionUID = 1L;

    /** {@code message} names the operation and the store's error, never a stored value. */
    public CacheStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
