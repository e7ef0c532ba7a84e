package dev.cascade.cache;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a response cache keeps its answers: {@link InMemoryCacheStore} for one instance, {@link JdbcCacheStore} for
 * many instances sharing a database, or your own. One store may serve many chains: every entry carries its
 * {@link CacheScope}, and a store never returns an entry of another scope.
 *
 * <p>Implementations must be thread-safe. An entry past its {@link CacheEntry#expiresAt()} must never be returned.
 * A store that fails throws; the cache then treats the lookup as a miss (and the store as not done), so a broken
 * store costs answers their caching, never an answer.
 *
 * @param <O> the chain's output type
 */
public interface CacheStore<O> {

    /** The live entry stored under exactly {@code key}, if any. */
    Optional<CacheEntry<O>> get(CacheKey key, Instant now);

    /**
     * Live entries of {@code scope} with a vector of {@code embeddingModel}, newest first, at most {@code limit}:
     * the candidates of a semantic lookup (a bounded scan of one scope).
     */
    List<CacheEntry<O>> candidates(CacheScope scope, String embeddingModel, int limit, Instant now);

    /** Stores {@code entry}, replacing any entry under the same key. */
    void put(CacheEntry<O> entry);

    /** Removes the entry under {@code key}; whether there was one. */
    boolean invalidate(CacheKey key);

    /** Removes every entry of {@code chain} in {@code namespace}, all tenants; how many. */
    long invalidateNamespace(String chain, String namespace);

    /**
     * Removes every entry of {@code chain} for {@code tenant} ({@code null}: the calls without a tenant), all
     * namespaces; how many.
     */
    long invalidateTenant(String chain, String tenant);
}
