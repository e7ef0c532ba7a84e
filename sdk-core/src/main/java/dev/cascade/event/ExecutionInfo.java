package dev.cascade.event;

import dev.cascade.api.CallContext;
import io.opentelemetry.context.Context;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The execution an event belongs to. Listeners that need per-execution state (a span, a timer) keep it here with
 * {@link #attach}/{@link #attachment} instead of in a map of their own. Thread-safe; created only when the chain has
 * listeners.
 */
public final class ExecutionInfo {
    private final String chain;
    private final String executionId;
    private final CallContext context;
    private final Context parentContext;
    private final long startNanos;
    // The first attachment lives in two fields: the common case (one telemetry listener) allocates no map.
    private Object firstKey;
    private Object firstValue;
    private Map<Object, Object> attachments;
    private volatile Context callContext;
    private volatile Context executionContext;

    public ExecutionInfo(String chain, String executionId, CallContext context, Context parentContext, long startNanos) {
        this.chain = Objects.requireNonNull(chain);
        this.executionId = Objects.requireNonNull(executionId);
        this.context = Objects.requireNonNull(context);
        this.parentContext = Objects.requireNonNull(parentContext);
        this.startNanos = startNanos;
    }

    public String chain() {
        return chain;
    }

    public String executionId() {
        return executionId;
    }

    public CallContext context() {
        return context;
    }

    /** The OpenTelemetry context that was current when the caller called {@code execute} or {@code executeAsync}. */
    public Context parentContext() {
        return parentContext;
    }

    /**
     * Sets the OpenTelemetry context of the whole execution, typically the execution's root span. Set it in
     * {@link dev.cascade.spi.CascadeListener#onExecutionStarted}; model calls without a call context run in it, and
     * the human review step stores it with the review item so a later decision can link back to this trace.
     */
    public void setExecutionContext(Context context) {
        this.executionContext = context;
    }

    /** The context set by {@link #setExecutionContext}, or {@code null}. */
    public Context executionContext() {
        return executionContext;
    }

    /**
     * Sets the OpenTelemetry context the current model attempt's call runs in, typically the attempt's span, so the
     * client library's own instrumentation (HTTP spans) nests under it. Set it in
     * {@link dev.cascade.spi.CascadeListener#onAttemptStarted}; the engine uses it for that one call, then clears it.
     */
    public void setCallContext(Context context) {
        this.callContext = context;
    }

    /** The context set by {@link #setCallContext}, or {@code null}. */
    public Context callContext() {
        return callContext;
    }

    /** The chain's {@link dev.cascade.spi.TimeSource#nanoTime()} at the start of the execution. */
    public long startNanos() {
        return startNanos;
    }

    /** Stores listener state for this execution under {@code key} (replacing what was there). */
    public synchronized void attach(Object key, Object value) {
        Objects.requireNonNull(key, "key");
        if (firstKey == null || firstKey.equals(key)) {
            firstKey = key;
            firstValue = value;
            return;
        }
        if (attachments == null) {
            attachments = new HashMap<>(4);
        }
        attachments.put(key, value);
    }

    /** Listener state stored under {@code key}, or {@code null}. */
    @SuppressWarnings("unchecked")
    public synchronized <T> T attachment(Object key) {
        if (key.equals(firstKey)) {
            return (T) firstValue;
        }
        return attachments == null ? null : (T) attachments.get(key);
    }
}
