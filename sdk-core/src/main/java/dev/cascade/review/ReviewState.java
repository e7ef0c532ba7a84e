package dev.cascade.review;

/**
 * Where a {@link ReviewItem} is in its life.
 *
 * <pre>
 * PENDING ─claim(lease)─► CLAIMED ─decide─► APPROVED | EDITED | REJECTED        (final)
 *    ▲                        │
 *    └──── lease expired ◄────┘   (back to ESCALATED instead, if the item was escalated)
 * PENDING ─SLA due─► ESCALATED (still claimable, flagged, priority raised)   or   EXPIRED (final, default outcome)
 * </pre>
 *
 * <p>An item under a live claim is never escalated or expired under its reviewer: the SLA applies once the claim ends
 * (released, or its lease expired). Final states never change.
 */
public enum ReviewState {
    /** Waiting for a reviewer. Claimable. */
    PENDING,
    /** A reviewer holds a lease on it; only they may decide until the lease ends. */
    CLAIMED,
    /** Its SLA passed and its policy escalates: still waiting, claimable, flagged, with a higher priority. */
    ESCALATED,
    /** Final: the reviewer approved the proposed answer. */
    APPROVED,
    /** Final: the reviewer replaced the answer with their own. */
    EDITED,
    /** Final: the reviewer rejected the item; the caller gets no answer. */
    REJECTED,
    /** Final: its SLA passed and its policy expires it, with the policy's default outcome (an answer or none). */
    EXPIRED;

    /** Whether the state is final: the item is decided and never changes again. */
    public boolean isFinal() {
        return this == APPROVED || this == EDITED || this == REJECTED || this == EXPIRED;
    }

    /** Whether a reviewer may claim an item in this state (a {@code CLAIMED} one only once its lease has expired). */
    public boolean isWaiting() {
        return this == PENDING || this == ESCALATED;
    }
}
