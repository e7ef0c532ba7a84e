package dev.cascade.spring.actuate;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.cascade.spring.CascadeChains;

/**
 * Health of one chain: {@code UP} while its first model step can be called; {@link #DEGRADED} while that step's
 * breaker is open but a later step other than human review (a cheaper model, rules, a custom step) can answer;
 * {@code DOWN} when only the human-review step is left. Details list every step with its breaker state, the budget
 * and the review queue depth.
 *
 * <p>Boot orders unknown statuses after {@code UP} when it aggregates, so a degraded chain leaves the application
 * {@code UP} (it still answers). To make the application report it, add {@code DEGRADED} to
 * {@code management.endpoint.health.status.order}, e.g. {@code DOWN, OUT_OF_SERVICE, DEGRADED, UP, UNKNOWN}.
 */
public final class ChainHealthIndicator implements HealthIndicator {

    /** The first model step is shut off by its breaker; the chain answers from later steps. */
    public static final Status DEGRADED = new Status("DEGRADED",
            "the first model step's circuit breaker is open; later steps are answering");

    private final CascadeChains.Entry entry;

    public ChainHealthIndicator(CascadeChains.Entry entry) {
        this.entry = entry;
    }

    @Override
    public Health health() {
        Status status = switch (ChainStatus.level(entry)) {
            case UP -> Status.UP;
            case DEGRADED -> DEGRADED;
            case DOWN -> Status.DOWN;
        };
        Health.Builder b = Health.status(status).withDetail("steps", ChainStatus.steps(entry));
        if (entry.budget().isPresent()) {
            b.withDetail("budget", ChainStatus.budget(entry));
        }
        ChainStatus.reviewDepth(entry).ifPresent(d -> b.withDetail("reviewQueueDepth", d));
        return b.build();
    }
}
