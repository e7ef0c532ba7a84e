package dev.cascade.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

import java.util.HashMap;
import java.util.Map;

/** W3C trace-context headers of a context, for storing with a review item. */
final class TraceContexts {
    private TraceContexts() {
    }

    static Map<String, String> inject(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return Map.of();
        }
        Map<String, String> carrier = new HashMap<>(4);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, (c, k, v) -> c.put(k, v));
        return carrier;
    }
}
