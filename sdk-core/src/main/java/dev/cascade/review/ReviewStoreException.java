package dev.cascade.review;

import dev.cascade.api.CascadeException;

/**
 * The review store itself failed: a database error, or a run of conflicts that outlasted the store's own retries.
 * Part of the {@link ReviewStore} contract (not a refusal by the item's state: that is
 * {@link ReviewConflictException}).
 *
 * <p><b>Did it happen?</b> Unknown for a command: a failure while committing may leave the transaction committed.
 * Every {@link ReviewStore} operation is safe to retry: {@code submit} is idempotent on its key, a repeated decision
 * that was stored returns the stored item, and a repeated claim by the same reviewer renews its lease; read the item
 * again ({@link ReviewStore#find}) to learn its state. The message names the operation and the store's error, never a
 * stored value (input, answer, comment). Immutable.
 */
public class ReviewStoreException extends CascadeException {
    private static final long serialVersionUID = 1L;

    /** {@code message} names the operation and the store's error, never a stored value. */
    public ReviewStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
