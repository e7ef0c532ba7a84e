package dev.cascade.review;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.api.StepKind;
import dev.cascade.review.ReviewConflictException.Reason;
import dev.cascade.review.ReviewDatabases.Kind;
import dev.cascade.review.ReviewDatabases.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The {@link ReviewStore} contract, run against the in-memory store, the JDBC store on a real (embedded) PostgreSQL,
 * and the JDBC store on H2. Each test gets fresh tables. Time moves only through an injected clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewStoreContractTest {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final ReviewDatabases databases = new ReviewDatabases();
    private final MutableClock clock = new MutableClock();

    @AfterAll
    void closeDatabases() throws Exception {
        databases.close();
    }

    private ReviewStore store(Kind kind) throws Exception {
        return databases.store(kind, clock);
    }

    private static List<ReviewAttempt> attempts() {
        return List.of(
                new ReviewAttempt("advanced", StepKind.MODEL, 1, Attempt.Status.FAILED, FailureKind.UNAVAILABLE,
                        "503 from provider", null, Money.ofMicros(0), Duration.ofMillis(120), null),
                new ReviewAttempt("cheap", StepKind.MODEL, 1, Attempt.Status.REJECTED, FailureKind.REJECTED,
                        "accept gate refused the answer", "gpt-4o-mini", Money.ofMicros(66), Duration.ofMillis(840),
                        "Maybe: \"refund\"?\n4:~ tricky 12:text"));
    }

    private static ReviewStore.Submission submission(String key) {
        return submission(key, "input of " + key, 0, null, ReviewPolicy.Breach.ESCALATE, null);
    }

    private static ReviewStore.Submission submission(String key, String input, int priority, Instant dueAt,
                                                     ReviewPolicy.Breach onBreach, String defaultAnswer) {
        return new ReviewStore.Submission("support", "desk", "acme", "exec-" + key, key, input, attempts(),
                Money.ofMicros(66), Map.of("traceparent", TRACEPARENT), priority, dueAt, onBreach, defaultAnswer);
    }

    private static ReviewStore.Decide decide(ReviewItem item, String reviewer, Verdict verdict, String answer) {
        return new ReviewStore.Decide(item.id(), reviewer, item.version(), item.payloadHash(), verdict, answer, null);
    }

    private static Reason reasonOf(Runnable r) {
        try {
            r.run();
        } catch (ReviewConflictException e) {
            return e.reason();
        }
        throw new AssertionError("expected a ReviewConflictException");
    }

    // ---- submit

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSubmittedItemIsPendingAtVersionOneWithEverythingItWasGiven(Kind kind) throws Exception {
        ReviewStore store = store(kind);

        ReviewItem item = store.submit(submission("ticket-1"));

        assertThat(item.state()).isEqualTo(ReviewState.PENDING);
        assertThat(item.version()).isEqualTo(1);
        assertThat(item.attempts()).isEqualTo(attempts());
        assertThat(item.attempts().get(1).answer()).isEqualTo("Maybe: \"refund\"?\n4:~ tricky 12:text");
        assertThat(item.cost()).isEqualTo(Money.ofMicros(66));
        assertThat(item.tenant()).isEqualTo("acme");
        assertThat(item.traceContext()).containsExactly(Map.entry("traceparent", TRACEPARENT));
        assertThat(item.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(item.createdAt()).isEqualTo(clock.instant());
        assertThat(item.payloadHash()).hasSize(64)
                .isEqualTo(ReviewText.payloadHash("input of ticket-1", attempts()))
                .isNotEqualTo(ReviewText.payloadHash("input of ticket-2", attempts()));
        assertThat(item.claimedBy()).isNull();
        assertThat(item.verdict()).isNull();
        // What was written is what is read back.
        assertThat(store.find(item.id())).contains(item);
        assertThat(store.findByIdempotencyKey("ticket-1")).contains(item);
        assertThat(store.audit(item.id())).extracting(AuditEntry::from, AuditEntry::to, AuditEntry::actor,
                AuditEntry::version).containsExactly(tuple(null, ReviewState.PENDING, ReviewStore.SYSTEM, 1L));
    }

    /** Text a person or a model may send that databases treat specially: NUL, the store's escape, bidi, emoji. */
    static final String ODD = "nul\u0000 dle\u0010 dle-zero\u00100 nul-dle\u0000\u0010 \u202Egnp.exe\u202C"
            + " \uD83D\uDE00 ' \" \\ %_ \u0010";

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anyTextIsStoredAndReadBackExactlyNulIncluded(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewAttempt answered = new ReviewAttempt("cheap\u0000", StepKind.MODEL, 1, Attempt.Status.REJECTED,
                FailureKind.REJECTED, "reason " + ODD, "model\u0000", Money.ofMicros(1), Duration.ofMillis(1),
                "answer " + ODD);
        String key = "key " + ODD;
        ReviewItem item = store.submit(new ReviewStore.Submission("support", "desk", "tenant\u0000x", "exec " + ODD,
                key, "ticket " + ODD, List.of(answered), Money.ofMicros(1), Map.of("traceparent", TRACEPARENT,
                "baggage", "k=" + ODD), 0, null, ReviewPolicy.Breach.ESCALATE, "default " + ODD));

        assertThat(item.input()).isEqualTo("ticket " + ODD);
        assertThat(store.find(item.id())).contains(item);
        assertThat(store.findByIdempotencyKey(key)).contains(item);
        assertThat(store.list(ReviewQuery.all().withTenant("tenant\u0000x"))).containsExactly(item);
        assertThat(item.payloadHash()).isEqualTo(ReviewText.payloadHash("ticket " + ODD, List.of(answered)));

        ReviewItem claimed = store.claimNext("rev\u0000iewer", LEASE, ReviewQuery.all().withTenant("tenant\u0000x"))
                .orElseThrow();
        assertThat(claimed.claimedBy()).isEqualTo("rev\u0000iewer");
        ReviewItem decided = store.decide(new ReviewStore.Decide(item.id(), "rev\u0000iewer", claimed.version(),
                claimed.payloadHash(), Verdict.EDITED, "edited " + ODD, "comment " + ODD));
        assertThat(decided.answer()).isEqualTo("edited " + ODD);
        assertThat(decided.comment()).isEqualTo("comment " + ODD);
        assertThat(store.find(item.id())).contains(decided);
        assertThat(store.audit(item.id())).extracting(AuditEntry::actor).contains("rev\u0000iewer");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void submittingTheSameKeyAgainReturnsTheFirstItemUnchanged(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem first = store.submit(submission("ticket-1"));
        clock.advance(Duration.ofMinutes(1));

        ReviewItem again = store.submit(submission("ticket-1", "another text", 9, null, ReviewPolicy.Breach.EXPIRE,
                "x"));

        assertThat(again).isEqualTo(first);
        assertThat(store.depth()).isEqualTo(1);
        assertThat(store.audit(first.id())).hasSize(1);
        assertThat(store.list(ReviewQuery.all())).containsExactly(first);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void unknownIdsAndKeysAreEmptyAndCommandsOnThemSayNotFound(Kind kind) throws Exception {
        ReviewStore store = store(kind);

        assertThat(store.find("nope")).isEmpty();
        assertThat(store.findByIdempotencyKey("nope")).isEmpty();
        assertThat(store.audit("nope")).isEmpty();
        assertThat(reasonOf(() -> store.claim("nope", "alice", LEASE))).isEqualTo(Reason.NOT_FOUND);
        assertThat(reasonOf(() -> store.release("nope", "alice"))).isEqualTo(Reason.NOT_FOUND);
        assertThatThrownBy(() -> store.decide(new ReviewStore.Decide("nope", "alice", 1, "h", Verdict.REJECTED, null,
                null))).isInstanceOf(ReviewConflictException.class).hasMessage("no review item with id 'nope'");
    }

    // ---- claims

    @ParameterizedTest
    @EnumSource(Kind.class)
    void claimNextTakesPriorityThenDueTimeThenAge(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        Instant soon = clock.instant().plus(Duration.ofHours(1));
        Instant later = clock.instant().plus(Duration.ofHours(2));
        String oldNoSla = store.submit(submission("a", "a", 0, null, ReviewPolicy.Breach.ESCALATE, null)).id();
        clock.advance(Duration.ofSeconds(1));
        String youngNoSla = store.submit(submission("b", "b", 0, null, ReviewPolicy.Breach.ESCALATE, null)).id();
        String dueLater = store.submit(submission("c", "c", 0, later, ReviewPolicy.Breach.ESCALATE, null)).id();
        String dueSoon = store.submit(submission("d", "d", 0, soon, ReviewPolicy.Breach.ESCALATE, null)).id();
        String urgent = store.submit(submission("e", "e", 5, null, ReviewPolicy.Breach.ESCALATE, null)).id();

        List<String> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            order.add(store.claimNext("alice", LEASE, ReviewQuery.all()).orElseThrow().id());
        }

        assertThat(order).containsExactly(urgent, dueSoon, dueLater, oldNoSla, youngNoSla);
        assertThat(store.claimNext("bob", LEASE, ReviewQuery.all())).isEmpty();
        assertThat(store.list(ReviewQuery.all())).extracting(ReviewItem::id).containsExactlyElementsOf(order);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void claimNextHonoursChainAndTenantFilters(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        store.submit(submission("a"));
        ReviewItem legal = store.submit(new ReviewStore.Submission("legal", "desk", "globex", "x", "b", "q", List.of(),
                Money.ZERO, Map.of(), 0, null, null, null));

        assertThat(store.claimNext("alice", LEASE, ReviewQuery.all().withChain("legal").withTenant("acme")))
                .isEmpty();
        assertThat(store.claimNext("alice", LEASE, ReviewQuery.all().withChain("legal")).orElseThrow().id())
                .isEqualTo(legal.id());
        assertThat(store.list(ReviewQuery.all().withTenant("globex"))).extracting(ReviewItem::id)
                .containsExactly(legal.id());
        assertThat(legal.traceId()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClaimIsALeaseTheHolderMayRenewAndOthersCannotTake(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem item = store.submit(submission("a"));

        ReviewItem claimed = store.claim(item.id(), "alice", LEASE);
        assertThat(claimed.state()).isEqualTo(ReviewState.CLAIMED);
        assertThat(claimed.claimedBy()).isEqualTo("alice");
        assertThat(claimed.leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(claimed.version()).isEqualTo(2);

        assertThatThrownBy(() -> store.claim(item.id(), "bob", LEASE)).isInstanceOf(ReviewConflictException.class)
                .hasMessageContaining("claimed by 'alice'").hasMessageContaining("pick another item");
        assertThat(reasonOf(() -> store.claim(item.id(), "bob", LEASE))).isEqualTo(Reason.CLAIMED_BY_OTHER);
        assertThat(store.claimNext("bob", LEASE, ReviewQuery.all())).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        ReviewItem renewed = store.claim(item.id(), "alice", LEASE);
        assertThat(renewed.leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(renewed.version()).isEqualTo(3);
        assertThat(store.find(item.id())).contains(renewed);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void releaseGivesTheItemBackOnlyForItsHolder(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem item = store.submit(submission("a"));
        assertThat(reasonOf(() -> store.release(item.id(), "alice"))).isEqualTo(Reason.NOT_CLAIMED);
        store.claim(item.id(), "alice", LEASE);

        assertThat(reasonOf(() -> store.release(item.id(), "bob"))).isEqualTo(Reason.CLAIMED_BY_OTHER);
        ReviewItem released = store.release(item.id(), "alice");

        assertThat(released.state()).isEqualTo(ReviewState.PENDING);
        assertThat(released.claimedBy()).isNull();
        assertThat(released.leaseUntil()).isNull();
        assertThat(store.claimNext("bob", LEASE, ReviewQuery.all()).orElseThrow().claimedBy()).isEqualTo("bob");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anEndedLeaseIsExpiredBySweepOrTakenOverWithBothStepsAudited(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem a = store.submit(submission("a"));
        ReviewItem b = store.submit(submission("b"));
        store.claim(a.id(), "alice", LEASE);
        store.claim(b.id(), "alice", LEASE);

        clock.advance(LEASE.minusSeconds(1));
        assertThat(store.expireLeases(clock.instant())).isZero();
        clock.advance(Duration.ofSeconds(1));

        // b: taken over by bob directly, the lapse and the new claim both in the log.
        ReviewItem taken = store.claim(b.id(), "bob", LEASE);
        assertThat(taken.claimedBy()).isEqualTo("bob");
        assertThat(taken.version()).isEqualTo(4);
        assertThat(store.audit(b.id())).extracting(AuditEntry::from, AuditEntry::to, AuditEntry::actor)
                .containsExactly(tuple(null, ReviewState.PENDING, ReviewStore.SYSTEM),
                        tuple(ReviewState.PENDING, ReviewState.CLAIMED, "alice"),
                        tuple(ReviewState.CLAIMED, ReviewState.PENDING, ReviewStore.SYSTEM),
                        tuple(ReviewState.PENDING, ReviewState.CLAIMED, "bob"));
        // a: the sweep.
        assertThat(store.expireLeases(clock.instant())).isEqualTo(1);
        assertThat(store.find(a.id()).orElseThrow().state()).isEqualTo(ReviewState.PENDING);
        assertThat(store.expireLeases(clock.instant())).isZero();
        // alice's late decision on b (made on the version she claimed, 2) fails: bob holds it now.
        assertThat(reasonOf(() -> store.decide(new ReviewStore.Decide(b.id(), "alice", 2, b.payloadHash(),
                Verdict.APPROVED, "late", null)))).isEqualTo(Reason.CLAIMED_BY_OTHER);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void claimNextTakesOverAnEndedLeaseWithoutASweep(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem a = store.submit(submission("a"));
        store.claimNext("alice", LEASE, ReviewQuery.all());
        clock.advance(LEASE);

        ReviewItem taken = store.claimNext("bob", LEASE, ReviewQuery.all()).orElseThrow();

        assertThat(taken.id()).isEqualTo(a.id());
        assertThat(taken.claimedBy()).isEqualTo("bob");
        assertThat(taken.version()).isEqualTo(4);
        assertThat(store.audit(a.id())).extracting(AuditEntry::to, AuditEntry::actor, AuditEntry::version)
                .containsExactly(tuple(ReviewState.PENDING, ReviewStore.SYSTEM, 1L), tuple(ReviewState.CLAIMED, "alice", 2L),
                        tuple(ReviewState.PENDING, ReviewStore.SYSTEM, 3L), tuple(ReviewState.CLAIMED, "bob", 4L));
    }

    // ---- decisions

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachVerdictIsStoredFinalWithItsAnswer(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem a = store.claim(store.submit(submission("a")).id(), "alice", LEASE);
        ReviewItem b = store.claim(store.submit(submission("b")).id(), "alice", LEASE);
        ReviewItem c = store.claim(store.submit(submission("c")).id(), "alice", LEASE);
        clock.advance(Duration.ofMinutes(1));

        ReviewItem approved = store.decide(decide(a, "alice", Verdict.APPROVED, "yes"));
        ReviewItem edited = store.decide(new ReviewStore.Decide(b.id(), "alice", b.version(), b.payloadHash(),
                Verdict.EDITED, "a better answer", "model was vague"));
        ReviewItem rejected = store.decide(new ReviewStore.Decide(c.id(), "alice", c.version(), c.payloadHash(),
                Verdict.REJECTED, "ignored", "spam"));

        assertThat(approved.state()).isEqualTo(ReviewState.APPROVED);
        assertThat(approved.answer()).isEqualTo("yes");
        assertThat(approved.decidedBy()).isEqualTo("alice");
        assertThat(approved.decidedAt()).isEqualTo(clock.instant());
        assertThat(approved.leaseUntil()).isNull();
        assertThat(approved.version()).isEqualTo(3);
        assertThat(edited.state()).isEqualTo(ReviewState.EDITED);
        assertThat(edited.answer()).isEqualTo("a better answer");
        assertThat(edited.comment()).isEqualTo("model was vague");
        assertThat(rejected.state()).isEqualTo(ReviewState.REJECTED);
        assertThat(rejected.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(rejected.answer()).isNull();
        assertThat(store.find(a.id())).contains(approved);
        assertThat(store.find(b.id())).contains(edited);
        assertThat(store.find(c.id())).contains(rejected);
        assertThat(store.depth()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyConflictReasonIsReportedAndChangesNothing(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem pending = store.submit(submission("p"));
        assertThat(reasonOf(() -> store.decide(decide(pending, "alice", Verdict.APPROVED, "x"))))
                .isEqualTo(Reason.NOT_CLAIMED);

        ReviewItem held = store.claim(pending.id(), "alice", LEASE);
        assertThat(reasonOf(() -> store.decide(decide(held, "bob", Verdict.APPROVED, "x"))))
                .isEqualTo(Reason.CLAIMED_BY_OTHER);
        assertThat(reasonOf(() -> store.decide(decide(pending, "alice", Verdict.APPROVED, "x"))))
                .isEqualTo(Reason.STALE_VERSION);
        assertThat(reasonOf(() -> store.decide(new ReviewStore.Decide(held.id(), "alice", held.version(),
                ReviewText.payloadHash("something else", List.of()), Verdict.APPROVED, "x", null))))
                .isEqualTo(Reason.PAYLOAD_CHANGED);
        assertThatThrownBy(() -> store.decide(decide(pending, "alice", Verdict.APPROVED, "x")))
                .hasMessageContaining("is at version 2, the decision was made on version 1")
                .hasMessageContaining("reload it");

        clock.advance(LEASE);
        assertThat(reasonOf(() -> store.decide(decide(held, "alice", Verdict.APPROVED, "x"))))
                .isEqualTo(Reason.LEASE_EXPIRED);
        assertThat(store.find(held.id())).contains(held);
        assertThat(store.audit(held.id())).hasSize(2);

        ReviewItem again = store.claim(held.id(), "alice", LEASE);
        ReviewItem done = store.decide(decide(again, "alice", Verdict.APPROVED, "x"));
        assertThat(reasonOf(() -> store.decide(decide(again, "alice", Verdict.REJECTED, null))))
                .isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(reasonOf(() -> store.decide(decide(done, "alice", Verdict.APPROVED, "x"))))
                .isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(reasonOf(() -> store.claim(done.id(), "bob", LEASE))).isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(reasonOf(() -> store.release(done.id(), "alice"))).isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(store.find(done.id())).contains(done);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void repeatingTheSameDecisionReturnsTheStoredOneAndLogsNothing(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        List<ReviewItem> heard = new ArrayList<>();
        store.subscribe(heard::add);
        ReviewItem held = store.claim(store.submit(submission("a")).id(), "alice", LEASE);
        ReviewStore.Decide command = new ReviewStore.Decide(held.id(), "alice", held.version(), held.payloadHash(),
                Verdict.EDITED, "refund issued", "checked the order");
        ReviewItem first = store.decide(command);
        clock.advance(Duration.ofMinutes(10)); // a retry after the lease would have ended

        ReviewItem repeat = store.decide(command);

        assertThat(repeat).isEqualTo(first);
        assertThat(store.audit(held.id())).hasSize(3);
        assertThat(heard).containsExactly(first);
    }

    @Test
    void aDecisionNeedsAnAnswerUnlessItRejectsAndCannotBeExpired() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ReviewStore.Decide("x", "alice", 1, "h",
                Verdict.APPROVED, null, null)).withMessage("answer must not be null for APPROVED");
        assertThatIllegalArgumentException().isThrownBy(() -> new ReviewStore.Decide("x", "alice", 1, "h",
                Verdict.EXPIRED, "a", null)).withMessageContaining("only the SLA expires items");
        assertThatIllegalArgumentException().isThrownBy(() -> new ReviewStore.Decide("x", " ", 1, "h",
                Verdict.REJECTED, null, null)).withMessage("reviewer must not be blank, was ' '");
    }

    // ---- SLA

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBreachedSlaEscalatesOnceRaisesPriorityAndSurvivesAClaim(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        Instant due = clock.instant().plus(Duration.ofHours(1));
        ReviewItem late = store.submit(submission("late", "q", 0, due, ReviewPolicy.Breach.ESCALATE, null));
        ReviewItem urgent = store.submit(submission("urgent", "q", 500, null, ReviewPolicy.Breach.ESCALATE, null));

        assertThat(store.applySla(due.minusSeconds(1))).isZero();
        clock.advance(Duration.ofHours(1));
        assertThat(store.applySla(clock.instant())).isEqualTo(1);
        assertThat(store.applySla(clock.instant())).isZero();

        ReviewItem escalated = store.find(late.id()).orElseThrow();
        assertThat(escalated.state()).isEqualTo(ReviewState.ESCALATED);
        assertThat(escalated.escalated()).isTrue();
        assertThat(escalated.priority()).isEqualTo(ReviewItem.ESCALATION_BOOST);
        ReviewItem first = store.claimNext("alice", LEASE, ReviewQuery.all()).orElseThrow();
        assertThat(first.id()).isEqualTo(late.id());
        assertThat(first.escalated()).isTrue();
        clock.advance(LEASE);
        store.expireLeases(clock.instant());
        assertThat(store.find(late.id()).orElseThrow().state()).isEqualTo(ReviewState.ESCALATED);
        assertThat(store.list(ReviewQuery.all().withStates(EnumSet.of(ReviewState.ESCALATED))))
                .extracting(ReviewItem::id).containsExactly(late.id());
        assertThat(store.find(urgent.id()).orElseThrow().state()).isEqualTo(ReviewState.PENDING);
        assertThat(store.audit(late.id())).extracting(AuditEntry::to).containsExactly(ReviewState.PENDING,
                ReviewState.ESCALATED, ReviewState.CLAIMED, ReviewState.ESCALATED);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBreachedSlaExpiresWithTheDefaultOutcomeButNeverUnderALiveClaim(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        List<ReviewItem> heard = new ArrayList<>();
        store.subscribe(heard::add);
        Instant due = clock.instant().plus(Duration.ofMinutes(30));
        ReviewItem withDefault = store.submit(submission("d", "q", 0, due, ReviewPolicy.Breach.EXPIRE,
                "We will reply within a day."));
        ReviewItem withoutDefault = store.submit(submission("n", "q", 0, due, ReviewPolicy.Breach.EXPIRE, null));
        ReviewItem underClaim = store.submit(submission("c", "q", 0, due, ReviewPolicy.Breach.EXPIRE, null));
        ReviewItem held = store.claim(underClaim.id(), "alice", Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(30));

        assertThat(store.applySla(clock.instant())).isEqualTo(2);

        ReviewItem expired = store.find(withDefault.id()).orElseThrow();
        assertThat(expired.state()).isEqualTo(ReviewState.EXPIRED);
        assertThat(expired.verdict()).isEqualTo(Verdict.EXPIRED);
        assertThat(expired.answer()).isEqualTo("We will reply within a day.");
        assertThat(expired.decidedBy()).isEqualTo(ReviewStore.SYSTEM);
        assertThat(expired.decidedAt()).isEqualTo(clock.instant());
        assertThat(store.find(withoutDefault.id()).orElseThrow().answer()).isNull();
        assertThat(store.find(withoutDefault.id()).orElseThrow().state()).isEqualTo(ReviewState.EXPIRED);
        assertThat(heard).extracting(ReviewItem::id).containsExactlyInAnyOrder(withDefault.id(), withoutDefault.id());
        // The reviewer under a live claim may still decide; the SLA waits for the claim to end.
        assertThat(store.find(underClaim.id()).orElseThrow().state()).isEqualTo(ReviewState.CLAIMED);
        assertThat(store.decide(decide(held, "alice", Verdict.APPROVED, "ok")).state())
                .isEqualTo(ReviewState.APPROVED);
        // Final states never change.
        assertThat(reasonOf(() -> store.claim(expired.id(), "bob", LEASE))).isEqualTo(Reason.ALREADY_DECIDED);
        clock.advance(Duration.ofDays(1));
        assertThat(store.applySla(clock.instant())).isZero();
        assertThat(store.find(expired.id())).contains(expired);
        assertThat(store.depth()).isZero();
    }

    // ---- audit and delivery

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theAuditLogRetracesAnItemsWholeLifeInOrder(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem item = store.submit(submission("a"));
        store.claim(item.id(), "alice", LEASE);
        store.release(item.id(), "alice");
        ReviewItem held = store.claimNext("bob", LEASE, ReviewQuery.all()).orElseThrow();
        clock.advance(Duration.ofMinutes(1));
        store.decide(decide(held, "bob", Verdict.APPROVED, "yes"));

        List<AuditEntry> log = store.audit(item.id());

        assertThat(log).extracting(AuditEntry::from, AuditEntry::to, AuditEntry::actor, AuditEntry::version)
                .containsExactly(
                        tuple(null, ReviewState.PENDING, ReviewStore.SYSTEM, 1L),
                        tuple(ReviewState.PENDING, ReviewState.CLAIMED, "alice", 2L),
                        tuple(ReviewState.CLAIMED, ReviewState.PENDING, "alice", 3L),
                        tuple(ReviewState.PENDING, ReviewState.CLAIMED, "bob", 4L),
                        tuple(ReviewState.CLAIMED, ReviewState.APPROVED, "bob", 5L));
        assertThat(log).extracting(AuditEntry::seq).isSorted().doesNotHaveDuplicates();
        assertThat(log.get(4).at()).isEqualTo(clock.instant());
        assertThat(log).allSatisfy(e -> assertThat(e.itemId()).isEqualTo(item.id()));
        assertThat(store.find(item.id()).orElseThrow().version()).isEqualTo(log.get(4).version());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void decisionsSinceListsFinalTransitionsAfterTheCursorInOrder(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        long start = store.lastAuditSeq();
        List<String> decided = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ReviewItem held = store.claim(store.submit(submission("k" + i)).id(), "alice", LEASE);
            store.decide(decide(held, "alice", Verdict.APPROVED, "a" + i));
            decided.add(held.id());
        }
        store.submit(submission("open")); // not a decision

        List<AuditEntry> all = store.decisionsSince(start, 100);
        assertThat(all).extracting(AuditEntry::itemId).containsExactlyElementsOf(decided);
        assertThat(all).allSatisfy(e -> assertThat(e.to()).isEqualTo(ReviewState.APPROVED));
        assertThat(all.get(0).transitionId()).isEqualTo(decided.get(0) + "@3");
        List<AuditEntry> firstTwo = store.decisionsSince(start, 2);
        assertThat(firstTwo).isEqualTo(all.subList(0, 2));
        assertThat(store.decisionsSince(firstTwo.get(1).seq(), 100)).isEqualTo(all.subList(2, 5));
        assertThat(store.decisionsSince(all.get(4).seq(), 100)).isEmpty();
        assertThat(store.lastAuditSeq()).isGreaterThan(all.get(4).seq());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void listFiltersByStateAndPages(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofSeconds(1));
            ids.add(store.submit(submission("k" + i)).id());
        }
        store.claim(ids.get(0), "alice", LEASE);

        assertThat(store.list(ReviewQuery.all().page(3, 0))).extracting(ReviewItem::id)
                .containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(store.list(ReviewQuery.all().page(3, 6))).extracting(ReviewItem::id).containsExactly(ids.get(6));
        assertThat(store.list(ReviewQuery.all().withStates(EnumSet.of(ReviewState.CLAIMED))))
                .extracting(ReviewItem::id).containsExactly(ids.get(0));
        assertThat(store.list(ReviewQuery.open())).hasSize(7);
        assertThat(store.list(ReviewQuery.all().withChain("other"))).isEmpty();
        assertThat(store.depth()).isEqualTo(7);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void textIsBoundNeverSpliced(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        String hostile = "it's \"fine\"'); DROP TABLE cascade_review_item; -- \\ ' OR '1'='1";
        ReviewItem item = store.submit(new ReviewStore.Submission("o'brien", "desk", "t'; DROP TABLE x; --",
                "exec'1", "key'; DROP TABLE cascade_review_audit; --", hostile, attempts(), Money.ZERO,
                Map.of("tracestate", "a=b,c='d'"), 0, null, null, "def'ault"));
        ReviewItem held = store.claim(item.id(), "rev'iewer", LEASE);
        store.decide(new ReviewStore.Decide(item.id(), "rev'iewer", held.version(), held.payloadHash(),
                Verdict.EDITED, hostile, "'; DELETE FROM cascade_review_item; --"));

        ReviewItem read = store.findByIdempotencyKey("key'; DROP TABLE cascade_review_audit; --").orElseThrow();
        assertThat(read.input()).isEqualTo(hostile);
        assertThat(read.answer()).isEqualTo(hostile);
        assertThat(read.chain()).isEqualTo("o'brien");
        assertThat(read.comment()).isEqualTo("'; DELETE FROM cascade_review_item; --");
        assertThat(store.list(ReviewQuery.all().withChain("o'brien").withTenant("t'; DROP TABLE x; --")))
                .containsExactly(read);
        assertThat(store.list(ReviewQuery.all().withChain("' OR '1'='1"))).isEmpty();
        assertThat(store.audit(item.id())).hasSize(3);
        assertThat(store.submit(submission("after"))).isNotNull();
        assertThat(store.list(ReviewQuery.all())).hasSize(2);
        assertThat(Optional.ofNullable(read.traceContext().get("tracestate"))).contains("a=b,c='d'");
    }

    // ---- housekeeping (issue 16, item 4: stores must not grow with every item they ever held)

    @ParameterizedTest
    @EnumSource(Kind.class)
    void purgingDeletesFinishedItemsAndTheirAuditRowsButNeverOpenOnes(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem old = store.submit(submission("old"));
        store.decide(decide(store.claim(old.id(), "alice", LEASE), "alice", Verdict.APPROVED, "yes"));
        ReviewItem expiring = store.submit(submission("expiring", "x", 0, clock.instant().plus(Duration.ofMinutes(1)),
                ReviewPolicy.Breach.EXPIRE, null));
        ReviewItem open = store.submit(submission("open"));
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.applySla(clock.instant())).isEqualTo(1); // expiring: EXPIRED, final
        clock.advance(Duration.ofDays(31));
        ReviewItem recent = store.submit(submission("recent"));
        store.decide(decide(store.claim(recent.id(), "bob", LEASE), "bob", Verdict.REJECTED, null));
        long lastSeq = store.lastAuditSeq();

        int purged = store.purgeFinishedBefore(clock.instant().minus(Duration.ofDays(30)));

        assertThat(purged).isEqualTo(2);
        assertThat(store.find(old.id())).isEmpty();
        assertThat(store.find(expiring.id())).isEmpty();
        assertThat(store.audit(old.id())).isEmpty();
        assertThat(store.audit(expiring.id())).isEmpty();
        assertThat(store.findByIdempotencyKey("old")).isEmpty();
        // Open items stay, however old; finished ones younger than the cutoff stay with their whole audit.
        assertThat(store.find(open.id())).map(ReviewItem::state).contains(ReviewState.PENDING);
        assertThat(store.audit(recent.id())).hasSize(3);
        assertThat(store.list(ReviewQuery.all())).extracting(ReviewItem::id)
                .containsExactlyInAnyOrder(open.id(), recent.id());
        assertThat(store.depth()).isEqualTo(1);
        assertThat(store.decisionsSince(0, 100)).extracting(AuditEntry::itemId).containsExactly(recent.id());
        assertThat(store.lastAuditSeq()).isEqualTo(lastSeq);
        assertThat(store.purgeFinishedBefore(clock.instant().minus(Duration.ofDays(30)))).isZero();
        // The open item still moves on, and new transitions number after the purged ones.
        ReviewItem decided = store.decide(decide(store.claim(open.id(), "carol", LEASE), "carol", Verdict.APPROVED,
                "ok"));
        assertThat(decided.state()).isEqualTo(ReviewState.APPROVED);
        assertThat(store.lastAuditSeq()).isGreaterThan(lastSeq);
        // A purged item's key is free again: keep finished items longer than callers retry a submission.
        ReviewItem again = store.submit(submission("old"));
        assertThat(again.id()).isNotEqualTo(old.id());
        assertThat(again.state()).isEqualTo(ReviewState.PENDING);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "H2"})
    void theJdbcStorePurgesByAgeOnItsOwnClockAndNamesABadAge(Kind kind) throws Exception {
        JdbcReviewStore store = (JdbcReviewStore) store(kind);
        ReviewItem item = store.submit(submission("aged"));
        store.decide(decide(store.claim(item.id(), "alice", LEASE), "alice", Verdict.APPROVED, "yes"));
        clock.advance(Duration.ofDays(7));

        assertThat(store.purgeFinishedOlderThan(Duration.ofDays(8))).isZero();
        assertThat(store.purgeFinishedOlderThan(Duration.ofDays(6))).isEqualTo(1);
        assertThat(store.find(item.id())).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> store.purgeFinishedOlderThan(Duration.ZERO))
                .withMessage("age must be > 0, was PT0S");
    }

    /** The audit detail is escaped before it is cut to its column: NULs (escaped to two characters) cannot overflow. */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "H2"})
    void aLongAuditDetailFitsItsColumnAfterEscaping(Kind kind) throws Exception {
        var pool = databases.freshPool(kind, 2);
        JdbcReviewStore store = new JdbcReviewStore(pool, clock);
        store.createSchema();
        ReviewItem item = store.submit(submission("long-detail"));
        String detail = "\u0000".repeat(999) + "x".repeat(50);
        try (var c = pool.getConnection()) {
            c.setAutoCommit(true);
            JdbcReviewStore.audit(c, List.of(new AuditEntry(0, item.id(), ReviewState.PENDING, ReviewState.PENDING,
                    "system", clock.instant(), 9, detail)));
        }

        String stored = store.audit(item.id()).get(1).detail();
        assertThat(stored).isEqualTo("\u0000".repeat(500));
        assertThat(detail).startsWith(stored);
    }
}
