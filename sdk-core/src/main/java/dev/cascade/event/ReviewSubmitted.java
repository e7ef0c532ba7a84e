package dev.cascade.event;

/** The human review step stored the input as item {@code reviewId}. */
public record ReviewSubmitted(ExecutionInfo execution, String step, String reviewId) {
}
