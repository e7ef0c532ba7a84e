package dev.cascade.examples.outage;

import dev.cascade.Cascade;
import dev.cascade.CascadeBuilder;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.Outcome;
import dev.cascade.config.LastResortSpec;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.event.LastResort;
import dev.cascade.spi.CascadeListener;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chain of the gateway comparison in the 429 storm: advanced then cheap, with Cascade's step settings (timeouts,
 * 2 attempts each, the advanced breaker) but no rules and no human review, so a request that both models refuse is
 * lost. The demo runs it twice, side by side: with the chain's last resort off (the chain gives up as soon as its steps
 * have) and with the default last resort (wait for the earliest Retry-After that fits the deadline, try that step
 * once more). Thread-safe.
 */
public final class StormVariant implements Strategy {
    /** Name of the variant without a last resort. */
    public static final String OFF = "models_only";
    /** Name of the variant with the default last resort. */
    public static final String ON = "models_only_last_resort";
    /** The variants' end-to-end deadline: the room the last resort may use. */
    public static final Duration DEADLINE = Duration.ofSeconds(2);

    private final String name;
    private final Cascade<Ticket, Reply> chain;
    private final String description;
    private final AtomicLong lastResorts = new AtomicLong();
    private final AtomicLong answeredByLastResort = new AtomicLong();
    private final Set<String> tried = ConcurrentHashMap.newKeySet();

    /** @param lastResort whether the chain keeps its default last resort ({@code false}: {@code off()}) */
    public StormVariant(DemoConfig c, SimulatedModel advanced, SimulatedModel cheap, boolean lastResort) {
        this.name = lastResort ? ON : OFF;
        CascadeBuilder<Ticket, Reply> builder = CascadeStrategy.modelSteps(Cascade.<Ticket, Reply>builder(name), c,
                advanced, cheap, name + "/advanced")
                .deadline(DEADLINE)
                .registries(CascadeRegistries.create())
                .listener(new Counter());
        if (!lastResort) {
            builder.lastResort(LastResortSpec::off);
        }
        this.chain = builder.build();
        this.description = "advanced -> cheap (the cascade chain's model steps, no rules, no human review), deadline "
                + DEADLINE.toMillis() + " ms, " + (lastResort ? "default last resort (wait for the earliest"
                + " Retry-After that fits, try that step once more)" : "lastResort(off)");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> steps() {
        return List.of(CascadeStrategy.ADVANCED, CascadeStrategy.CHEAP);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Handled handle(Ticket ticket) {
        Outcome<Reply> outcome = chain.execute(ticket);
        return outcome.isAnswered() ? Handled.by(outcome.answeredBy().orElseThrow(), outcome.cost())
                : Handled.lost(outcome.cost());
    }

    /** Executions in which the last resort tried a step once more. */
    public long lastResorts() {
        return lastResorts.get();
    }

    /** Of those, the ones the last resort answered (they would have been lost). */
    public long answeredByLastResort() {
        return answeredByLastResort.get();
    }

    /** Counts last resorts and the answers they brought, from the chain's own events. */
    private final class Counter implements CascadeListener {
        @Override
        public void onLastResort(LastResort event) {
            lastResorts.incrementAndGet();
            tried.add(event.execution().executionId());
        }

        @Override
        public void onExecutionFinished(ExecutionFinished event) {
            if (tried.remove(event.execution().executionId()) && event.outcome().isAnswered()) {
                answeredByLastResort.incrementAndGet();
            }
        }
    }
}
