package dev.cascade.examples.bench;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.cache.ResponseCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * What an exact hit of the response cache costs (target: at most 2 µs), with the default in-memory store holding
 * 10,000 entries of the same chain and tenant: the lookup alone ({@link ResponseCache#lookup}, which runs the prompt
 * mapper, normalises the input and reads the store), a whole execution answered from the cache
 * ({@code Cascade.execute}), and an exact miss (no embedding model: the chain would then call its steps). Run with e.g.
 * {@code java -cp <classpath> org.openjdk.jmh.Main CacheLookupBenchmark -f 1 -wi 3 -i 5 -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class CacheLookupBenchmark {

    static final String SYSTEM = "You answer customer support questions for an online shop. Be brief.";
    static final int ENTRIES = 10_000;

    final String input = "How do I reset my password?";
    final String unseen = "Can I change the delivery address of order 4711?";
    final CallContext acme = CallContext.empty().withTenant("acme");
    Cascade<String, String> chain;
    ResponseCache<String, String> cache;

    @Setup
    public void setUp() {
        ModelResponse answer = new ModelResponse("Use the reset link on the sign-in page.", new Usage(12, 9, 0),
                "stop", "gpt-4o-mini");
        chain = Cascade.<String, String>builder("faq").prompt(q -> ModelRequest.of(SYSTEM, q))
                .parse(ModelResponse::text).model("cheap", r -> answer)
                .cache(c -> c.maxEntries(ENTRIES + 10)).build();
        cache = chain.cache().orElseThrow();
        for (int i = 0; i < ENTRIES - 1; i++) {
            chain.execute("question number " + i, acme);
        }
        chain.execute(input, acme);
        Outcome<String> check = chain.execute(input, acme);
        if (check.cacheHit().isEmpty() || !cache.lookup(input, acme).hit() || cache.lookup(unseen, acme).hit()) {
            throw new IllegalStateException("setup: expected an exact hit and a miss, got " + check);
        }
    }

    /** The cache's lookup alone: prompt mapper, normalisation, scope, store read. */
    @Benchmark
    public Object exactHitLookup() {
        return cache.lookup(input, acme);
    }

    /** A whole execution answered from the cache: the lookup plus the engine's execution and outcome. */
    @Benchmark
    public Object exactHitExecution() {
        return chain.execute(input, acme);
    }

    /** An exact miss with no embedding model: what the cache adds in front of a call it cannot spare. */
    @Benchmark
    public Object exactMissLookup() {
        return cache.lookup(unseen, acme);
    }
}
