package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Route;
import dev.cascade.spi.AttemptInterceptor;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Execution ids: an execution that needs no id while it runs (no listener, interceptor or review step asked for it)
 * leaves its sequence number to the outcome, which draws it when first asked. The ids stay unique, stable, and equal
 * to what the seam saw during the execution.
 */
class ExecutionIdTest {
    private final VirtualTime time = new VirtualTime();

    private Cascade<String, String> chain(String name, AttemptInterceptor... interceptors) {
        CascadeBuilder<String, String> b = Cascade.<String, String>builder(name)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .model("m", ScriptedModel.answering("gpt-small", "ok"));
        for (AttemptInterceptor i : interceptors) {
            b.intercept(i);
        }
        return b.build();
    }

    @Test
    @Timeout(30)
    void idsDrawnLazilyAreUniqueAndStableEvenWhenManyThreadsAskForTheSameOutcomeAtOnce() throws Exception {
        Cascade<String, String> chain = chain("lazy-ids");
        List<Outcome<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            outcomes.add(chain.execute("q" + i, CallContext.empty()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            for (Outcome<String> out : outcomes) {
                CountDownLatch go = new CountDownLatch(1);
                Set<String> seen = ConcurrentHashMap.newKeySet();
                List<Future<?>> askers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    askers.add(pool.submit(() -> {
                        go.await();
                        seen.add(out.executionId());
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : askers) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertThat(seen).as("one id per outcome, whichever thread drew it").hasSize(1);
                assertThat(out.executionId()).isEqualTo(seen.iterator().next());
                ids.add(out.executionId());
            }
            assertThat(ids).hasSize(outcomes.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theOutcomesIdIsTheOneTheInterceptorsSawAndDiffersFromALazilyDrawnOne() {
        List<String> seen = new ArrayList<>();
        AttemptInterceptor recording = inv -> {
            seen.add(inv.executionId());
            return inv.proceed(inv.request());
        };
        Cascade<String, String> chain = chain("seen-ids", recording);
        Outcome<String> first = chain.execute("a", CallContext.empty());
        Outcome<String> second = chain.execute("b", CallContext.empty());

        assertThat(seen).containsExactly(first.executionId(), second.executionId());
        assertThat(first.executionId()).isNotEqualTo(second.executionId());
    }

    @Test
    void executionsThatNeverReadTheirIdsDoNotUseUpSequenceNumbers() {
        Cascade<String, String> chain = chain("sparse-ids");
        Outcome<String> a = chain.execute("a", CallContext.empty());
        chain.execute("b", CallContext.empty());
        chain.execute("c", CallContext.empty());
        Outcome<String> d = chain.execute("d", CallContext.empty());
        String idD = d.executionId();
        String idA = a.executionId();
        // Prefix "<random hex>-", then the number drawn on first use: d asked first.
        assertThat(idD).endsWith("-1");
        assertThat(idA).endsWith("-2");
        assertThat(idA.substring(0, idA.length() - 1)).isEqualTo(idD.substring(0, idD.length() - 1));
    }

    @Test
    void theEnginesOutcomeReportsItsElapsedTime() {
        Cascade<String, String> slow = Cascade.<String, String>builder("elapsed")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .model("m", req -> {
                    time.advance(Duration.ofMillis(1500));
                    return new ModelResponse("ok", dev.cascade.api.Usage.of(1, 1), "stop", "m");
                })
                .build();
        Outcome<String> out = slow.execute("q", CallContext.empty());
        assertThat(out.elapsed()).isEqualTo(Duration.ofMillis(1500));
        assertThat(out.toString()).contains("elapsed=PT1.5S");
    }

    @Test
    void theLazyFactoryDrawsOnceAndChecksItsArguments() {
        AtomicLong source = new AtomicLong(41);
        Route route = new Route("m", false, "no router");
        Outcome<String> lazy = Outcome.create("c", "p-", 0, source::incrementAndGet, Outcome.Status.ANSWERED, "x", "m",
                List.<Attempt>of(), route, null, 2_000_000L);
        assertThat(source.get()).as("nothing drawn before the id is asked for").isEqualTo(41);
        assertThat(lazy.executionId()).isEqualTo("p-2a");
        assertThat(lazy.executionId()).isEqualTo("p-2a");
        assertThat(source.get()).isEqualTo(42);
        assertThat(lazy.elapsed()).isEqualTo(Duration.ofMillis(2));

        Outcome<String> given = Outcome.create("c", "p-", 255, source::incrementAndGet, Outcome.Status.ANSWERED, "x",
                "m", List.<Attempt>of(), route, null, 0);
        assertThat(given.executionId()).isEqualTo("p-ff");
        assertThat(source.get()).as("a given number is used as is").isEqualTo(42);

        assertThatIllegalArgumentException().isThrownBy(() -> Outcome.create("c", "p-", 0, null,
                        Outcome.Status.ANSWERED, "x", "m", List.<Attempt>of(), route, null, 0))
                .withMessageContaining("idSeq must be >= 1, or 0 with an idSource; was 0 without an idSource");
        assertThatIllegalArgumentException().isThrownBy(() -> Outcome.create("c", "p-", -3, source::incrementAndGet,
                        Outcome.Status.ANSWERED, "x", "m", List.<Attempt>of(), route, null, 0))
                .withMessageContaining("was -3");
    }
}
