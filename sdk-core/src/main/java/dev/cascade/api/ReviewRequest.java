package dev.cascade.api;

import java.util.List;
import java.util.Map;
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
 * @param traceContext   the execution's trace context as W3C {@code traceparent}/{@code tracestate} entries (empty
 *                       when there was no sampled span), so a decision made later, elsewhere, can link to the trace
 * @param answers        the raw text of the model answers that were not used (the parser or the accept gate refused
 *                       them), by index into {@code attempts}; empty when there were none. This is completion text: the
 *                       engine never puts it in spans, events or logs, and hands it only to the review queue
 * @param <I>            the chain's input type
 */
public record ReviewRequest<I>(String chain, String step, String executionId, String idempotencyKey, I input,
                               List<Attempt> attempts, CallContext context, Map<String, String> traceContext,
                               Map<Integer, String> answers) {

    /** A request with no trace context and no unused answers. */
    public ReviewRequest(String chain, String step, String executionId, String idempotencyKey, I input,
                         List<Attempt> attempts, CallContext context) {
        this(chain, step, executionId, idempotencyKey, input, attempts, context, Map.of(), Map.of());
    }

    /** A request with no unused answers. */
    public ReviewRequest(String chain, String step, String executionId, String idempotencyKey, I input,
                         List<Attempt> attempts, CallContext context, Map<String, String> traceContext) {
        this(chain, step, executionId, idempotencyKey, input, attempts, context, traceContext, Map.of());
    }

    public ReviewRequest {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(input, "input");
        attempts = List.copyOf(attempts);
        Objects.requireNonNull(context, "context");
        traceContext = Map.copyOf(traceContext);
        answers = Map.copyOf(answers);
        for (Integer i : answers.keySet()) {
            if (i < 0 || i >= attempts.size()) {
                throw new IllegalArgumentException("answers: index " + i + " is not an attempt (there are "
                        + attempts.size() + ")");
            }
        }
    }

    /** The unused model answer of attempt {@code index}, if there was one. */
    public java.util.Optional<String> answer(int index) {
        return java.util.Optional.ofNullable(answers.get(index));
    }
}
