package dev.cascade.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.cascade.spi.TimeSource;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;

/**
 * {@link InMemoryCacheStore}'s map on Caffeine: at most {@code maxEntries} entries, each dropped when its time to live
 * ends on the store's {@link TimeSource}; every removal (eviction, expiry, replacement, invalidation) reported at once
 * on the thread that caused it, so the store's scope index follows. The only class that names Caffeine's types.
 * Thread-safe.
 */
final class CaffeineSlots<O> implements InMemoryCacheStore.Slots<O> {

    private final Cache<CacheKey, InMemoryCacheStore.Slot<O>> cache;

    CaffeineSlots(int maxEntries, TimeSource time, ToLongFunction<InMemoryCacheStore.Slot<O>> untilExpiry,
                  BiConsumer<CacheKey, InMemoryCacheStore.Slot<O>> removed) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(time::nanoTime)
                .executor(Runnable::run)
                .expireAfter(new Expiry<CacheKey, InMemoryCacheStore.Slot<O>>() {
                    @Override
                    public long expireAfterCreate(CacheKey key, InMemoryCacheStore.Slot<O> slot, long currentTime) {
                        return untilExpiry.applyAsLong(slot);
                    }

                    @Override
                    public long expireAfterUpdate(CacheKey key, InMemoryCacheStore.Slot<O> slot, long currentTime,
                                                  long currentDuration) {
                        return untilExpiry.applyAsLong(slot);
                    }

                    @Override
                    public long expireAfterRead(CacheKey key, InMemoryCacheStore.Slot<O> slot, long currentTime,
                                                long currentDuration) {
                        return currentDuration;
                    }
                })
                .removalListener((CacheKey key, InMemoryCacheStore.Slot<O> slot, RemovalCause cause)
                        -> removed.accept(key, slot))
                .build();
    }

    @Override
    public InMemoryCacheStore.Slot<O> get(CacheKey key) {
        return cache.getIfPresent(key);
    }

    @Override
    public void put(CacheKey key, InMemoryCacheStore.Slot<O> slot) {
        cache.put(key, slot);
    }

    @Override
    public boolean remove(CacheKey key) {
        return cache.asMap().remove(key) != null;
    }

    @Override
    public List<CacheKey> keys() {
        return List.copyOf(cache.asMap().keySet());
    }

    @Override
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
