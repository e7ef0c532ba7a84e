package dev.cascade.review;

import dev.cascade.api.CascadeException;

import java.util.Objects;

/**
 * A review operation that the item's current state refuses: it was claimed by someone else, the lease ran out, the
 * reviewer saw an older version, it was already decided... {@link #reason()} says which, for programs (a REST API maps
 * it to a status code); the message says what to do next, for people. Nothing was changed. Part of the
 * {@link ReviewStore} contract; not a store failure ({@link ReviewStoreException}). Immutable.
 */
public class ReviewConflictException extends CascadeException {
    private static final long serialVersionUID = 1L;

    /** Why the store refused. */
    public enum Reason {
        /** No item with that id. */
        NOT_FOUND,
        /** The item is waiting, not claimed: claim it first. */
        NOT_CLAIMED,
        /** Another reviewer holds a live claim on it. */
        CLAIMED_BY_OTHER,
        /** The reviewer's lease has ended: claim it again. */
        LEASE_EXPIRED,
        /** The item changed since the reviewer read it (another transition happened): reload it. */
        STALE_VERSION,
        /** The payload hash does not match what the item holds: the reviewer was shown something else. */
        PAYLOAD_CHANGED,
        /** The item is final and the request differs from its decision. */
        ALREADY_DECIDED
    }

    private final Reason reason;
    private final String itemId;

    public ReviewConflictException(Reason reason, String itemId, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.itemId = itemId;
    }

    /** Why: stable, for programs. */
    public Reason reason() {
        return reason;
    }

    /** The item concerned. */
    public String itemId() {
        return itemId;
    }
}
