package dev.cascade.cache;

import dev.cascade.spi.TimeSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A {@link CacheStore} in this JVM, on Caffeine ({@code com.github.ben-manes.caffeine:caffeine} 3.x, an optional
 * dependency of cascade-core that you add): at most {@code maxEntries} entries (the least valuable evicted first, as
 * Caffeine's size eviction decides), each dropped when its time to live ends on the given {@link TimeSource}. Semantic
 * lookups scan the newest entries of one scope through a per-scope index, never another scope's.
 *
 * <p>Thread-safe. One store may serve many chains.
 *
 * @param <O> the chain's output type
 */
public final class InMemoryCacheStore<O> implements CacheStore<O> {

    /** An entry and its insertion number (newest first in the scope index). */
    private record Slot<O>(CacheEntry<O> entry, long seq) {
    }

    private final com.github.benmanes.caffeine.cache.Cache<CacheKey, Slot<O>> cache;
    private final Map<CacheScope, ConcurrentSkipListMap<Long, CacheKey>> byScope = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final TimeSource time;
    private final int maxEntries;

    private InMemoryCacheStore(int maxEntries, TimeSource time) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
        }
        requireCaffeine();
        this.maxEntries = maxEntries;
        this.time = Objects.requireNonNull(time, "time");
        this.cache = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(time::nanoTime)
                .executor(Runnable::run) // the scope index follows evictions at once, on the thread that caused them
                .expireAfter(new com.github.benmanes.caffeine.cache.Expiry<CacheKey, Slot<O>>() {
                    @Override
                    public long expireAfterCreate(CacheKey key, Slot<O> slot, long currentTime) {
                        return untilExpiry(slot);
                    }

                    @Override
                    public long expireAfterUpdate(CacheKey key, Slot<O> slot, long currentTime,
                                                  long currentDuration) {
                        return untilExpiry(slot);
                    }

                    @Override
                    public long expireAfterRead(CacheKey key, Slot<O> slot, long currentTime,
                                                long currentDuration) {
                        return currentDuration;
                    }
                })
                .removalListener((CacheKey key, Slot<O> slot, com.github.benmanes.caffeine.cache.RemovalCause cause)
                        -> unindex(key, slot))
                .build();
    }

    /** A store of at most {@code maxEntries} entries on real time. */
    public static <O> InMemoryCacheStore<O> create(int maxEntries) {
        return new InMemoryCacheStore<>(maxEntries, TimeSource.system());
    }

    /** A store of at most {@code maxEntries} entries whose time to live runs on {@code time} (e.g. a test clock). */
    public static <O> InMemoryCacheStore<O> create(int maxEntries, TimeSource time) {
        return new InMemoryCacheStore<>(maxEntries, time);
    }

    private static void requireCaffeine() {
        try {
            Class.forName("com.github.benmanes.caffeine.cache.Caffeine", false,
                    InMemoryCacheStore.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("the in-memory response cache store needs Caffeine, which is not on the"
                    + " classpath. Fix: add the dependency com.github.ben-manes.caffeine:caffeine (3.x; Spring Boot"
                    + " manages its version), or give the cache another store, e.g. cache(c -> c.store("
                    + "JdbcCacheStore.create(dataSource, CacheCodec.strings())))", e);
        }
    }

    private long untilExpiry(Slot<O> slot) {
        long nanos;
        try {
            nanos = Duration.between(time.now(), slot.entry().expiresAt()).toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return Math.max(0, nanos);
    }

    private void unindex(CacheKey key, Slot<O> slot) {
        if (key == null || slot == null) {
            return;
        }
        byScope.computeIfPresent(key.scope(), (scope, index) -> {
            index.remove(slot.seq(), key);
            return index.isEmpty() ? null : index;
        });
    }

    @Override
    public Optional<CacheEntry<O>> get(CacheKey key, Instant now) {
        Slot<O> slot = cache.getIfPresent(key);
        if (slot == null || slot.entry().expiredAt(now)) {
            return Optional.empty();
        }
        return Optional.of(slot.entry());
    }

    @Override
    public List<CacheEntry<O>> candidates(CacheScope scope, String embeddingModel, int limit, Instant now) {
        ConcurrentSkipListMap<Long, CacheKey> index = byScope.get(scope);
        if (index == null) {
            return List.of();
        }
        List<CacheEntry<O>> found = new ArrayList<>(Math.min(limit, 16));
        for (Map.Entry<Long, CacheKey> e : index.descendingMap().entrySet()) {
            if (found.size() >= limit) {
                break;
            }
            Slot<O> slot = cache.getIfPresent(e.getValue());
            if (slot != null && slot.seq() == e.getKey() && !slot.entry().expiredAt(now)
                    && embeddingModel.equals(slot.entry().embeddingModel())) {
                found.add(slot.entry());
            }
        }
        return found;
    }

    @Override
    public void put(CacheEntry<O> entry) {
        Slot<O> slot = new Slot<>(entry, seq.incrementAndGet());
        // Index first: an eviction the put causes may remove this very entry, and must find it indexed.
        byScope.compute(entry.key().scope(), (scope, index) -> {
            ConcurrentSkipListMap<Long, CacheKey> m = index != null ? index : new ConcurrentSkipListMap<>();
            m.put(slot.seq(), entry.key());
            return m;
        });
        cache.put(entry.key(), slot);
    }

    @Override
    public boolean invalidate(CacheKey key) {
        return cache.asMap().remove(key) != null;
    }

    @Override
    public long invalidateNamespace(String chain, String namespace) {
        return removeIf(k -> k.scope().chain().equals(chain) && k.scope().namespace().equals(namespace));
    }

    @Override
    public long invalidateTenant(String chain, String tenant) {
        return removeIf(k -> k.scope().chain().equals(chain) && Objects.equals(k.scope().tenant(), tenant));
    }

    private long removeIf(Predicate<CacheKey> match) {
        long n = 0;
        for (CacheKey key : List.copyOf(cache.asMap().keySet())) {
            if (match.test(key) && cache.asMap().remove(key) != null) {
                n++;
            }
        }
        return n;
    }

    /** Live entries now (approximate: expired ones not yet cleaned up may count). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    @Override
    public String toString() {
        return "InMemoryCacheStore[maxEntries=" + maxEntries + "]";
    }
}
