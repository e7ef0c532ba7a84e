/**
 * The values every part of Cascade exchanges, at the bottom of the package graph: what goes into a model call
 * ({@link dev.cascade.api.ModelRequest}, {@link dev.cascade.api.CallContext}), what comes back
 * ({@link dev.cascade.api.ModelResponse}, {@link dev.cascade.api.Usage}, {@link dev.cascade.api.Money}), what an
 * execution reports ({@link dev.cascade.api.Outcome}, {@link dev.cascade.api.Attempt},
 * {@link dev.cascade.api.FailureKind}, {@link dev.cascade.api.Route}, {@link dev.cascade.api.Description}) and the
 * review step's request, handle and decision.
 *
 * <p>This package depends on no other Cascade package (a test checks it). Its types are immutable and thread-safe.
 */
package dev.cascade.api;
