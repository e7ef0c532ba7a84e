/**
 * How a chain's steps are configured: {@link dev.cascade.config.ModelStepSpec},
 * {@link dev.cascade.config.RetrySpec}, {@link dev.cascade.config.CircuitBreakerSpec},
 * {@link dev.cascade.config.RateLimitSpec} and {@link dev.cascade.config.LastResortSpec}. Read by the chain builder
 * (root package) and the engine ({@code dev.cascade.internal}); depends only on {@code dev.cascade.api}.
 *
 * <p>A spec is used on one thread while a chain is being built; the builder copies it, so a built chain never sees
 * later changes.
 */
package dev.cascade.config;
