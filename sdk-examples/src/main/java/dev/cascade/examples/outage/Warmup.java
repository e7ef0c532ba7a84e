package dev.cascade.examples.outage;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.spi.ModelCallException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warms the JVM before the timeline starts, so the first phase measures Cascade and not class loading and the JIT:
 * runs a throwaway chain of the same shape (timeouts, retries, breaker, rules, review) over instant fake models, from
 * as many threads as the demo uses, for a fixed time. Nothing it does is measured or reported.
 */
public final class Warmup {
    private Warmup() {
    }

    /** Runs the warm-up for {@code duration} on {@code threads} threads. */
    public static void run(Duration duration, int threads) throws InterruptedException {
        AtomicLong calls = new AtomicLong();
        Cascade<Ticket, Reply> chain = Cascade.<Ticket, Reply>builder("warm-up")
                .prompt(SupportPrompt::of)
                .parse(r -> new Reply(r.text(), r.model()))
                .model("advanced", request -> {
                    pause();
                    if (calls.incrementAndGet() % 4 == 0) {
                        throw new ModelCallException(FailureKind.UNAVAILABLE, "warm-up failure");
                    }
                    return ModelResponse.of("warm", Usage.of(10, 5));
                }, s -> s.timeout(Duration.ofSeconds(1)).retry(r -> r.maxAttempts(2).initialBackoff(Duration.ZERO))
                        .circuitBreaker(cb -> cb.minimumCalls(10).openFor(Duration.ofMillis(50))))
                .model("cheap", request -> {
                    pause();
                    // Every third call (by the shared counter) is rate limited, to warm the 429 path too.
                    if (calls.get() % 3 == 0) {
                        throw ModelCallException.rateLimited("warm-up 429", Duration.ZERO);
                    }
                    return ModelResponse.of("warm", Usage.of(10, 5));
                }, s -> s.timeout(Duration.ofSeconds(1)))
                .rules("rules", FaqRules.create())
                .humanReview("human_review", new InMemoryReviewQueue<>())
                .build();
        TicketFeed feed = new TicketFeed(0);
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        chain.execute(feed.next());
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("warm-up crashed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void pause() throws InterruptedException {
        TimeUnit.MICROSECONDS.sleep(500);
    }
}
