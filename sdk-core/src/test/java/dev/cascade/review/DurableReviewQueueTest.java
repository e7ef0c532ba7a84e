package dev.cascade.review;

import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision;
import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.api.ReviewHandle;
import dev.cascade.api.ReviewRequest;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.review.ReviewDatabases.MutableClock;
import dev.cascade.telemetry.CascadeTelemetry;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The typed queue over a store: handles, listeners, lookup by id, the poller's deliveries and sweeps. */
class DurableReviewQueueTest {

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    private static final Duration LEASE = Duration.ofMinutes(5);

    /** A typed output: the codec turns it to text and back. */
    record Reply(String text, int confidence) {
        static final ReviewCodec<Reply> CODEC = ReviewCodec.of(r -> r.confidence + "|" + r.text, s -> {
            int bar = s.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("not a reply: " + s);
            }
            return new Reply(s.substring(bar + 1), Integer.parseInt(s.substring(0, bar)));
        });
    }

    private final MutableClock clock = new MutableClock();
    private final InMemoryReviewStore store = new InMemoryReviewStore(clock);

    private DurableReviewQueue<String, Reply> queue(ReviewPolicy policy) {
        return DurableReviewQueue.builder(store, ReviewCodec.strings(), Reply.CODEC).policy(policy).clock(clock)
                .build();
    }

    private static ReviewRequest<String> request(String key) {
        Attempt rejected = new Attempt("cheap", StepKind.MODEL, 1, Attempt.Status.REJECTED, FailureKind.REJECTED,
                "accept gate refused the answer", Duration.ZERO, Duration.ofMillis(300), Usage.NONE, "mini", "stop",
                Money.ofMicros(40));
        return new ReviewRequest<>("support", "desk", "exec-" + key, key, "where is my order?", List.of(rejected),
                CallContext.empty().withTenant("acme"),
                Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                Map.of(0, "7|it is somewhere"));
    }

    private ReviewItem decideAs(String reviewer, Verdict verdict, String answer) {
        ReviewItem held = store.claimNext(reviewer, LEASE, ReviewQuery.all()).orElseThrow();
        return store.decide(new ReviewStore.Decide(held.id(), reviewer, held.version(), held.payloadHash(), verdict,
                answer, null));
    }

    @Test
    void submitStoresTheRequestWithItsUnusedAnswersAndPolicy() {
        DurableReviewQueue<String, Reply> queue = queue(ReviewPolicy.builder().priority(7).sla(Duration.ofHours(2))
                .build());

        ReviewHandle<Reply> handle = queue.submit(request("k"));

        ReviewItem item = store.find(handle.id()).orElseThrow();
        assertThat(item.input()).isEqualTo("where is my order?");
        assertThat(item.tenant()).isEqualTo("acme");
        assertThat(item.priority()).isEqualTo(7);
        assertThat(item.dueAt()).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        assertThat(item.cost()).isEqualTo(Money.ofMicros(40));
        assertThat(item.attempts()).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(Attempt.Status.REJECTED);
            assertThat(a.answer()).isEqualTo("7|it is somewhere");
            assertThat(a.model()).isEqualTo("mini");
        });
        assertThat(handle.decision()).isNotDone();
        assertThat(queue.submit(request("k")).id()).isEqualTo(handle.id());
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void chainsSharingAStoreEachHearOnlyTheirOwnDecisions() {
        DurableReviewQueue<String, Reply> support = DurableReviewQueue.builder(store, ReviewCodec.strings(),
                Reply.CODEC).chain("support").clock(clock).build();
        DurableReviewQueue<String, Reply> billing = DurableReviewQueue.builder(store, ReviewCodec.strings(),
                Reply.CODEC).chain("billing").clock(clock).build();
        List<String> heardBySupport = new ArrayList<>();
        List<String> heardByBilling = new ArrayList<>();
        support.onDecision((r, d) -> heardBySupport.add(d.itemId()));
        billing.onDecision((r, d) -> heardByBilling.add(d.itemId()));

        ReviewHandle<Reply> handle = support.submit(request("shared")); // request(...) is chain "support"
        ReviewItem decided = decideAs("ann", Verdict.APPROVED, "9|shipped");

        assertThat(decided.id()).isEqualTo(handle.id());
        assertThat(heardBySupport).containsExactly(handle.id());
        assertThat(heardByBilling).isEmpty();
        assertThat(handle.decision()).isCompleted();
    }

    @Test
    void aDecisionThroughTheStoreCompletesTheHandleAndTellsListenersOnce() {
        DurableReviewQueue<String, Reply> queue = queue(ReviewPolicy.DEFAULT);
        List<ReviewDelivery<Reply>> deliveries = new ArrayList<>();
        List<ReviewRequest<String>> requests = new ArrayList<>();
        queue.onDelivery(deliveries::add).onDecision((r, d) -> requests.add(r));
        ReviewHandle<Reply> handle = queue.submit(request("k"));

        ReviewItem decided = decideAs("alice", Verdict.EDITED, "9|shipped yesterday");

        ReviewDecision<Reply> d = handle.decision().join();
        assertThat(d.verdict()).isEqualTo(Verdict.EDITED);
        assertThat(d.answer()).contains(new Reply("shipped yesterday", 9));
        assertThat(d.reviewer()).isEqualTo("alice");
        assertThat(deliveries).singleElement().satisfies(x -> {
            assertThat(x.deliveryId()).isEqualTo(decided.id() + "@" + decided.version());
            assertThat(x.item()).isEqualTo(decided);
        });
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.input()).isEqualTo("where is my order?");
            assertThat(r.answers()).containsExactly(Map.entry(0, "7|it is somewhere"));
            assertThat(r.context().tenant()).contains("acme");
        });
        // The poller finds the same decision in the log: a repeat, dropped.
        DurableReviewQueue<String, Reply> sameProcess = queue;
        assertThat(sameProcess.pollOnce()).isZero();
        assertThat(deliveries).hasSize(1);
    }

    @Test
    void aCallerThatRestartedLooksTheItemUpById() {
        String id = queue(ReviewPolicy.DEFAULT).submit(request("k")).id();
        DurableReviewQueue<String, Reply> restarted = queue(ReviewPolicy.DEFAULT);

        CompletableFuture<ReviewDecision<Reply>> waiting = restarted.handle(id).orElseThrow().decision();
        assertThat(waiting).isNotDone();
        decideAs("bob", Verdict.REJECTED, null);

        assertThat(waiting.join().verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(waiting.join().answer()).isEmpty();
        assertThat(restarted.handle(id).orElseThrow().decision()).isCompletedWithValue(waiting.join());
        assertThat(restarted.handle("rv-404")).isEmpty();
    }

    @Test
    void thePollerExpiresOverdueItemsWithTheDefaultAnswerAndDeliversThem() {
        DurableReviewQueue<String, Reply> queue = queue(ReviewPolicy.builder().sla(Duration.ofMinutes(30))
                .onBreach(ReviewPolicy.Breach.EXPIRE).defaultAnswer("0|we will reply within a day").build());
        ReviewHandle<Reply> handle = queue.submit(request("k"));
        queue.pollOnce();
        assertThat(handle.decision()).isNotDone();

        clock.advance(Duration.ofMinutes(30));
        queue.pollOnce();

        ReviewDecision<Reply> d = handle.decision().join();
        assertThat(d.verdict()).isEqualTo(Verdict.EXPIRED);
        assertThat(d.answer()).contains(new Reply("we will reply within a day", 0));
        assertThat(d.reviewer()).isEqualTo(ReviewStore.SYSTEM);
    }

    @Test
    void thePollerEndsLeasesAndEscalates() {
        DurableReviewQueue<String, Reply> queue = queue(ReviewPolicy.builder().sla(Duration.ofMinutes(30)).build());
        String id = queue.submit(request("k")).id();
        store.claimNext("alice", LEASE, ReviewQuery.all());
        clock.advance(Duration.ofMinutes(31));

        queue.pollOnce();

        ReviewItem item = store.find(id).orElseThrow();
        assertThat(item.state()).isEqualTo(ReviewState.ESCALATED);
        assertThat(item.priority()).isEqualTo(ReviewItem.ESCALATION_BOOST);
    }

    @Test
    void anotherStoreObjectsDecisionIsDeliveredByThePollerExactlyOnce() throws Exception {
        // Two store objects over one H2 database: the decision is made through the other one, as another process would.
        try (ReviewDatabases databases = new ReviewDatabases()) {
            String url = databases.freshUrl(ReviewDatabases.Kind.H2);
            JdbcReviewStore mine = new JdbcReviewStore(databases.pool(url, 4), clock);
            mine.createSchema();
            JdbcReviewStore theirs = new JdbcReviewStore(databases.pool(url, 4), clock);
            DurableReviewQueue<String, Reply> queue = DurableReviewQueue.builder(mine, ReviewCodec.strings(),
                    Reply.CODEC).clock(clock).build();
            List<String> delivered = new ArrayList<>();
            queue.onDelivery(d -> delivered.add(d.deliveryId()));
            ReviewHandle<Reply> handle = queue.submit(request("k"));
            ReviewItem held = theirs.claimNext("carol", LEASE, ReviewQuery.all()).orElseThrow();
            ReviewItem decided = theirs.decide(new ReviewStore.Decide(held.id(), "carol", held.version(),
                    held.payloadHash(), Verdict.APPROVED, "5|on its way", null));
            assertThat(handle.decision()).isNotDone();

            assertThat(queue.pollOnce()).isEqualTo(1);
            assertThat(queue.pollOnce()).isZero(); // still inside the grace window: re-read, and dropped as a repeat

            assertThat(handle.decision().join().answer()).contains(new Reply("on its way", 5));
            assertThat(delivered).containsExactly(decided.id() + "@" + decided.version());
            clock.advance(Duration.ofMinutes(1));
            queue.pollOnce();
            assertThat(queue.cursor()).isEqualTo(theirs.decisionsSince(0, 10).get(0).seq());
        }
    }

    @Test
    void anAnswerTheCodecCannotReadFailsTheHandleAndIsReported() {
        List<Exception> errors = new ArrayList<>();
        DurableReviewQueue<String, Reply> queue = DurableReviewQueue.builder(store, ReviewCodec.strings(),
                Reply.CODEC).clock(clock).onError(errors::add).build();
        ReviewHandle<Reply> handle = queue.submit(request("k"));

        decideAs("alice", Verdict.EDITED, "no bar here");

        assertThat(handle.decision()).isCompletedExceptionally();
        assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("could not be decoded"));
    }

    @Test
    void telemetryRecordsTheDecisionAsASpanLinkedToTheExecutionsTrace() {
        CascadeTelemetry telemetry = CascadeTelemetry.create(OTEL.getOpenTelemetry());
        DurableReviewQueue<String, Reply> queue = queue(ReviewPolicy.DEFAULT);
        queue.onDecision(telemetry::recordReviewDecision);
        queue.submit(request("k"));

        decideAs("alice", Verdict.APPROVED, "1|fine");

        assertThat(OTEL.getSpans()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("review.decision desk");
            assertThat(span.getLinks()).singleElement().satisfies(link -> assertThat(link.getSpanContext()
                    .getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c"));
        });
    }
}
