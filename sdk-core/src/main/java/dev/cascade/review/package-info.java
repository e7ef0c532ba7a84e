/**
 * Human review: what the review step submits ({@link dev.cascade.api.ReviewRequest}), the caller's handle on it,
 * decisions, and the queues and stores that hold items.
 *
 * <p>Start with {@link dev.cascade.review.DurableReviewQueue} over a {@link dev.cascade.review.JdbcReviewStore}
 * (PostgreSQL, or H2 embedded) in production, or {@link dev.cascade.review.InMemoryReviewQueue} in tests and demos.
 * A reviewer's console or REST API works on the text-only {@link dev.cascade.review.ReviewStore} SPI:
 * {@link dev.cascade.review.ReviewItem}, {@link dev.cascade.review.ReviewState},
 * {@link dev.cascade.review.ReviewQuery}, {@link dev.cascade.review.AuditEntry} and
 * {@link dev.cascade.review.ReviewConflictException}.
 */
package dev.cascade.review;
