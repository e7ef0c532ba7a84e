package dev.cascade.review;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.ReviewDecision;
import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.api.ReviewHandle;
import dev.cascade.api.ReviewRequest;
import dev.cascade.api.StepKind;
import dev.cascade.review.InMemoryReviewQueue.Item;
import dev.cascade.review.InMemoryReviewQueue.State;
import dev.cascade.spi.ModelCallException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

/** The in-memory review queue: idempotent submits, leased claims, final decisions, and its place in a chain. */
class InMemoryReviewQueueTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    private final ReviewDatabases.MutableClock clock = new ReviewDatabases.MutableClock();
    private final InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>(clock);

    private static ReviewRequest<String> request(String key, String input) {
        return new ReviewRequest<>("support", "desk", "exec-" + key, key, input, List.of(), CallContext.empty());
    }

    private String submit(String key) {
        return queue.submit(request(key, "input for " + key)).id();
    }

    @Nested
    class Submitting {

        @Test
        void submittingTheSameKeyTwiceGivesTheSameItem() {
            ReviewHandle<String> first = queue.submit(request("ticket-42", "first"));
            ReviewHandle<String> second = queue.submit(request("ticket-42", "resubmitted"));

            assertThat(second.id()).isEqualTo(first.id());
            assertThat(queue.size()).isEqualTo(1);
            assertThat(queue.depth()).isEqualTo(1);
            assertThat(queue.get(first.id()).orElseThrow().request().input()).isEqualTo("first");
        }

        @Test
        void differentKeysGiveDifferentItems() {
            String a = submit("a");
            String b = submit("b");

            assertThat(a).isNotEqualTo(b);
            assertThat(queue.size()).isEqualTo(2);
        }

        @Test
        void aNewItemIsPendingAndUnclaimed() {
            String id = submit("a");

            Item<String> item = queue.get(id).orElseThrow();
            assertThat(item.state()).isEqualTo(State.PENDING);
            assertThat(item.claimedBy()).isNull();
            assertThat(item.leaseUntil()).isNull();
            assertThat(item.createdAt()).isEqualTo(clock.instant());
        }

        @Test
        void anUnknownIdIsEmpty() {
            assertThat(queue.get("rv-404")).isEmpty();
        }
    }

    @Nested
    class Claiming {

        @Test
        void claimNextTakesTheOldestItemForTheReviewer() {
            String older = submit("a");
            clock.advance(Duration.ofSeconds(1));
            submit("b");

            Item<String> claimed = queue.claimNext("alice", LEASE).orElseThrow();

            assertThat(claimed.id()).isEqualTo(older);
            assertThat(claimed.state()).isEqualTo(State.CLAIMED);
            assertThat(claimed.claimedBy()).isEqualTo("alice");
            assertThat(claimed.leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
            assertThat(queue.get(older).orElseThrow().state()).isEqualTo(State.CLAIMED);
        }

        /** Items submitted within one clock tick (common on coarse clocks, and on any fake clock) stay FIFO. */
        @Test
        void itemsSubmittedAtTheSameInstantAreClaimedInSubmissionOrder() {
            List<String> submitted = new ArrayList<>();
            for (int i = 1; i <= 12; i++) {
                submitted.add(submit("key-" + i));
            }

            List<String> claimed = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                claimed.add(queue.claimNext("alice", LEASE).orElseThrow().id());
            }

            assertThat(claimed).containsExactlyElementsOf(submitted);
        }

        @Test
        void aLiveClaimHidesTheItemFromOtherReviewers() {
            submit("a");
            queue.claimNext("alice", LEASE);

            assertThat(queue.claimNext("bob", LEASE)).isEmpty();
            assertThat(queue.claimable()).isEmpty();
        }

        @Test
        void anExpiredLeaseMakesTheItemClaimableAgain() {
            String id = submit("a");
            queue.claimNext("alice", LEASE);
            clock.advance(LEASE.minusSeconds(1));
            assertThat(queue.claimable()).isEmpty();

            clock.advance(Duration.ofSeconds(1));

            assertThat(queue.get(id).orElseThrow().state()).isEqualTo(State.PENDING);
            assertThat(queue.claimable()).extracting(Item::id).containsExactly(id);
            Item<String> reclaimed = queue.claimNext("bob", LEASE).orElseThrow();
            assertThat(reclaimed.id()).isEqualTo(id);
            assertThat(reclaimed.claimedBy()).isEqualTo("bob");
        }

        @Test
        void aReviewerWhoseLeaseExpiredCanNoLongerDecideOnceSomeoneElseClaimed() {
            String id = submit("a");
            queue.claimNext("alice", LEASE);
            clock.advance(LEASE);
            queue.claimNext("bob", LEASE);

            assertThatIllegalStateException().isThrownBy(() -> queue.approve(id, "alice", "late answer"))
                    .withMessageContaining("reviewer 'alice'")
                    .withMessageContaining("does not hold a live claim on '" + id + "'");
            assertThat(queue.approve(id, "bob", "bob's answer").reviewer()).isEqualTo("bob");
        }

        @Test
        void aReviewerCannotDecideOnAnExpiredLeaseEvenIfNobodyElseClaimed() {
            String id = submit("a");
            queue.claimNext("alice", LEASE);
            clock.advance(LEASE);

            assertThatIllegalStateException().isThrownBy(() -> queue.approve(id, "alice", "late"))
                    .withMessageContaining("reviewer 'alice'");
            assertThat(queue.depth()).isEqualTo(1);
        }

        @Test
        void nothingToClaimIsEmpty() {
            assertThat(queue.claimNext("alice", LEASE)).isEmpty();
        }

        @Test
        void aBlankReviewerOrANonPositiveLeaseIsRefused() {
            String id = submit("a");

            assertThatIllegalArgumentException().isThrownBy(() -> queue.claimNext(" ", LEASE))
                    .withMessageContaining("reviewer must not be blank");
            assertThatIllegalArgumentException().isThrownBy(() -> queue.claimNext("alice", Duration.ZERO))
                    .withMessage("lease must be > 0, was PT0S");
            assertThat(queue.get(id).orElseThrow().state()).isEqualTo(State.PENDING);
        }
    }

    @Nested
    class Deciding {

        @Test
        void approvingCompletesTheHandleWithTheAnswer() {
            ReviewHandle<String> handle = queue.submit(request("a", "question"));
            CompletableFuture<ReviewDecision<String>> decision = handle.decision();
            assertThat(decision).isNotDone();
            queue.claimNext("alice", LEASE);
            clock.advance(Duration.ofMinutes(1));

            ReviewDecision<String> d = queue.approve(handle.id(), "alice", "the answer");

            assertThat(d.itemId()).isEqualTo(handle.id());
            assertThat(d.verdict()).isEqualTo(Verdict.APPROVED);
            assertThat(d.answer()).contains("the answer");
            assertThat(d.reviewer()).isEqualTo("alice");
            assertThat(d.at()).isEqualTo(clock.instant());
            assertThat(decision).isCompletedWithValue(d);
            assertThat(handle.decision()).isCompletedWithValue(d);
            assertThat(queue.get(handle.id()).orElseThrow().state()).isEqualTo(State.APPROVED);
        }

        @Test
        void editingReplacesTheAnswerAndKeepsTheComment() {
            String id = submit("a");
            queue.claimNext("alice", LEASE);

            ReviewDecision<String> d = queue.edit(id, "alice", "a better answer", "model was vague");

            assertThat(d.verdict()).isEqualTo(Verdict.EDITED);
            assertThat(d.answer()).contains("a better answer");
            assertThat(d.comment()).isEqualTo("model was vague");
            assertThat(queue.get(id).orElseThrow().state()).isEqualTo(State.EDITED);
        }

        @Test
        void rejectingGivesNoAnswer() {
            ReviewHandle<String> handle = queue.submit(request("a", "spam"));
            queue.claimNext("alice", LEASE);

            ReviewDecision<String> d = queue.reject(handle.id(), "alice", "spam");

            assertThat(d.verdict()).isEqualTo(Verdict.REJECTED);
            assertThat(d.answer()).isEmpty();
            assertThat(handle.decision().join().verdict()).isEqualTo(Verdict.REJECTED);
            assertThat(queue.get(handle.id()).orElseThrow().state()).isEqualTo(State.REJECTED);
        }

        @Test
        void onlyTheClaimHolderMayDecide() {
            String id = submit("a");
            queue.claimNext("alice", LEASE);

            assertThatIllegalStateException().isThrownBy(() -> queue.approve(id, "bob", "bob's answer"))
                    .withMessage("reviewer 'bob' does not hold a live claim on '" + id + "'; claim it first (claimNext)");
            Item<String> item = queue.get(id).orElseThrow();
            assertThat(item.state()).isEqualTo(State.CLAIMED);
            assertThat(item.claimedBy()).isEqualTo("alice");
        }

        @Test
        void anUnclaimedItemCannotBeDecided() {
            String id = submit("a");

            assertThatIllegalStateException().isThrownBy(() -> queue.reject(id, "alice", "no"))
                    .withMessageContaining("reviewer 'alice' does not hold a live claim")
                    .withMessageContaining("claim it first");
            assertThat(queue.get(id).orElseThrow().state()).isEqualTo(State.PENDING);
        }

        @Test
        void aDecisionIsFinal() {
            ReviewHandle<String> handle = queue.submit(request("a", "q"));
            queue.claimNext("alice", LEASE);
            ReviewDecision<String> first = queue.approve(handle.id(), "alice", "yes");

            assertThatIllegalStateException().isThrownBy(() -> queue.reject(handle.id(), "alice", "changed my mind"))
                    .withMessage("review item '" + handle.id() + "' is already APPROVED; decisions are final");
            assertThat(queue.get(handle.id()).orElseThrow().state()).isEqualTo(State.APPROVED);
            assertThat(handle.decision()).isCompletedWithValue(first);
            assertThat(queue.claimNext("bob", LEASE)).isEmpty();
        }

        @Test
        void decidingAnUnknownItemNamesTheId() {
            assertThatIllegalArgumentException().isThrownBy(() -> queue.approve("rv-404", "alice", "x"))
                    .withMessage("no review item with id 'rv-404'");
        }

        @Test
        void completingTheHandlesFutureFromOutsideDoesNotDecideTheItem() {
            ReviewHandle<String> handle = queue.submit(request("a", "q"));
            ReviewDecision<String> forged = new ReviewDecision<>(handle.id(), Verdict.APPROVED, Optional.of("forged"),
                    "mallory", null, clock.instant());

            handle.decision().complete(forged);
            handle.decision().cancel(true);

            assertThat(handle.decision()).isNotDone();
            assertThat(queue.get(handle.id()).orElseThrow().state()).isEqualTo(State.PENDING);
        }

        @Test
        void depthCountsOnlyUndecidedItems() {
            String a = submit("a");
            clock.advance(Duration.ofSeconds(1));
            submit("b");
            clock.advance(Duration.ofSeconds(1));
            submit("c");
            assertThat(queue.depth()).isEqualTo(3);

            queue.claimNext("alice", LEASE);
            assertThat(queue.depth()).isEqualTo(3); // claimed is still undecided
            queue.approve(a, "alice", "done");

            assertThat(queue.depth()).isEqualTo(2);
            assertThat(queue.size()).isEqualTo(3);
        }
    }

    @Nested
    class InAChain {

        enum Entry {
            SYNC, ASYNC;

            <O> Outcome<O> run(Cascade<String, O> chain, String input, CallContext context) {
                return this == SYNC ? chain.execute(input, context) : chain.executeAsync(input, context).join();
            }
        }

        private final List<ReviewRequest<String>> seen = new ArrayList<>();

        private Cascade<String, String> chain() {
            return Cascade.<String, String>builder("support")
                    .prompt(ModelRequest::of)
                    .parse(ModelResponse::text)
                    .model("advanced", r -> {
                        throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
                    })
                    .model("cheap", r -> {
                        throw new ModelCallException(FailureKind.TIMEOUT, "read timed out");
                    })
                    .humanReview("desk", request -> {
                        synchronized (seen) {
                            seen.add(request);
                        }
                        return queue.submit(request);
                    })
                    .build();
        }

        @ParameterizedTest
        @EnumSource(Entry.class)
        void anUnansweredInputIsHeldForReviewWithItsWholeStory(Entry entry) {
            Outcome<String> out = entry.run(chain(), "my invoice is wrong", CallContext.empty().withTenant("acme"));

            assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
            String id = out.pendingReview().orElseThrow().id();
            Item<String> item = queue.get(id).orElseThrow();
            assertThat(item.state()).isEqualTo(State.PENDING);
            ReviewRequest<String> request = item.request();
            assertThat(request.input()).isEqualTo("my invoice is wrong");
            assertThat(request.chain()).isEqualTo("support");
            assertThat(request.step()).isEqualTo("desk");
            assertThat(request.executionId()).isEqualTo(out.executionId());
            assertThat(request.context().tenant()).contains("acme");
            assertThat(request.attempts())
                    .extracting(Attempt::step, Attempt::status, Attempt::failure)
                    .containsExactly(
                            tuple("advanced", Attempt.Status.FAILED, FailureKind.UNAVAILABLE),
                            tuple("cheap", Attempt.Status.FAILED, FailureKind.TIMEOUT));
            // The outcome adds the hand-off itself after the attempts the reviewer sees.
            assertThat(out.attempts()).hasSize(3);
            assertThat(out.attempts().subList(0, 2)).isEqualTo(request.attempts());
            Attempt handOff = out.attempts().get(2);
            assertThat(handOff.stepKind()).isEqualTo(StepKind.HUMAN_REVIEW);
            assertThat(handOff.status()).isEqualTo(Attempt.Status.QUEUED);
            assertThat(handOff.reason()).contains(id);
        }

        @ParameterizedTest
        @EnumSource(Entry.class)
        void theReviewersDecisionReachesTheCallersHandle(Entry entry) {
            Outcome<String> out = entry.run(chain(), "q", CallContext.empty());
            ReviewHandle<String> handle = out.pendingReview().orElseThrow();

            Item<String> claimed = queue.claimNext("alice", LEASE).orElseThrow();
            queue.edit(claimed.id(), "alice", "refund issued", null);

            assertThat(claimed.id()).isEqualTo(handle.id());
            assertThat(handle.decision().join().answer()).contains("refund issued");
        }

        @ParameterizedTest
        @EnumSource(Entry.class)
        void reExecutingWithTheSameIdempotencyKeyDoesNotQueueTwice(Entry entry) {
            Cascade<String, String> chain = chain();
            CallContext context = CallContext.empty().withIdempotencyKey("ticket-42");

            Outcome<String> first = entry.run(chain, "my invoice is wrong", context);
            Outcome<String> again = entry.run(chain, "my invoice is wrong", context);

            assertThat(again.executionId()).isNotEqualTo(first.executionId());
            assertThat(again.pendingReview().orElseThrow().id()).isEqualTo(first.pendingReview().orElseThrow().id());
            assertThat(queue.size()).isEqualTo(1);
            assertThat(seen).hasSize(2);
            assertThat(seen.get(1).idempotencyKey()).isEqualTo(seen.get(0).idempotencyKey()).contains("ticket-42");
        }

        /**
         * A caller's key identifies a request to one chain. Two chains sharing a queue (one desk, many flows) must not
         * merge their items: the second chain's input would be dropped while its outcome says it is pending review.
         */
        @ParameterizedTest
        @EnumSource(Entry.class)
        void twoChainsSharingAQueueKeepTheirOwnItemsForTheSameCallerKey(Entry entry) {
            Cascade<String, String> refunds = chain();
            Cascade<String, String> legal = Cascade.<String, String>builder("legal")
                    .prompt(ModelRequest::of)
                    .parse(ModelResponse::text)
                    .model("counsel", r -> {
                        throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
                    })
                    .humanReview("desk", queue)
                    .build();
            CallContext context = CallContext.empty().withIdempotencyKey("request-7");

            Outcome<String> refund = entry.run(refunds, "refund my order", context);
            Outcome<String> question = entry.run(legal, "may I quote your contract?", context);

            String legalItem = question.pendingReview().orElseThrow().id();
            assertThat(queue.get(legalItem).orElseThrow().request().input()).isEqualTo("may I quote your contract?");
            assertThat(legalItem).isNotEqualTo(refund.pendingReview().orElseThrow().id());
            assertThat(queue.size()).isEqualTo(2);
        }

        @ParameterizedTest
        @EnumSource(Entry.class)
        void withoutAnIdempotencyKeyEachExecutionIsItsOwnItem(Entry entry) {
            Cascade<String, String> chain = chain();

            Outcome<String> first = entry.run(chain, "same text", CallContext.empty());
            Outcome<String> second = entry.run(chain, "same text", CallContext.empty());

            assertThat(second.pendingReview().orElseThrow().id()).isNotEqualTo(first.pendingReview().orElseThrow().id());
            assertThat(queue.size()).isEqualTo(2);
            assertThat(seen).extracting(ReviewRequest::idempotencyKey)
                    .containsExactly("support:" + first.executionId(), "support:" + second.executionId());
        }
    }

    @Nested
    class Housekeeping {

        @Test
        void aLongRunningQueueForgetsDecidedItemsButKeepsWaitingOnes() {
            for (int day = 0; day < 30; day++) {
                String id = submit("decided-" + day);
                queue.claimNext("alice", LEASE);
                queue.approve(id, "alice", "answer " + day);
                clock.advance(Duration.ofDays(1));
            }
            String waiting = submit("waiting");
            assertThat(queue.size()).isEqualTo(31);

            assertThat(queue.purgeFinishedOlderThan(Duration.ofDays(7))).isEqualTo(23);

            assertThat(queue.size()).isEqualTo(8); // the last 7 days' decisions and the waiting item
            assertThat(queue.get(waiting).orElseThrow().state()).isEqualTo(State.PENDING);
            assertThat(queue.audit(waiting)).hasSize(1);
            assertThat(queue.purgeFinishedOlderThan(Duration.ofDays(7))).isZero();
        }
    }
}
