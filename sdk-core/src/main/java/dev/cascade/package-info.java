/**
 * Cascade's front door. Build a chain with {@link dev.cascade.Cascade#builder(String)}, run it with
 * {@code execute} or {@code executeAsync}, and read the {@link dev.cascade.api.Outcome}: the answer, the step that gave
 * it, and every attempt with its {@link dev.cascade.api.FailureKind} and reason.
 *
 * <p>Everything in this package is immutable and thread-safe once built, except the builders and the
 * {@code *Spec} configurers, which are used on one thread and copied by {@code build()}.
 */
package dev.cascade;
