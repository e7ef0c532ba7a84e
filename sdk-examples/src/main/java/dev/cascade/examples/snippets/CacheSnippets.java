package dev.cascade.examples.snippets;

import java.time.Duration;

import javax.sql.DataSource;

import dev.cascade.Cascade;
import dev.cascade.api.CacheHit;
import dev.cascade.api.CallContext;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.cache.CacheCodec;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.EmbeddingModel;
import dev.cascade.cache.JdbcCacheStore;
import dev.cascade.cache.MatchGuard;
import dev.cascade.cache.ResponseCache;
import dev.cascade.spi.ModelClient;

/** Snippets of docs/cache.md. Compiled, never run. */
final class CacheSnippets {
    private CacheSnippets() {
    }

    static void exact(ModelClient cheap, String ticket) {
        // tag::cache-exact[]
        Cascade<String, String> faq = Cascade.<String, String>builder("faq")
                .prompt(q -> ModelRequest.of("You answer support questions.", q))
                .parse(ModelResponse::text)
                .model("cheap", cheap)
                .cache(c -> c
                        .namespace("faq-v3")                      // bump the version to start afresh
                        .ttl(Duration.ofHours(12))                // default 1 h
                        .maxEntries(50_000)                       // in-memory store (Caffeine); default 10,000
                        .maxEntryBytes(32 * 1024))                // larger answers are not cached; default 64 KiB
                .build();

        Outcome<String> out = faq.execute(ticket, CallContext.empty().withTenant("acme"));
        out.answeredBy();                  // "cache" on a hit: no model call, no budget reservation
        out.cacheHit().map(CacheHit::similarity);   // 1.0 for an exact hit
        out.cost();                        // zero on a hit ...
        out.savedCost();                   // ... and what the cached answer cost when it was obtained
        // end::cache-exact[]
    }

    static Cascade<String, String> semantic(ModelClient cheap, EmbeddingModel minilm, MatchGuard guards) {
        // tag::cache-semantic[]
        return Cascade.<String, String>builder("faq")
                .prompt(q -> ModelRequest.of("You answer support questions.", q))
                .parse(ModelResponse::text)
                .model("cheap", cheap)
                .cache(c -> c
                        .embeddingModel(minilm)                   // turns semantic lookup on; default exact only
                        .similarityThreshold(0.92)                // cosine; default 0.94
                        .guard(guards))                           // last word on every semantic hit
                .build();
        // end::cache-semantic[]
    }

    static Cascade<String, String> shared(ModelClient cheap, DataSource dataSource) {
        // tag::cache-jdbc[]
        JdbcCacheStore<String> store = JdbcCacheStore.create(dataSource, CacheCodec.strings()); // PostgreSQL or H2
        store.createSchema();              // or apply V1__cascade_cache.sql with your migration tool

        return Cascade.<String, String>builder("faq")
                .prompt(q -> ModelRequest.of("You answer support questions.", q))
                .parse(ModelResponse::text)
                .model("cheap", cheap)
                .cache(c -> c.store(store))        // every instance on this database shares the answers
                .build();
        // end::cache-jdbc[]
    }

    static void invalidate(Cascade<String, String> faq) {
        // tag::cache-invalidate[]
        ResponseCache<String, String> cache = faq.cache().orElseThrow();
        cache.invalidate("How do I reset my password?", CallContext.empty().withTenant("acme")); // one key
        cache.invalidateTenant("acme");    // every answer of this chain for one tenant
        cache.invalidateNamespace();       // every answer of this chain in its namespace

        CacheStats stats = cache.stats(); // lookups, exact/semantic hits, guard refusals, stored, saved
        stats.saved();
        // end::cache-invalidate[]
    }
}
