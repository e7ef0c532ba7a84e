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
import dev.cascade.api.Usage;
import dev.cascade.review.ReviewDatabases.Kind;
import dev.cascade.spi.ModelCallException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A real chain on a real PostgreSQL: the models fail (one is down, one answers below the accept gate), the review
 * step files the input durably, a reviewer on another thread (with its own store object, as a console would) claims
 * and edits, and the caller's handle completes, delivered by the poller. A second queue, as another process, hears
 * the same decision.
 */
class ReviewEndToEndTest {

    private static final long WAIT_SECONDS = 60;

    @Test
    void aReviewersEditReachesTheCallerAndAnotherProcessThroughTheStore() throws Exception {
        try (ReviewDatabases databases = new ReviewDatabases()) {
            String url = databases.freshUrl(Kind.POSTGRESQL);
            JdbcConnectionPool appPool = databases.pool(url, 4);
            JdbcReviewStore appStore = new JdbcReviewStore(appPool);
            appStore.createSchema();
            DurableReviewQueue<String, String> queue = DurableReviewQueue.builder(appStore, ReviewCodec.strings(),
                    ReviewCodec.<String>strings()).pollInterval(Duration.ofMillis(20)).build().start();
            // "Another process": its own pool, store object and queue, listening for decisions.
            JdbcReviewStore otherStore = new JdbcReviewStore(databases.pool(url, 4));
            DurableReviewQueue<String, String> other = DurableReviewQueue.builder(otherStore, ReviewCodec.strings(),
                    ReviewCodec.<String>strings()).pollInterval(Duration.ofMillis(20)).build();
            List<ReviewDelivery<String>> heardElsewhere = new CopyOnWriteArrayList<>();
            CountDownLatch heard = new CountDownLatch(1);
            other.onDelivery(d -> {
                heardElsewhere.add(d);
                heard.countDown();
            }).start();
            try {
                Cascade<String, String> chain = Cascade.<String, String>builder("support")
                        .prompt(ModelRequest::of)
                        .parse(ModelResponse::text)
                        .model("advanced", r -> {
                            throw new ModelCallException(FailureKind.UNAVAILABLE, "503 from provider");
                        })
                        .model("cheap", r -> ModelResponse.of("Refund? Probably not.", new Usage(20, 5, 0)))
                        .accept(answer -> answer.startsWith("Certainly"))
                        .humanReview("desk", queue)
                        .build();

                Outcome<String> out = chain.execute("I was charged twice", CallContext.empty().withTenant("acme"));

                assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
                ReviewHandle<String> handle = out.pendingReview().orElseThrow();
                CompletableFuture<ReviewDecision<String>> decision = handle.decision();
                ReviewItem filed = otherStore.find(handle.id()).orElseThrow();
                assertThat(filed.input()).isEqualTo("I was charged twice");
                assertThat(filed.tenant()).isEqualTo("acme");
                assertThat(filed.attempts()).extracting(ReviewAttempt::step, ReviewAttempt::status,
                        ReviewAttempt::failure, ReviewAttempt::answer).containsExactly(
                        tuple("advanced", Attempt.Status.FAILED, FailureKind.UNAVAILABLE, null),
                        tuple("cheap", Attempt.Status.REJECTED, FailureKind.REJECTED, "Refund? Probably not."));

                // The reviewer, on another thread, through the console's own store object.
                JdbcReviewStore console = new JdbcReviewStore(databases.pool(url, 2));
                CompletableFuture<ReviewItem> reviewed = CompletableFuture.supplyAsync(() -> {
                    ReviewItem held = console.claimNext("alice", Duration.ofMinutes(5), ReviewQuery.all())
                            .orElseThrow();
                    return console.decide(new ReviewStore.Decide(held.id(), "alice", held.version(),
                            held.payloadHash(), Verdict.EDITED, "Refunded the duplicate charge.", "checked"));
                });

                ReviewItem edited = reviewed.get(WAIT_SECONDS, TimeUnit.SECONDS);
                ReviewDecision<String> d = decision.get(WAIT_SECONDS, TimeUnit.SECONDS);
                assertThat(d.itemId()).isEqualTo(handle.id());
                assertThat(d.verdict()).isEqualTo(Verdict.EDITED);
                assertThat(d.answer()).contains("Refunded the duplicate charge.");
                assertThat(d.reviewer()).isEqualTo("alice");
                assertThat(heard.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("heard in the other process").isTrue();
                assertThat(heardElsewhere).singleElement().satisfies(x -> {
                    assertThat(x.deliveryId()).isEqualTo(handle.id() + "@" + edited.version());
                    assertThat(x.decision().answer()).contains("Refunded the duplicate charge.");
                });

                // Re-executing under the same review key (the first run's was its execution id) after the decision
                // answers from the stored decision, without a second item.
                Outcome<String> again = chain.execute("I was charged twice", CallContext.empty().withTenant("acme")
                        .withIdempotencyKey(out.executionId()));
                assertThat(again.status()).isEqualTo(Outcome.Status.ANSWERED);
                assertThat(again.answer()).contains("Refunded the duplicate charge.");
                assertThat(appStore.list(ReviewQuery.all())).hasSize(1);
                assertThat(appStore.depth()).isZero();
            } finally {
                queue.close();
                other.close();
            }
        }
    }
}
