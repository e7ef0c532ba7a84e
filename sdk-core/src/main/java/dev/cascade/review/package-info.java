/** Human review: what the review step submits, the caller's handle on it, decisions, and an in-memory queue. */
package dev.cascade.review;
