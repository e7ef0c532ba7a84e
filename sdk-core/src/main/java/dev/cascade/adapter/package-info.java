/**
 * Helpers for writing a {@link dev.cascade.spi.ModelClient} adapter over a provider library: reading status,
 * {@code Retry-After} and error bodies into a {@link dev.cascade.api.FailureKind}
 * ({@link dev.cascade.adapter.ProviderErrors}), and mapping chat responses ({@link dev.cascade.adapter.ChatMapping}).
 * The LangChain4j and Spring AI adapters use them. Stateless and thread-safe; not part of the plug-in contract
 * itself, which is {@code dev.cascade.spi}.
 */
package dev.cascade.adapter;
