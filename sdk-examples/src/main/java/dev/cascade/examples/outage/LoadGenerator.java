package dev.cascade.examples.outage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives one strategy with a closed loop of worker threads: each worker sends a ticket, waits for the strategy's
 * answer, records it under the phase in which the request started, and sends the next, until the timeline ends.
 * Requests still running at the end are finished and counted.
 */
public final class LoadGenerator {
    private final Strategy strategy;
    private final StrategyStats stats;
    private final TicketFeed feed;
    private final Timeline timeline;
    private final int workers;
    private ExecutorService pool;
    private final List<Future<?>> running = new ArrayList<>();

    public LoadGenerator(Strategy strategy, TicketFeed feed, Timeline timeline, int workers) {
        this.strategy = strategy;
        this.stats = new StrategyStats(strategy.name(), strategy.steps());
        this.feed = feed;
        this.timeline = timeline;
        this.workers = workers;
    }

    /** Starts the workers; the timeline must have started. */
    public void start() {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, strategy.name() + "-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < workers; i++) {
            running.add(pool.submit(this::work));
        }
    }

    /**
     * Waits until every worker has stopped, and returns the results.
     *
     * @throws IllegalStateException if a worker crashed (a bug in a strategy: the demo reports it, not hides it)
     */
    public StrategyStats await() throws InterruptedException {
        if (pool == null) {
            throw new IllegalStateException("start() was not called");
        }
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a worker of strategy '" + strategy.name() + "' crashed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return stats;
    }

    private Void work() throws InterruptedException {
        while (true) {
            long start = System.nanoTime();
            Optional<Phase> phase = timeline.phaseAt(start);
            if (phase.isEmpty()) {
                return null;
            }
            Handled handled = strategy.handle(feed.next());
            stats.phase(phase.get()).record(handled, System.nanoTime() - start);
        }
    }
}
