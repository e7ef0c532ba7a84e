package dev.cascade.review;

import dev.cascade.Attempt;
import dev.cascade.CallContext;

import java.util.List;
import java.util.Objects;

/**
 * What the human review step hands to a {@link dev.cascade.spi.ReviewQueue}: the input and the whole story of the
 * execution so far, so a reviewer sees what each model said (by its attempt record) and why it was not used.
 *
 * @param chain          the chain's name
 * @param step           the review step's name
 * @param executionId    the execution that created the item
 * @param idempotencyKey submitting twice with the same key yields the same item
 * @param input          the chain's input, never dropped
 * @param attempts       every attempt before the review step, in order
 * @param context        the caller's context (tenant, attributes)
 * @param <I>            the chain's input type
 */
public record ReviewRequest<I>(String chain, String step, String executionId, String idempotencyKey, I input,
                               List<Attempt> attempts, CallContext context) {
    public ReviewRequest {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(input, "input");
        attempts = List.copyOf(attempts);
        Objects.requireNonNull(context, "context");
    }
}
