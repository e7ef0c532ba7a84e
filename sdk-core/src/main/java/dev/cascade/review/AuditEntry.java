package dev.cascade.review;

import java.time.Instant;
import java.util.Objects;

/**
 * One transition of one review item, as the append-only audit log keeps it. Written in the same transaction as the
 * transition itself, so the log is complete: replaying an item's entries in {@code seq} order retraces its life.
 * Immutable.
 *
 * @param seq     the entry's position in the store's whole log: increasing, never reused
 * @param itemId  the item
 * @param from    the state before; {@code null} for the submission
 * @param to      the state after
 * @param actor   the reviewer, or {@link ReviewStore#SYSTEM} for the store's own transitions (submit, lease expiry,
 *                SLA)
 * @param at      when
 * @param version the item's version after the transition; {@code itemId + "@" + version} identifies the transition
 * @param detail  a short explanation (never the input or answer text); may be {@code null}
 */
public record AuditEntry(long seq, String itemId, ReviewState from, ReviewState to, String actor, Instant at,
                         long version, String detail) {

    public AuditEntry {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(at, "at");
    }

    /** {@code itemId@version}: the same for every delivery of this transition, in any process. */
    public String transitionId() {
        return itemId + "@" + version;
    }
}
