package dev.cascade.api;

import java.util.concurrent.CompletableFuture;

/**
 * The caller's side of a pending review: the item's id (to look it up later, from any process) and a future that
 * completes when a reviewer decides. Completing or cancelling the future from outside does not change the item.
 *
 * @param <O> the chain's output type
 */
public interface ReviewHandle<O> {

    /** The review item's id, stable across processes. */
    String id();

    /** Completes with the decision; in-process callers may wait on it. */
    CompletableFuture<ReviewDecision<O>> decision();
}
