package dev.cascade.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Warms up the model clients of every chain in {@link CascadeChains} once all singletons exist, so the first request
 * after startup does not spend its step timeout loading classes or opening a connection. Waits at most the configured
 * timeout (the warm-ups go on in the background after it); a failed warm-up is logged as a warning (and reported to
 * the chain's listeners as an {@code Anomaly}) and never stops the application. Registered by
 * {@link CascadeAutoConfiguration} unless {@code cascade.warm-up.enabled=false}.
 */
public final class CascadeWarmUp implements SmartInitializingSingleton {

    private static final Log LOG = LogFactory.getLog(CascadeWarmUp.class);

    private final CascadeChains chains;
    private final Duration timeout;
    private volatile List<String> problems = List.of();
    private volatile boolean done;

    public CascadeWarmUp(CascadeChains chains, Duration timeout) {
        this.chains = chains;
        this.timeout = timeout;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<CompletableFuture<List<String>>> runs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (CascadeChains.Entry e : chains.entries()) {
            names.add(e.name());
            runs.add(e.chain().warmUp());
        }
        List<String> found = new ArrayList<>();
        long until = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        for (int i = 0; i < runs.size(); i++) {
            try {
                for (String p : runs.get(i).get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    found.add("chain '" + names.get(i) + "', step " + p);
                }
            } catch (TimeoutException e) {
                all = false;
                LOG.info("Cascade warm-up of chain '" + names.get(i) + "' still running after " + timeout
                        + " (cascade.warm-up.timeout); startup goes on");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                found.add("chain '" + names.get(i) + "': " + e.getCause());
            }
        }
        for (String p : found) {
            LOG.warn("Cascade warm-up failed for " + p + "; the chain works, its first call may be slow");
        }
        problems = List.copyOf(found);
        done = all;
    }

    /** The warm-ups that failed (one line each), as seen when startup stopped waiting. */
    public List<String> problems() {
        return problems;
    }

    /** Whether every warm-up ended before startup stopped waiting. */
    public boolean completed() {
        return done;
    }
}
