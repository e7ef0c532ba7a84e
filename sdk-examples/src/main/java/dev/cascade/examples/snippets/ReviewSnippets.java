package dev.cascade.examples.snippets;

import java.time.Duration;

import javax.sql.DataSource;

import dev.cascade.Cascade;
import dev.cascade.api.Outcome;
import dev.cascade.review.DurableReviewQueue;
import dev.cascade.review.JdbcReviewStore;
import dev.cascade.review.ReviewCodec;
import dev.cascade.review.ReviewPolicy;
import dev.cascade.telemetry.CascadeTelemetry;

/** Snippets of docs/review.md. Compiled, never run. */
final class ReviewSnippets {
    private ReviewSnippets() {
    }

    /** A chain's typed input. */
    record Ticket(String text) {
    }

    /** A chain's typed answer. */
    record Reply(String text) {
    }

    static void durableQueue(DataSource dataSource, CascadeTelemetry telemetry, Ticket ticket) {
        // tag::durable-review[]
        JdbcReviewStore store = new JdbcReviewStore(dataSource);   // PostgreSQL in production, H2 embedded
        store.createSchema();                                       // or apply dev/cascade/review/V1__cascade_review.sql

        ReviewCodec<Ticket> ticketCodec = ReviewCodec.of(Ticket::text, Ticket::new);   // what reviewers read
        ReviewCodec<Reply> replyCodec = ReviewCodec.of(Reply::text, Reply::new);       // what they answer

        DurableReviewQueue<Ticket, Reply> reviews = DurableReviewQueue.builder(store, ticketCodec, replyCodec)
                .policy(ReviewPolicy.builder()
                        .priority(10)
                        .sla(Duration.ofHours(4))
                        .onBreach(ReviewPolicy.Breach.EXPIRE)        // or ESCALATE (default): flagged, priority + 1000
                        .defaultAnswer("We will get back to you within a day.")   // decoded by replyCodec; none = a rejection
                        .build())
                .build()
                .onDecision(telemetry::recordReviewDecision)    // a span linked to the execution's trace
                .start();                                       // poller: other processes' decisions, leases, SLAs

        Cascade<Ticket, Reply> triage = Cascade.<Ticket, Reply>builder("support-triage")
                // ...prompt, parse, model and rules steps...
                .humanReview("support-desk", reviews)
                .build();

        Outcome<Reply> out = triage.execute(ticket);
        out.pendingReview().ifPresent(h -> h.decision()
                .thenAccept(d -> d.answer().ifPresent(ReviewSnippets::send)));   // empty when rejected
        // after a restart, or in another service:  reviews.handle(itemId).ifPresent(...)
        // end::durable-review[]
    }

    private static void send(Reply reply) {
    }
}
