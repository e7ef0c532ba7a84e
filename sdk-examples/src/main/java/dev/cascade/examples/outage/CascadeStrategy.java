package dev.cascade.examples.outage;

import dev.cascade.Cascade;
import dev.cascade.CascadeBuilder;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.opentelemetry.api.OpenTelemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The Cascade chain, configured as a user would: the advanced model (attempt timeout, 2 attempts, circuit breaker),
 * then the cheap model (timeout, 2 attempts), then the FAQ rules, then human review on an
 * {@link InMemoryReviewQueue}; on a daily {@link DailyBudget budget} (hard limit per chain and day), so a model step
 * the budget cannot cover is skipped with {@code OVER_BUDGET} and the next step answers.
 *
 * <p>A request's cost is {@link Outcome#cost()}, what the budget settled for its attempts. Each request is also billed
 * by the demo's own price list ({@link ModelPrice}) from the attempts' reported usage, as a check: the two must agree
 * to the micro-dollar ({@link #budgetReport()}). Thread-safe.
 */
public final class CascadeStrategy implements Strategy {
    /** Step names; also the keys of {@code answered_by}. */
    public static final String ADVANCED = "advanced";
    public static final String CHEAP = "cheap";
    public static final String RULES = "rules";
    public static final String HUMAN_REVIEW = "human_review";
    /** The strategy's name in the report. */
    public static final String NAME = "cascade";
    /** The chain's name, also the budget's {@code CHAIN} subject. */
    public static final String CHAIN = "support-triage";
    private static final String ADVANCED_RESOURCE = CHAIN + "/advanced";

    private final CascadeRegistries registries = CascadeRegistries.create();
    private final InMemoryReviewQueue<Ticket, Reply> reviews = new InMemoryReviewQueue<>();
    private final Map<String, ModelPrice> prices = Map.of(ADVANCED, ModelPrice.ADVANCED, CHEAP, ModelPrice.CHEAP);
    private final Timeline timeline;
    private final DailyBudget budget;
    private final Cascade<Ticket, Reply> chain;
    private final String description;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong outcomeMicros = new AtomicLong();
    private final AtomicLong priceListMicros = new AtomicLong();
    private final AtomicLong costMismatches = new AtomicLong();

    /**
     * The chain over {@code advanced} and {@code cheap}, with the timeouts, retries, breaker and budget of {@code c},
     * reporting spans and metrics to {@code otel} (a no-op adds nothing).
     *
     * @param timeline   the shared timeline: each request tells the budget the phase it runs in
     * @param budgetLog  receives a line when the day's earlier traffic is simulated (at the start of recovery)
     */
    public CascadeStrategy(DemoConfig c, SimulatedModel advanced, SimulatedModel cheap, Timeline timeline,
                           OpenTelemetry otel, Consumer<String> budgetLog) {
        this.timeline = timeline;
        this.budget = new DailyBudget(CHAIN, c.budget(), budgetLog);
        BreakerSettings b = c.breaker();
        RuleSet<Ticket, Reply> faq = FaqRules.create();
        this.chain = modelSteps(Cascade.<Ticket, Reply>builder(CHAIN), c, advanced, cheap, ADVANCED_RESOURCE)
                .rules(RULES, faq)
                .humanReview(HUMAN_REVIEW, reviews)
                .budget(budget.budget()) // with headroom on the advanced step when money runs low
                .registries(registries)
                .openTelemetry(otel)
                .build();
        this.description = "advanced (timeout " + c.readTimeout().toMillis() + " ms, 2 attempts, backoff "
                + c.advancedRetryBackoff().toMillis() + " ms, breaker: " + b + ") -> cheap (timeout "
                + c.readTimeout().toMillis() + " ms, 2 attempts, backoff " + c.cheapRetryBackoff().toMillis()
                + " ms) -> rules (" + faq.rules().size() + " FAQ keyword rules) -> human_review"
                + " (InMemoryReviewQueue); Retry-After honoured; budget " + Usd.text(budget.limit())
                + " per day (Scope.CHAIN, Window.DAY, InMemoryBudgetLedger), every attempt reserves its worst case"
                + " (max " + SupportPrompt.MAX_OUTPUT_TOKENS + " output tokens) and is skipped with OVER_BUDGET when"
                + " the limit cannot cover it" + (c.budget().keepsForCheaperSteps() ? "; advanced also skipped"
                + " (OVER_BUDGET) once the remainder cannot cover its worst case + "
                + Usd.text(c.budget().keepForCheaperSteps()) + " kept for the cheaper steps" : "");
    }

    /**
     * The chain's model steps, advanced then cheap, with the timeouts, retries and breaker of {@code c}: the one
     * definition this chain and {@link StormVariant} (the same steps without rules and review) share.
     *
     * @param advancedResource the advanced step's breaker and limiter name in the chain's registries
     */
    static CascadeBuilder<Ticket, Reply> modelSteps(CascadeBuilder<Ticket, Reply> builder, DemoConfig c,
                                                    SimulatedModel advanced, SimulatedModel cheap,
                                                    String advancedResource) {
        BreakerSettings b = c.breaker();
        return builder
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
                        .resourceName(advancedResource))
                .model(CHEAP, cheap, s -> s
                        .timeout(c.readTimeout())
                        .retry(r -> r.maxAttempts(2).initialBackoff(c.cheapRetryBackoff())));
    }

    @Override
    public String name() {
        return NAME;
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
        budget.enter(timeline.behaviourAt(System.nanoTime()));
        Outcome<Reply> outcome = chain.execute(ticket);
        Money cost = outcome.cost();
        long priceList = 0;
        List<String> skipped = List.of();
        for (Attempt a : outcome.attempts()) {
            if (a.calledModel()) {
                // Failed attempts report Usage.NONE, so this is what the provider billed.
                priceList += prices.get(a.step()).billed(a.usage()).micros();
            } else if (a.status() == Attempt.Status.SKIPPED && a.failure() == FailureKind.OVER_BUDGET) {
                if (skipped.isEmpty()) {
                    skipped = new ArrayList<>(2);
                }
                skipped.add(a.step());
            }
        }
        requests.incrementAndGet();
        outcomeMicros.addAndGet(cost.micros());
        priceListMicros.addAndGet(priceList);
        if (priceList != cost.micros()) {
            costMismatches.incrementAndGet();
        }
        Handled handled = switch (outcome.status()) {
            case ANSWERED -> Handled.by(outcome.answeredBy().orElseThrow(), cost);
            case PENDING_REVIEW -> Handled.by(HUMAN_REVIEW, cost);
            case UNANSWERED, CANCELLED -> Handled.lost(cost);
        };
        return skipped.isEmpty() ? handled : handled.withOverBudgetSkips(skipped);
    }

    /** The chain's daily budget. */
    public DailyBudget budget() {
        return budget;
    }

    /**
     * The budget and the cost check, once every request has finished: records what is left at the end of the last
     * phase.
     */
    public BudgetReport budgetReport() {
        budget.finish();
        return new BudgetReport(budget.account(), budget.limit(), budget.spend().spent(), budget.earlierTraffic(),
                budget.leftForRecovery(), budget.keepForCheaperSteps(), budget.leftAtPhaseEnd(), budget.openReservations(),
                Money.ofMicros(outcomeMicros.get()), Money.ofMicros(priceListMicros.get()), requests.get(),
                costMismatches.get());
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
