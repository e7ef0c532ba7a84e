package dev.cascade.review;

import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision.Verdict;
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
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The work-list half of the {@link ReviewStore} contract (keyset pages, filters, search, counts, stats, lease
 * renewal), run against the in-memory store and the JDBC store on real PostgreSQL and H2. Fresh tables per test;
 * time moves only through an injected clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewWorkListContractTest {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private final ReviewDatabases databases = new ReviewDatabases();
    private final MutableClock clock = new MutableClock();

    @AfterAll
    void closeDatabases() throws Exception {
        databases.close();
    }

    private ReviewStore store(Kind kind) throws Exception {
        return databases.store(kind, clock);
    }

    private ReviewItem submit(ReviewStore store, String key, String chain, String step, String tenant, String input,
                              int priority, Instant dueAt) {
        clock.advance(Duration.ofSeconds(1));
        return store.submit(new ReviewStore.Submission(chain, step, tenant, "exec-" + key, key, input, List.of(),
                Money.ZERO, Map.of(), priority, dueAt, ReviewPolicy.Breach.ESCALATE, null));
    }

    private static List<ReviewItem> all(ReviewStore store, ReviewSearch search) {
        List<ReviewItem> out = new ArrayList<>();
        ReviewPage page = store.page(search);
        int pages = 1;
        out.addAll(page.items());
        while (page.nextCursor() != null) {
            assertThat(page.items()).hasSize(search.limit());
            page = store.page(search.withCursor(page.nextCursor()));
            out.addAll(page.items());
            assertThat(++pages).isLessThan(1_000);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everySortPagesThroughEveryItemOnceInItsOrderAndOverdueItemsLeadTheDueOrder(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        Instant t0 = clock.instant();
        List<ReviewItem> items = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            // Priorities 0..2 and due times spread around now, some without an SLA: many ties to break.
            Instant due = i % 4 == 0 ? null : t0.plus(Duration.ofMinutes((i * 7L) % 23 - 8));
            items.add(submit(store, "k" + i, "support", "desk", "acme", "ticket " + i, i % 3, due));
        }
        Map<String, Integer> seq = new java.util.HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            seq.put(items.get(i).id(), i);
        }
        Comparator<ReviewItem> byPriority = Comparator.comparingInt(i -> -i.priority());
        Comparator<ReviewItem> byDue = Comparator.comparing(i -> i.dueAt() == null ? Instant.MAX : i.dueAt());
        Comparator<ReviewItem> bySeq = Comparator.comparingInt(i -> seq.get(i.id()));
        Map<ReviewSort, Comparator<ReviewItem>> expected = Map.of(
                ReviewSort.QUEUE, byPriority.thenComparing(byDue).thenComparing(bySeq),
                ReviewSort.DUE, byDue.thenComparing(byPriority).thenComparing(bySeq),
                ReviewSort.OLDEST, bySeq,
                ReviewSort.NEWEST, bySeq.reversed());
        for (ReviewSort sort : ReviewSort.values()) {
            for (int limit : new int[] {1, 5, 37, 50}) {
                List<ReviewItem> got = all(store, ReviewSearch.open().withSort(sort).withLimit(limit));
                assertThat(got).as(sort + " by " + limit).extracting(ReviewItem::id)
                        .containsExactlyElementsOf(items.stream().sorted(expected.get(sort)).map(ReviewItem::id)
                                .toList());
            }
        }
        List<ReviewItem> byDueTime = store.page(ReviewSearch.open().withSort(ReviewSort.DUE)).items();
        Instant now = clock.instant();
        int overdue = (int) items.stream().filter(i -> i.dueAt() != null && i.dueAt().isBefore(now)).count();
        assertThat(overdue).isGreaterThan(3);
        assertThat(byDueTime.subList(0, overdue)).allMatch(i -> i.dueAt().isBefore(now));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anEscalationMovesTheItemUpTheQueueOrderAndAClaimOrDecisionMovesItBetweenStates(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem a = submit(store, "a", "support", "desk", null, "alpha", 5, null);
        ReviewItem late = submit(store, "late", "support", "desk", null, "late one", 0,
                clock.instant().plusSeconds(30));
        assertThat(store.page(ReviewSearch.open()).items()).extracting(ReviewItem::id).containsExactly(a.id(),
                late.id());
        clock.advance(Duration.ofMinutes(1));
        store.applySla(clock.instant());
        assertThat(store.page(ReviewSearch.open()).items()).extracting(ReviewItem::id, ReviewItem::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(late.id(), ReviewState.ESCALATED),
                        org.assertj.core.groups.Tuple.tuple(a.id(), ReviewState.PENDING));
        ReviewItem claimed = store.claim(a.id(), "alice", LEASE);
        store.decide(new ReviewStore.Decide(a.id(), "alice", claimed.version(), claimed.payloadHash(),
                Verdict.EDITED, "done", null));
        assertThat(store.page(ReviewSearch.open()).items()).extracting(ReviewItem::id).containsExactly(late.id());
        assertThat(store.page(ReviewSearch.all().withStates(EnumSet.of(ReviewState.EDITED))).items())
                .extracting(ReviewItem::id).containsExactly(a.id());
        assertThat(store.page(ReviewSearch.all().withStates(EnumSet.of(ReviewState.EDITED, ReviewState.ESCALATED)))
                .items()).extracting(ReviewItem::id).containsExactly(late.id(), a.id());
        assertThat(store.countByState(ReviewSearch.all())).containsExactlyInAnyOrderEntriesOf(Map.of(
                ReviewState.ESCALATED, 1L, ReviewState.EDITED, 1L));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void filtersNarrowPagesAndCountsAlike(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem s1 = submit(store, "1", "support", "desk", "acme", "one", 0, null);
        ReviewItem s2 = submit(store, "2", "support", "legal", "acme", "two", 0, null);
        ReviewItem b1 = submit(store, "3", "billing", "desk", "globex", "three", 0, null);
        ReviewItem b2 = submit(store, "4", "billing", "desk", null, "four", 0, null);
        store.claim(s2.id(), "bob", LEASE);
        store.claim(b1.id(), "alice", LEASE);

        assertThat(ids(store, ReviewSearch.open().withChain("support"))).containsExactly(s1.id(), s2.id());
        assertThat(ids(store, ReviewSearch.open().withChain("support").withStep("legal"))).containsExactly(s2.id());
        assertThat(ids(store, ReviewSearch.open().withTenant("acme"))).containsExactly(s1.id(), s2.id());
        assertThat(ids(store, ReviewSearch.open().withClaimedBy("alice"))).containsExactly(b1.id());
        assertThat(ids(store, ReviewSearch.all().withStates(Set.of(ReviewState.PENDING)))).containsExactly(s1.id(),
                b2.id());
        assertThat(ids(store, ReviewSearch.open().withChain("nobody"))).isEmpty();
        assertThat(store.countByState(ReviewSearch.all().withChain("billing"))).containsExactlyInAnyOrderEntriesOf(
                Map.of(ReviewState.PENDING, 1L, ReviewState.CLAIMED, 1L));
        // counts ignore the states asked for: the console shows every state's count next to the filter
        assertThat(store.countByState(ReviewSearch.all().withStates(Set.of(ReviewState.PENDING))))
                .containsExactlyInAnyOrderEntriesOf(Map.of(ReviewState.PENDING, 2L, ReviewState.CLAIMED, 2L));
        // a hostile filter value is a value, not SQL
        assertThat(ids(store, ReviewSearch.open().withChain("support' OR '1'='1"))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void searchMatchesWholeWordsOfTheInputInAnyCaseEveryWordRequired(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem refund = submit(store, "r", "support", "desk", null, "Please REFUND order #4521, it arrived broken.",
                0, null);
        ReviewItem broken = submit(store, "b", "support", "desk", null, "My screen is broken; Größe L; 注文 12",
                0, null);
        ReviewItem late = submit(store, "l", "support", "desk", null, "x".repeat(ReviewTerms.INDEXED_CHARS)
                + " hidden", 0, null);

        assertThat(ids(store, ReviewSearch.open().withText("refund"))).containsExactly(refund.id());
        assertThat(ids(store, ReviewSearch.open().withText("Broken"))).containsExactly(refund.id(), broken.id());
        assertThat(ids(store, ReviewSearch.open().withText("broken 4521"))).containsExactly(refund.id());
        assertThat(ids(store, ReviewSearch.open().withText("größe"))).containsExactly(broken.id());
        assertThat(ids(store, ReviewSearch.open().withText("refun"))).as("whole words only").isEmpty();
        assertThat(ids(store, ReviewSearch.open().withText("hidden"))).as("past the indexed start").isEmpty();
        assertThat(ids(store, ReviewSearch.open().withText("refund' OR 1=1 --"))).isEmpty();
        assertThat(store.countByState(ReviewSearch.all().withText("broken"))).containsExactly(
                Map.entry(ReviewState.PENDING, 2L));
        assertThat(late.input()).endsWith("hidden");

        // Purging finished items purges what search knows of them.
        ReviewItem c = store.claim(refund.id(), "alice", LEASE);
        store.decide(new ReviewStore.Decide(c.id(), "alice", c.version(), c.payloadHash(), Verdict.REJECTED, null,
                "no"));
        clock.advance(Duration.ofDays(1));
        assertThat(store.purgeFinishedBefore(clock.instant())).isEqualTo(1);
        assertThat(ids(store, ReviewSearch.all().withText("refund"))).isEmpty();
        assertThat(ids(store, ReviewSearch.all().withText("broken"))).containsExactly(broken.id());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void renewExtendsOnlyTheHoldersLiveLease(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        ReviewItem item = submit(store, "r", "support", "desk", null, "renew me", 0, null);
        assertThat(reason(() -> store.renew(item.id(), "alice", LEASE))).isEqualTo(Reason.NOT_CLAIMED);
        ReviewItem claimed = store.claim(item.id(), "alice", LEASE);
        clock.advance(Duration.ofMinutes(4));
        ReviewItem renewed = store.renew(item.id(), "alice", LEASE);
        assertThat(renewed.leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(renewed.version()).isEqualTo(claimed.version() + 1);
        assertThat(store.audit(item.id()).get(store.audit(item.id()).size() - 1).detail()).startsWith("lease renewed");
        assertThat(reason(() -> store.renew(item.id(), "bob", LEASE))).isEqualTo(Reason.CLAIMED_BY_OTHER);
        clock.advance(LEASE);
        assertThat(reason(() -> store.renew(item.id(), "alice", LEASE))).isEqualTo(Reason.LEASE_EXPIRED);
        assertThat(store.find(item.id()).orElseThrow().version()).as("a refused renewal changes nothing")
                .isEqualTo(renewed.version());
        ReviewItem bobs = store.claim(item.id(), "bob", LEASE);
        assertThat(reason(() -> store.renew(item.id(), "alice", LEASE))).isEqualTo(Reason.CLAIMED_BY_OTHER);
        store.decide(new ReviewStore.Decide(item.id(), "bob", bobs.version(), bobs.payloadHash(), Verdict.APPROVED,
                "ok", null));
        assertThat(reason(() -> store.renew(item.id(), "bob", LEASE))).isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(reason(() -> store.renew("nope", "bob", LEASE))).isEqualTo(Reason.NOT_FOUND);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void statsCountDecisionsPerReviewerAndChainWithSharesMedianLatenessAndOverdue(Kind kind) throws Exception {
        ReviewStore store = store(kind);
        Instant from = clock.instant();
        Instant soon = from.plus(Duration.ofMinutes(3));
        decideAfter(store, "a1", "support", "alice", Verdict.APPROVED, Duration.ofMinutes(2), soon);
        decideAfter(store, "a2", "support", "alice", Verdict.EDITED, Duration.ofMinutes(4), null);
        decideAfter(store, "a3", "billing", "alice", Verdict.EDITED, Duration.ofMinutes(10), soon);
        decideAfter(store, "b1", "support", "bob", Verdict.REJECTED, Duration.ofMinutes(6), null);
        submit(store, "open-late", "billing", "desk", null, "late", 0, from.plusSeconds(1));
        ReviewItem held = submit(store, "held-late", "support", "desk", null, "held", 0, from.plusSeconds(2));
        store.claim(held.id(), "bob", Duration.ofDays(1));
        submit(store, "open-fine", "support", "desk", null, "fine", 0, clock.instant().plus(Duration.ofDays(1)));
        Instant to = from.plus(Duration.ofHours(2));
        clock.advance(Duration.between(clock.instant(), to).minusSeconds(1));

        ReviewStats stats = store.stats(from, to);
        ReviewStats.Group alice = group(stats.byReviewer(), "alice");
        assertThat(alice.decided()).isEqualTo(3);
        assertThat(alice.approved()).isEqualTo(1);
        assertThat(alice.edited()).isEqualTo(2);
        assertThat(alice.editedShare()).isEqualTo(2.0 / 3);
        assertThat(alice.decidedPerHour()).isEqualTo(1.5);
        assertThat(alice.medianTimeToDecision()).isEqualTo(Duration.ofMinutes(4));
        assertThat(alice.decidedLate()).isEqualTo(1); // a3: 10 minutes, due at 3
        ReviewStats.Group bob = group(stats.byReviewer(), "bob");
        assertThat(bob.rejected()).isEqualTo(1);
        assertThat(bob.rejectedShare()).isEqualTo(1.0);
        assertThat(bob.openOverdue()).isEqualTo(1);
        ReviewStats.Group support = group(stats.byChain(), "support");
        assertThat(support.decided()).isEqualTo(3);
        assertThat(support.medianTimeToDecision()).isEqualTo(Duration.ofMinutes(4));
        assertThat(support.openOverdue()).isEqualTo(1);
        ReviewStats.Group billing = group(stats.byChain(), "billing");
        assertThat(billing.decided()).isEqualTo(1);
        assertThat(billing.openOverdue()).isEqualTo(1);
        // outside the window: nothing
        assertThat(store.stats(to, to.plusSeconds(60)).byReviewer()).extracting(ReviewStats.Group::decided)
                .containsOnly(0L);
        assertThatIllegalArgumentException().isThrownBy(() -> store.stats(to, from)).withMessageContaining("from must");
        assertThatIllegalArgumentException().isThrownBy(() -> store.stats(from, from.plus(Duration.ofDays(32))))
                .withMessageContaining("at most 31 days");
    }

    private void decideAfter(ReviewStore store, String key, String chain, String reviewer, Verdict verdict,
                             Duration after, Instant due) {
        ReviewItem item = submit(store, key, chain, "desk", null, "input " + key, 0, due);
        clock.advance(after);
        ReviewItem c = store.claim(item.id(), reviewer, LEASE);
        store.decide(new ReviewStore.Decide(item.id(), reviewer, c.version(), c.payloadHash(), verdict,
                verdict == Verdict.REJECTED ? null : "answer", null));
    }

    @Test
    void aSearchNamesWhatIsWrongWithIt() throws Exception {
        assertThatIllegalArgumentException().isThrownBy(() -> ReviewSearch.open().withLimit(0))
                .withMessage("limit must be in [1, 500], was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> ReviewSearch.open().withText("a ! ?"))
                .withMessage("text must hold a word of two or more letters or digits, was 'a ! ?'");
        assertThatIllegalArgumentException().isThrownBy(() -> ReviewSearch.open().withText("aa bb cc dd ee ff gg hh ii"))
                .withMessage("text may have at most 8 words, had 9");
        assertThatIllegalArgumentException().isThrownBy(() -> ReviewSearch.open().withCursor("garbage!"))
                .withMessageStartingWith("cursor must be the nextCursor of a page sorted by QUEUE");
        ReviewStore store = store(Kind.IN_MEMORY);
        for (int i = 0; i < 3; i++) {
            submit(store, "c" + i, "support", "desk", null, "x", 0, null);
        }
        String cursor = store.page(ReviewSearch.open().withLimit(1)).nextCursor();
        assertThat(cursor).isNotNull();
        assertThatIllegalArgumentException().isThrownBy(() -> ReviewSearch.open().withSort(ReviewSort.DUE)
                .withCursor(cursor)).withMessageStartingWith("cursor must be the nextCursor of a page sorted by DUE");
    }

    private static ReviewStats.Group group(List<ReviewStats.Group> groups, String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow(() ->
                new AssertionError("no group " + name + " in " + groups));
    }

    private static List<String> ids(ReviewStore store, ReviewSearch search) {
        return all(store, search.withLimit(2)).stream().map(ReviewItem::id).toList();
    }

    private static Reason reason(Runnable r) {
        try {
            r.run();
        } catch (ReviewConflictException e) {
            return e.reason();
        }
        throw new AssertionError("expected a ReviewConflictException");
    }
}
