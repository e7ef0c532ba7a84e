package dev.cascade.spi;

import dev.cascade.api.ReviewHandle;
import dev.cascade.api.ReviewRequest;

/**
 * Where the human review step puts inputs that no model or rule answered. Implementations must be thread-safe and
 * must make {@link #submit} idempotent on {@link ReviewRequest#idempotencyKey()}: submitting the same key again
 * returns a handle for the same item instead of creating a second one.
 *
 * <p>When {@code submit} returns, the item must be stored: the chain reports it as pending and the caller may exit.
 * If {@code submit} throws, the execution ends {@code UNANSWERED} with the error as the reason.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public interface ReviewQueue<I, O> {

    ReviewHandle<O> submit(ReviewRequest<I> request) throws Exception;
}
