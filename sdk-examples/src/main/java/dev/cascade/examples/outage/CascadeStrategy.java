package dev.cascade.examples.outage;

import dev.cascade.Attempt;
import dev.cascade.Cascade;
import dev.cascade.CascadeRegistries;
import io.opentelemetry.api.OpenTelemetry;
import dev.cascade.Outcome;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.util.List;
import java.util.Map;

/**
 * The Cascade chain, configured as a user would: the advanced model (attempt timeout, 2 attempts, circuit breaker),
 * then the cheap model (timeout, 2 attempts), then the FAQ rules, then human review on an
 * {@link InMemoryReviewQueue}. Thread-safe.
 */
public final class CascadeStrategy implements Strategy {
    /** Step names; also the keys of {@code answered_by}. */
    public static final String ADVANCED = "advanced";
    public static final String CHEAP = "cheap";
    public static final String RULES = "rules";
    public static final String HUMAN_REVIEW = "human_review";
    private static final String ADVANCED_RESOURCE = "support-triage/advanced";

    private final CascadeRegistries registries = CascadeRegistries.create();
    private final InMemoryReviewQueue<Ticket, Reply> reviews = new InMemoryReviewQueue<>();
    private final Map<String, Pricing> prices = Map.of(ADVANCED, Pricing.ADVANCED, CHEAP, Pricing.CHEAP);
    private final Cascade<Ticket, Reply> chain;
    private final String description;

    /** The chain over {@code advanced} and {@code cheap}, with the timeouts, retries and breaker of {@code c}. */
    public CascadeStrategy(DemoConfig c, SimulatedModel advanced, SimulatedModel cheap) {
        this(c, advanced, cheap, OpenTelemetry.noop());
    }

    /** As above, reporting spans and metrics to {@code otel} (a no-op adds nothing). */
    public CascadeStrategy(DemoConfig c, SimulatedModel advanced, SimulatedModel cheap, OpenTelemetry otel) {
        BreakerSettings b = c.breaker();
        RuleSet<Ticket, Reply> faq = FaqRules.create();
        this.chain = Cascade.<Ticket, Reply>builder("support-triage")
                .prompt(SupportPrompt::of)
                .parse(r -> new Reply(r.text(), r.model()))
                .model(ADVANCED, advanced, s -> s
                        .timeout(c.readTimeout())
                        .retry(r -> r.maxAttempts(2).initialBackoff(c.advancedRetryBackoff()))
                        .circuitBreaker(cb -> cb
                                .slidingWindowSize(b.window())
                                .minimumCalls(b.minimumCalls())
                                .failureRateThreshold(b.failureRatePercent())
                                .openFor(b.openFor())
                                .halfOpenCalls(b.halfOpenCalls()))
                        .resourceName(ADVANCED_RESOURCE))
                .model(CHEAP, cheap, s -> s
                        .timeout(c.readTimeout())
                        .retry(r -> r.maxAttempts(2).initialBackoff(c.cheapRetryBackoff())))
                .rules(RULES, faq)
                .humanReview(HUMAN_REVIEW, reviews)
                .registries(registries)
                .openTelemetry(otel)
                .build();
        this.description = "advanced (timeout " + c.readTimeout().toMillis() + " ms, 2 attempts, backoff "
                + c.advancedRetryBackoff().toMillis() + " ms, breaker: " + b + ") -> cheap (timeout "
                + c.readTimeout().toMillis() + " ms, 2 attempts, backoff " + c.cheapRetryBackoff().toMillis()
                + " ms) -> rules (" + faq.rules().size() + " FAQ keyword rules) -> human_review"
                + " (InMemoryReviewQueue); Retry-After honoured";
    }

    @Override
    public String name() {
        return "cascade";
    }

    @Override
    public List<String> steps() {
        return List.of(ADVANCED, CHEAP, RULES, HUMAN_REVIEW);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Handled handle(Ticket ticket) {
        Outcome<Reply> outcome = chain.execute(ticket);
        long cost = 0;
        for (Attempt a : outcome.attempts()) {
            if (a.calledModel()) {
                // Failed attempts report Usage.NONE, so this is what the provider billed.
                cost += prices.get(a.step()).costNanoUsd(a.usage());
            }
        }
        return switch (outcome.status()) {
            case ANSWERED -> Handled.by(outcome.answeredBy().orElseThrow(), cost);
            case PENDING_REVIEW -> Handled.by(HUMAN_REVIEW, cost);
            case UNANSWERED, CANCELLED -> Handled.lost(cost);
        };
    }

    /** The advanced step's breaker, to watch its state changes. */
    public CircuitBreaker advancedBreaker() {
        return registries.circuitBreaker(ADVANCED_RESOURCE)
                .orElseThrow(() -> new IllegalStateException("breaker " + ADVANCED_RESOURCE + " not registered"));
    }

    /** The human review queue (every item the chain handed to people). */
    public InMemoryReviewQueue<Ticket, Reply> reviewQueue() {
        return reviews;
    }
}
