package dev.cascade.internal;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import io.github.resilience4j.bulkhead.Bulkhead;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One timed model call, shared by the caller that waits for it and the pool thread that makes it. A handshake decides,
 * once, how the two part when the caller stops waiting (timeout, cancel): the call never started (the provider never
 * saw it), it had already ended (its result is here), or it is still running (its result goes to the
 * {@link LateSettlement} the caller left behind, which settles the attempt's reservation when it really ends).
 */
final class InFlightCall implements Callable<ModelResponse> {

    /** Where the call was when the caller stopped waiting. */
    enum Fate { NEVER_STARTED, ENDED, STILL_RUNNING }

    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int ABANDONED = 2;
    private static final int ENDED = 3;
    private static final int LEFT = 4;

    private final AtomicInteger state = new AtomicInteger(NEW);
    private final ModelClient client;
    private final ModelRequest request;
    /**
     * The step's bulkhead slot this call holds, or null. Given back exactly once: by the calling thread when the call
     * really ends (so a call the caller gave up on keeps its slot while it still runs), or by whoever moves the call
     * from NEW to ABANDONED (it never started).
     */
    private final Bulkhead slot;
    // Written by the calling thread before its CAS to ENDED, read by the caller only after it saw ENDED.
    private ModelResponse response;
    private Throwable error;
    /** Set by the caller before it claims LEFT; read by the calling thread only after its own CAS failed. */
    private volatile LateSettlement late;

    InFlightCall(ModelClient client, ModelRequest request) {
        this(client, request, null);
    }

    InFlightCall(ModelClient client, ModelRequest request, Bulkhead slot) {
        this.client = client;
        this.request = request;
        this.slot = slot;
    }

    @Override
    public ModelResponse call() throws Exception {
        if (!state.compareAndSet(NEW, STARTED)) {
            throw new CancellationException("attempt abandoned before its call started");
        }
        ModelResponse r = null;
        Throwable t = null;
        try {
            r = client.call(request);
            return r;
        } catch (Exception | Error e) {
            t = e;
            throw e;
        } finally {
            if (slot != null) {
                slot.onComplete();
            }
            response = r;
            error = t;
            if (!state.compareAndSet(STARTED, ENDED)) {
                LateSettlement settlement = late;
                if (settlement != null) {
                    settlement.ended(r, t);
                }
            }
        }
    }

    /**
     * The caller stops waiting. When the call is still running, {@code settlement} (may be null: nothing to settle,
     * no one to tell) receives its end.
     */
    Fate leave(LateSettlement settlement) {
        if (abandonIfNotStarted()) {
            return Fate.NEVER_STARTED;
        }
        late = settlement;
        return state.compareAndSet(STARTED, LEFT) ? Fate.STILL_RUNNING : Fate.ENDED;
    }

    /**
     * Makes sure the call never starts if it has not yet, giving back its bulkhead slot. Returns true when it had not
     * started (and now never will).
     */
    boolean abandonIfNotStarted() {
        if (!state.compareAndSet(NEW, ABANDONED)) {
            return false;
        }
        if (slot != null) {
            slot.releasePermission(); // no call was made: nothing for the bulkhead's events to report
        }
        return true;
    }

    /** Whether the call has begun (or ended); false while it waits for a thread, and once abandoned before that. */
    boolean started() {
        int s = state.get();
        return s != NEW && s != ABANDONED;
    }

    /** What the ended call reported as billed: its response's usage, or its ModelCallException's. */
    Usage billed() {
        return billed(response, error);
    }

    static Usage billed(ModelResponse response, Throwable error) {
        if (response != null) {
            return response.usage() == null ? Usage.NONE : response.usage();
        }
        return error instanceof ModelCallException m ? m.usage() : Usage.NONE;
    }
}
