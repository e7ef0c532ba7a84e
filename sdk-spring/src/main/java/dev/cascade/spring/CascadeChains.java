package dev.cascade.spring;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.cascade.Cascade;
import dev.cascade.budget.Budget;
import dev.cascade.review.DurableReviewQueue;
import dev.cascade.spi.ReviewQueue;

/**
 * Every chain defined under {@code cascade.chains}, by name. Inject it to look chains up at run time, or inject one
 * chain directly with {@code @Qualifier("triage") Cascade<String, String> triage}.
 */
public final class CascadeChains implements AutoCloseable {

    /**
     * One chain with what the actuator reports on.
     *
     * @param name   the chain's name
     * @param chain  the chain
     * @param budget its budget, if it has one
     * @param review its review queue, if it has a human-review step
     */
    public record Entry(String name, Cascade<String, String> chain, Optional<Budget> budget,
                        Optional<ReviewQueue<String, String>> review) {
    }

    private final Map<String, Entry> entries;

    CascadeChains(Map<String, Entry> entries) {
        this.entries = Map.copyOf(new LinkedHashMap<>(entries));
    }

    /**
     * The chain named {@code name}.
     *
     * @throws IllegalArgumentException naming the chains there are, if there is no such chain
     */
    public Cascade<String, String> get(String name) {
        return entry(name).chain();
    }

    /** The chain named {@code name}, if there is one. */
    public Optional<Cascade<String, String>> find(String name) {
        Entry e = entries.get(name);
        return e == null ? Optional.empty() : Optional.of(e.chain());
    }

    /**
     * The chain named {@code name} with its budget and review queue.
     *
     * @throws IllegalArgumentException naming the chains there are, if there is no such chain
     */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no Cascade chain named '" + name + "'; chains defined under"
                    + " cascade.chains: " + new java.util.TreeSet<>(entries.keySet()));
        }
        return e;
    }

    /** Starts the review queues' pollers, once every chain has been built (so a failed startup leaves none running). */
    void startReviewPollers() {
        for (Entry e : entries.values()) {
            e.review().ifPresent(q -> {
                if (q instanceof DurableReviewQueue<?, ?> d) {
                    d.start();
                }
            });
        }
    }

    /**
     * Stops the chains' review queues' pollers (the items stay in the store). Called when the context closes.
     */
    @Override
    public void close() {
        for (Entry e : entries.values()) {
            e.review().ifPresent(q -> {
                if (q instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception ex) {
                        throw new IllegalStateException("closing the review queue of chain '" + e.name() + "' failed", ex);
                    }
                }
            });
        }
    }

    /** The chains' names. */
    public Set<String> names() {
        return new java.util.TreeSet<>(entries.keySet());
    }

    /** Every chain with its budget and review queue, sorted by name. */
    public Collection<Entry> entries() {
        return new java.util.TreeMap<>(entries).values();
    }
}
