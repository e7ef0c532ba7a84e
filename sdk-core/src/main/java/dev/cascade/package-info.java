/**
 * Cascade's front door. Build a chain with {@link dev.cascade.Cascade#builder(String)}, run it with
 * {@code execute} or {@code executeAsync}, and read the {@link dev.cascade.api.Outcome}: the answer, the step that gave
 * it, and every attempt with its {@link dev.cascade.api.FailureKind} and reason.
 *
 * <p>This package is the top of the package graph: it holds the entry ({@link dev.cascade.Cascade}) and its builder,
 * and nothing else in Cascade depends on it. The values it hands out live in {@code dev.cascade.api}, the step
 * configuration in {@code dev.cascade.config}, the engine in {@code dev.cascade.internal}.
 *
 * <p>A built chain is immutable and thread-safe; the builder is used on one thread.
 */
package dev.cascade;
