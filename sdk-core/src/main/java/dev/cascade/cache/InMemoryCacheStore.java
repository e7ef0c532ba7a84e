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
    record Slot<O>(CacheEntry<O> entry, long seq) {
    }

    /**
     * The size- and time-bounded map under the store. Caffeine's types appear only in its implementation
     * ({@link CaffeineSlots}), which is loaded after the check that Caffeine is there: a missing Caffeine is a clear
     * error, not a {@code NoClassDefFoundError} while this class loads.
     */
    interface Slots<O> {
        Slot<O> get(CacheKey key);

        void put(CacheKey key, Slot<O> slot);

        boolean remove(CacheKey key);

        List<CacheKey> keys();

        long size();
    }

    private final Slots<O> cache;
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
        this.cache = new CaffeineSlots<>(maxEntries, time, this::untilExpiry, this::unindex);
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

    long untilExpiry(Slot<O> slot) {
        long nanos;
        try {
            nanos = Duration.between(time.now(), slot.entry().expiresAt()).toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return Math.max(0, nanos);
    }

    void unindex(CacheKey key, Slot<O> slot) {
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
        Slot<O> slot = cache.get(key);
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
            Slot<O> slot = cache.get(e.getValue());
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
        return cache.remove(key);
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
        for (CacheKey key : cache.keys()) {
            if (match.test(key) && cache.remove(key)) {
                n++;
            }
        }
        return n;
    }

    /** Live entries now (approximate: expired ones not yet cleaned up may count). */
    public long size() {
        return cache.size();
    }

    @Override
    public String toString() {
        return "InMemoryCacheStore[maxEntries=" + maxEntries + "]";
    }
}
