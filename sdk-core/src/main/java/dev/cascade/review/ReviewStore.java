package dev.cascade.review;

import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where review items live: the truth about every item, shared by every process that uses the same store. Text only
 * (a {@link ReviewCodec} turns a chain's typed input and answers into text), so a database can persist items and a
 * REST API can show them. Implementations: {@link InMemoryReviewStore} (tests, demos) and {@link JdbcReviewStore}
 * (PostgreSQL, H2).
 *
 * <p><b>Contract.</b> Every method is one transaction and thread-safe. Every transition bumps the item's
 * {@link ReviewItem#version() version} by one and appends an {@link AuditEntry} in the same transaction. Final states
 * never change. Claims are leases, not locks: nothing is held while a human thinks, and a claim whose lease has ended
 * may be taken by anyone. Operations the item's state refuses throw {@link ReviewConflictException} and change
 * nothing; an unknown id in a command throws it with {@link ReviewConflictException.Reason#NOT_FOUND}.
 *
 * <p>Times: the store stamps transitions with its own clock; {@link #expireLeases} and {@link #applySla} take the
 * time explicitly so a sweeper (or a test) decides what "now" is.
 */
public interface ReviewStore {

    /** The actor of the store's own transitions (submit, lease expiry, SLA) in the audit log. */
    String SYSTEM = "cascade";

    /**
     * Stores a new item, {@code PENDING}, version 1; or, when an item with the same idempotency key exists, returns
     * that one unchanged. When this returns, the item is durable (as durable as the store).
     */
    ReviewItem submit(Submission submission);

    /** The item, if it exists. */
    Optional<ReviewItem> find(String id);

    /** The item submitted with this idempotency key, if any. */
    Optional<ReviewItem> findByIdempotencyKey(String idempotencyKey);

    /** A page of items matching the query, ordered by priority desc, due time asc (none last), submission. */
    List<ReviewItem> list(ReviewQuery query);

    /**
     * Claims the first claimable item (waiting, or claimed with an ended lease) in list order, among those matching
     * the query's chain and tenant (its states and page are ignored), for {@code reviewer} until now + {@code lease}.
     *
     * @return the claimed item, or empty when nothing is claimable
     */
    Optional<ReviewItem> claimNext(String reviewer, Duration lease, ReviewQuery query);

    /**
     * Claims this item for {@code reviewer}: from a waiting state, from an ended lease, or, when {@code reviewer}
     * already holds it, renews the lease.
     *
     * @throws ReviewConflictException CLAIMED_BY_OTHER, ALREADY_DECIDED, NOT_FOUND
     */
    ReviewItem claim(String id, String reviewer, Duration lease);

    /**
     * Gives the claim back before its lease ends: the item waits again ({@code PENDING}, or {@code ESCALATED} if it was
     * escalated).
     *
     * @throws ReviewConflictException NOT_CLAIMED, CLAIMED_BY_OTHER, ALREADY_DECIDED, NOT_FOUND
     */
    ReviewItem release(String id, String reviewer);

    /**
     * Decides an item. The reviewer must hold a live claim, and the command must carry the version and payload hash
     * of the snapshot the reviewer was shown. Repeating a decision that was stored (same reviewer, verdict, answer,
     * comment, hash, and the version it was made on) returns the stored item; any other request on a final item
     * throws ALREADY_DECIDED.
     *
     * @throws ReviewConflictException NOT_FOUND, ALREADY_DECIDED, PAYLOAD_CHANGED, NOT_CLAIMED, CLAIMED_BY_OTHER,
     *                                 LEASE_EXPIRED, STALE_VERSION (checked in that order)
     */
    ReviewItem decide(Decide command);

    /**
     * Ends every claim whose lease ended at or before {@code now}: the item waits again ({@code PENDING}, or
     * {@code ESCALATED} if it was escalated).
     *
     * @return how many claims ended
     */
    int expireLeases(Instant now);

    /**
     * Applies the SLA of every waiting item due at or before {@code now}: escalates it (once: {@code ESCALATED},
     * priority + {@link ReviewItem#ESCALATION_BOOST}) or expires it ({@code EXPIRED}, final, with its default answer or
     * none), as its {@link ReviewItem#onBreach()} says. Items under a live claim are left to their reviewer.
     *
     * @return how many items were escalated or expired
     */
    int applySla(Instant now);

    /** Every transition of the item, in order; empty for an unknown id. */
    List<AuditEntry> audit(String id);

    /** The number of items not yet final. */
    long depth();

    /**
     * Housekeeping: deletes the items that reached a final state (approved, edited, rejected, expired) before
     * {@code decidedBefore}, with their audit entries, so a store that runs for years does not grow with every item
     * it ever held. Open items are never deleted. After this, {@link #find} and {@link #audit} know nothing of a
     * deleted item, and a submission with its idempotency key creates a new item: keep finished items longer than
     * callers may retry a submission and than {@link DurableReviewQueue}'s delivery grace. Call it on a schedule.
     *
     * @return how many items were deleted
     * @throws UnsupportedOperationException for a store that does not implement it (the default)
     */
    default int purgeFinishedBefore(Instant decidedBefore) {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement purgeFinishedBefore;"
                + " delete its finished items by its own means");
    }

    /**
     * Transitions into a final state with {@link AuditEntry#seq()} greater than {@code cursor}, in {@code seq} order,
     * at most {@code limit} ({@code 1..}{@value ReviewQuery#MAX_LIMIT}). A process that did not make a decision learns
     * of it here. On a database, sequence numbers are taken when a transaction writes and become visible when it
     * commits, so an entry may appear after one with a higher number: readers re-read a short window (see
     * {@link DurableReviewQueue}).
     */
    List<AuditEntry> decisionsSince(long cursor, int limit);

    /** The highest audit sequence number so far; 0 when the log is empty. */
    long lastAuditSeq();

    /**
     * Calls {@code listener} with the item after every transition into a final state that this store object commits
     * (not those made by other processes: read {@link #decisionsSince} for those), on the committing thread, after
     * the commit. A listener that throws is ignored.
     *
     * @return closing it stops the calls
     */
    Subscription subscribe(Consumer<ReviewItem> listener);

    /** A listener registration; {@link #close()} removes it. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * A new item. The store adds the id, times, hash and state.
     *
     * @param chain          the chain's name
     * @param step           the review step's name
     * @param tenant         the caller's tenant; {@code null} when none
     * @param executionId    the execution that submits it
     * @param idempotencyKey submitting this key again returns the first item (1 to 512 characters)
     * @param input          the input, as text
     * @param attempts       what the execution tried, with the unused model answers
     * @param cost           what the execution spent so far
     * @param traceContext   W3C trace-context entries; empty when none
     * @param priority       higher is claimed first
     * @param dueAt          the SLA; {@code null} for none
     * @param onBreach       what the SLA does when it passes
     * @param defaultAnswer  the answer an expired item gives; {@code null} for a rejection
     */
    record Submission(String chain, String step, String tenant, String executionId, String idempotencyKey,
                      String input, List<ReviewAttempt> attempts, Money cost, Map<String, String> traceContext,
                      int priority, Instant dueAt, ReviewPolicy.Breach onBreach, String defaultAnswer) {

        /** The longest idempotency key. */
        public static final int MAX_KEY_LENGTH = 512;

        public Submission {
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(executionId, "executionId");
            Objects.requireNonNull(idempotencyKey, "idempotencyKey");
            if (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("idempotencyKey must have 1 to " + MAX_KEY_LENGTH
                        + " characters, had " + idempotencyKey.length());
            }
            Objects.requireNonNull(input, "input");
            attempts = List.copyOf(attempts);
            cost = cost == null ? Money.ZERO : cost;
            traceContext = traceContext == null ? Map.of() : Map.copyOf(traceContext);
            onBreach = onBreach == null ? ReviewPolicy.Breach.ESCALATE : onBreach;
        }
    }

    /**
     * A reviewer's decision on the snapshot they were shown.
     *
     * @param id              the item
     * @param reviewer        who decides; must hold a live claim
     * @param expectedVersion {@link ReviewItem#version()} of the snapshot shown
     * @param payloadHash     {@link ReviewItem#payloadHash()} of the snapshot shown
     * @param verdict         APPROVED, EDITED or REJECTED (EXPIRED is the store's own)
     * @param answer          the answer for APPROVED and EDITED; ignored (stored as none) for REJECTED
     * @param comment         free text; may be {@code null}
     */
    record Decide(String id, String reviewer, long expectedVersion, String payloadHash, Verdict verdict,
                  String answer, String comment) {

        public Decide {
            Objects.requireNonNull(id, "id");
            ReviewChecks.reviewer(reviewer);
            Objects.requireNonNull(payloadHash, "payloadHash");
            Objects.requireNonNull(verdict, "verdict");
            if (verdict == Verdict.EXPIRED) {
                throw new IllegalArgumentException("verdict must be APPROVED, EDITED or REJECTED, was EXPIRED"
                        + " (only the SLA expires items)");
            }
            if (verdict == Verdict.REJECTED) {
                answer = null;
            } else if (answer == null) {
                throw new IllegalArgumentException("answer must not be null for " + verdict);
            }
        }
    }
}
