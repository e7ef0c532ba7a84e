package dev.cascade.spring.ai;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.budget.Budget;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;
import dev.cascade.event.Alert;
import dev.cascade.event.RetryScheduled;
import dev.cascade.fixtures.Fault;
import dev.cascade.fixtures.FaultyProvider;
import dev.cascade.fixtures.FaultyProvider.RecordedCall;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static dev.cascade.spring.ai.OpenAiModels.openAi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The fault matrix for Spring AI: Spring AI 2.0.1's real {@code OpenAiChatModel} (on the {@code openai-java} SDK and
 * OkHttp), built with Spring AI's defaults (the SDK retries 3 times) and wrapped by {@link SpringAiModelClient#wrap},
 * meets every fault of the {@link FaultyProvider} as the advanced step of a chain
 * <pre>
 * advanced (the faulty model: timeout 1 s, 2 attempts, no backoff, maxRetryAfter 2 s)
 *   ▸ cheap (a healthy model on the same provider: timeout 2 s)
 *   ▸ rules (no rule matches the input)
 *   ▸ human review
 * deadline 5 s, a budget pricing both models (cached input priced apart)
 * </pre>
 * with Spring AI's {@code timeout} option (the OkHttp call timeout) at 750 ms. Each cell asserts: the failure kind on
 * every advanced attempt; that exactly as many HTTP requests reached the provider for the advanced model as the step's
 * retry policy allows for that kind (2 for retried kinds, 1 otherwise): the SDK's own retries are off; that a
 * provider's Retry-After reached the retry policy (the scheduled retry waits exactly the {@code retry-after-ms} the
 * SDK's exception carried) and was waited for; whether the chain fell back (the cheap model answered, with its usage
 * including cached tokens, its model and finish reason, and the budget settled to that usage) or, for kinds that bar
 * other models, that the cheap model was never called and the input went on to rules and review; that AUTH and
 * QUOTA_EXHAUSTED raised an alert; and that a timed-out exchange was let go. Elapsed time is recorded, not asserted.
 *
 * <p>The matrix is printed as a markdown table after the run and written to
 * {@code <build dir>/spring-ai-fault-matrix.md}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpringAiFaultMatrixTest {

    static final Duration CLIENT_TIMEOUT = Duration.ofMillis(750);
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(1);
    static final Duration CHEAP_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEADLINE = Duration.ofSeconds(5);
    static final Duration HUNG = DEADLINE.plusSeconds(10);
    static final int MAX_ATTEMPTS = 2;
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(2);
    static final String ADVANCED = "gpt-advanced";
    static final String CHEAP = "gpt-cheap";
    static final String INPUT = "My invoice shows the wrong amount";
    /** USD per 1M tokens: input 10, cached input 1, output 20; the cheap answer (12 in, 4 cached, 5 out) costs $0.000184. */
    static final Pricing PRICE = Pricing.perMillionTokens("10.00", "20.00").withCachedInput("1.00");
    static final Usage HEALTHY_USAGE = new Usage(FaultyProvider.INPUT_TOKENS, FaultyProvider.OUTPUT_TOKENS,
            FaultyProvider.CACHED_TOKENS);

    /**
     * One row: a fault and what the chain must make of it.
     *
     * @param requests   HTTP requests that must reach the provider for the advanced model
     * @param retryAfter when set, the provider's Retry-After that the retry must wait for
     * @param deadline   the chain's deadline when it is not the matrix's default
     */
    record Case(String label, Fault fault, FailureKind kind, int requests, Duration retryAfter, Duration deadline) {
        static Case of(String label, Fault fault, FailureKind kind) {
            return new Case(label, fault, kind, kind.defaultPolicy().retry() ? MAX_ATTEMPTS : 1, null, null);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("429 + Retry-After 1 s", Fault.RATE_LIMITED, FailureKind.RATE_LIMITED, MAX_ATTEMPTS,
                        Fault.DEFAULT_RETRY_AFTER, null),
                new Case("429 + Retry-After 30 s (> maxRetryAfter 2 s)", Fault.rateLimited(Duration.ofSeconds(30)),
                        FailureKind.RATE_LIMITED, 1, null, null),
                new Case("429 + Retry-After 2 s (> the 1.5 s deadline)", Fault.rateLimited(Duration.ofSeconds(2)),
                        FailureKind.RATE_LIMITED, 1, null, Duration.ofMillis(1500)),
                Case.of("429 insufficient_quota", Fault.QUOTA_EXHAUSTED, FailureKind.QUOTA_EXHAUSTED),
                Case.of("500", Fault.SERVER_500, FailureKind.UNAVAILABLE),
                Case.of("502 (HTML body)", Fault.BAD_GATEWAY_502, FailureKind.UNAVAILABLE),
                Case.of("503", Fault.SERVER_503, FailureKind.UNAVAILABLE),
                Case.of("529 overloaded", Fault.OVERLOADED_529, FailureKind.UNAVAILABLE),
                Case.of("slow headers (30 s > client timeout)", Fault.SLOW_HEADERS, FailureKind.TIMEOUT),
                Case.of("body stalls mid-way (30 s)", Fault.STALLED_BODY, FailureKind.TIMEOUT),
                Case.of("connection reset", Fault.CONNECTION_RESET, FailureKind.UNAVAILABLE),
                Case.of("401", Fault.UNAUTHORIZED_401, FailureKind.AUTH),
                Case.of("404 model not found", Fault.MODEL_NOT_FOUND_404, FailureKind.UNAVAILABLE),
                Case.of("400 invalid request", Fault.BAD_REQUEST_400, FailureKind.INVALID_REQUEST),
                Case.of("400 context_length_exceeded", Fault.CONTEXT_LENGTH_EXCEEDED, FailureKind.CONTEXT_TOO_LONG),
                Case.of("content filter (finish_reason content_filter, no text)", Fault.CONTENT_FILTERED,
                        FailureKind.CONTENT_FILTERED),
                Case.of("refusal (message.refusal, content null)", Fault.REFUSAL, FailureKind.CONTENT_FILTERED),
                Case.of("malformed JSON (200)", Fault.MALFORMED_JSON, FailureKind.UNAVAILABLE),
                Case.of("error object inside a 200", Fault.ERROR_IN_200, FailureKind.UNAVAILABLE),
                Case.of("empty completion (200)", Fault.EMPTY_COMPLETION, FailureKind.REJECTED));
    }

    private static final List<Row> ROWS = new CopyOnWriteArrayList<>();

    private FaultyProvider provider;
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final List<RetryScheduled> retries = new CopyOnWriteArrayList<>();
    private Budget budget;

    @BeforeEach
    void startProvider() {
        provider = new FaultyProvider().start();
        budget = Budget.builder()
                .limit(Scope.CHAIN, Window.DAY, "100.00")
                .price(ADVANCED, PRICE)
                .price(CHEAP, PRICE)
                .build();
    }

    @AfterEach
    void stopProvider() {
        provider.close();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void cell(Case c) {
        Row row = row(cases().indexOf(c), c.label());
        provider.script(ADVANCED, c.fault());
        Cascade<String, String> chain = chain(c.deadline() != null ? c.deadline() : DEADLINE);

        Outcome<String> out = assertTimeoutPreemptively(HUNG, () -> chain.execute(INPUT),
                "the execution did not end within " + HUNG);
        check(row, c, out);
    }

    /** One cell through {@code executeAsync}: the nastiest fault (a body that stalls after the headers). */
    @Test
    void stalledBodyThroughExecuteAsync() throws Exception {
        Case c = Case.of("body stalls mid-way (30 s), executeAsync", Fault.STALLED_BODY, FailureKind.TIMEOUT);
        Row row = row(cases().size(), c.label());
        provider.script(ADVANCED, c.fault());
        Cascade<String, String> chain = chain(DEADLINE);

        Outcome<String> out = chain.executeAsync(INPUT).get(HUNG.toMillis(), TimeUnit.MILLISECONDS);
        check(row, c, out);
    }

    @AfterAll
    static void printMatrix() {
        String title = "Fault matrix: Spring AI OpenAiChatModel (openai-java 4.49.0, OkHttp) x faults, chain"
                + " advanced -> cheap -> rules -> review (step timeout " + STEP_TIMEOUT.toMillis() + " ms, "
                + MAX_ATTEMPTS + " attempts, maxRetryAfter " + MAX_RETRY_AFTER.toSeconds() + " s, Spring AI timeout "
                + CLIENT_TIMEOUT.toMillis() + " ms, SDK maxRetries 3 turned off by SpringAiModelClient.wrap, deadline "
                + DEADLINE.toSeconds() + " s)";
        String table = markdown();
        System.out.println();
        System.out.println("## " + title);
        System.out.println();
        System.out.print(table);
        try {
            java.nio.file.Path classes = java.nio.file.Path.of(SpringAiFaultMatrixTest.class.getProtectionDomain()
                    .getCodeSource().getLocation().toURI());
            java.nio.file.Path out = classes.getParent().resolve("spring-ai-fault-matrix.md");
            java.nio.file.Files.writeString(out, "# " + title + "\n\n" + table);
            System.out.println();
            System.out.println("(written to " + out + ")");
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("could not write the fault matrix", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ the chain

    private Cascade<String, String> chain(Duration deadline) {
        InMemoryReviewQueue<String, String> review = new InMemoryReviewQueue<>();
        return Cascade.<String, String>builder("spring-ai-fault-matrix")
                .prompt(t -> ModelRequest.of("Classify the support ticket.", t))
                .parse(ModelResponse::text)
                // Spring AI's defaults (SDK maxRetries 3), as a Spring Boot app's ChatModel bean has them.
                .model("advanced", SpringAiModelClient.wrap(openAi(provider, ADVANCED, null, CLIENT_TIMEOUT)), s -> s
                        .timeout(STEP_TIMEOUT)
                        .retry(r -> r.maxAttempts(MAX_ATTEMPTS)
                                .initialBackoff(Duration.ZERO)
                                .maxBackoff(Duration.ZERO)
                                .maxRetryAfter(MAX_RETRY_AFTER)))
                .model("cheap", SpringAiModelClient.wrap(openAi(provider, CHEAP, null, CLIENT_TIMEOUT)), s -> s
                        .timeout(CHEAP_TIMEOUT))
                .rules("faq", RuleSet.<String, String>firstMatch()
                        .rule("password-reset", t -> t.contains("password"), t -> "category: account")
                        .build())
                .humanReview("support-desk", review)
                .deadline(deadline)
                .budget(budget)
                .listener(new CascadeListener() {
                    @Override
                    public void onAlert(Alert event) {
                        alerts.add(event);
                    }

                    @Override
                    public void onRetryScheduled(RetryScheduled event) {
                        retries.add(event);
                    }
                })
                .build();
    }

    // ------------------------------------------------------------------------------------------------ the checks

    private void check(Row row, Case c, Outcome<String> out) {
        List<Attempt> advancedCalls = attempts(out, "advanced").stream().filter(Attempt::calledModel).toList();
        List<Attempt> cheap = attempts(out, "cheap");
        List<RecordedCall> requests = provider.requests(ADVANCED);
        Set<String> kinds = new LinkedHashSet<>();
        for (Attempt a : advancedCalls) {
            kinds.add(a.failure() == null ? String.valueOf(a.status()) : a.failure().name());
        }
        row.kinds = kinds.isEmpty() ? "-" : String.join(", ", kinds);
        row.requests = requests.size();
        row.retryAfter = retries.stream().filter(r -> r.step().equals("advanced"))
                .map(r -> r.delay().toMillis() + " ms").findFirst().orElse("-");
        row.fellBack = cheap.stream().anyMatch(a -> a.status() == Attempt.Status.ANSWERED) ? "yes (cheap answered)"
                : cheap.stream().anyMatch(a -> a.failure() == FailureKind.BARRED) ? "no (cheap BARRED)"
                : cheap.stream().map(a -> "no (cheap " + a.failure() + ")").findFirst().orElse("no");
        row.answeredBy = out.answeredBy().orElse(out.status() == Outcome.Status.PENDING_REVIEW ? "review (pending)"
                : out.status().name());
        row.elapsedMs = out.elapsed().toMillis();
        try {
            checkCell(c, out, advancedCalls, cheap, requests);
            row.verdict = "ok";
        } catch (AssertionError e) {
            row.verdict = "**FAILED**: " + String.valueOf(e.getMessage()).strip().lines().findFirst().orElse("")
                    .replace("|", "/");
            throw e;
        }
    }

    private void checkCell(Case c, Outcome<String> out, List<Attempt> advancedCalls, List<Attempt> cheap,
                           List<RecordedCall> requests) {
        Supplier<String> trail = () -> "attempts:\n" + out.attempts().stream()
                .map(a -> "  " + a.step() + " #" + a.number() + " " + a.status() + " " + a.failure() + " - "
                        + a.reason())
                .collect(Collectors.joining("\n"));

        // The kind recorded on the faulty model's attempts.
        assertThat(advancedCalls).as("advanced attempts that called the model\n%s", trail.get()).isNotEmpty();
        for (Attempt a : advancedCalls) {
            assertThat(a.failure()).as("kind of advanced attempt #%d (%s)", a.number(), a.reason())
                    .isEqualTo(c.kind());
            assertThat(a.status()).isNotEqualTo(Attempt.Status.ANSWERED);
        }

        // Requests at the server: what the step's retry policy allows, one per attempt; the SDK retried nothing.
        assertThat(requests.size()).as("HTTP requests for the advanced model\n%s", trail.get())
                .isEqualTo(c.requests());
        assertThat(advancedCalls).as("advanced attempts, one per HTTP request\n%s", trail.get())
                .hasSize(c.requests());
        assertThat(requests).extracting(r -> r.header("x-stainless-retry-count"))
                .as("the SDK sent every request as its first try").containsOnly("0");

        // The provider's Retry-After reached the retry policy through the SDK's exception, and was waited for.
        List<RetryScheduled> advancedRetries = retries.stream().filter(r -> r.step().equals("advanced")).toList();
        if (c.retryAfter() != null) {
            assertThat(advancedRetries).as("the retry scheduled after the 429").singleElement()
                    .satisfies(r -> assertThat(r.delay()).isEqualTo(c.retryAfter()));
            Duration gap = Duration.ofNanos(requests.get(1).receivedNanos() - requests.get(0).receivedNanos());
            assertThat(gap).as("the retry came %d ms after the 429, the provider said Retry-After %d ms",
                    gap.toMillis(), c.retryAfter().toMillis()).isGreaterThanOrEqualTo(c.retryAfter().minusMillis(50));
        } else {
            assertThat(advancedRetries).hasSize(c.requests() - 1);
        }

        if (c.kind().defaultPolicy().fallToModels()) {
            assertThat(out.status()).as("status\n%s", trail.get()).isEqualTo(Outcome.Status.ANSWERED);
            assertThat(out.answeredBy()).hasValue("cheap");
            assertThat(out.answer()).hasValue("answer from " + CHEAP);
            assertThat(provider.requestCount(CHEAP)).isEqualTo(1);
            Attempt answered = cheap.get(cheap.size() - 1);
            assertThat(answered.status()).isEqualTo(Attempt.Status.ANSWERED);
            assertThat(answered.usage()).as("usage of the cheap answer, cached tokens included")
                    .isEqualTo(HEALTHY_USAGE);
            assertThat(answered.model()).isEqualTo(FaultyProvider.servedModel(CHEAP));
            assertThat(answered.finishReason()).isEqualTo("stop");
            // The budget settled to the reported usage, cached input at its own price. A failed call reported no
            // usage and cost nothing; a rejected (empty) answer was billed and is counted.
            Money perAnswer = PRICE.cost(HEALTHY_USAGE);
            assertThat(perAnswer).isEqualTo(Money.usd("0.000184"));
            assertThat(answered.cost()).isEqualTo(perAnswer);
            Money expected = perAnswer;
            if (c.kind() == FailureKind.REJECTED) {
                assertThat(advancedCalls).singleElement().satisfies(a -> {
                    assertThat(a.usage()).isEqualTo(HEALTHY_USAGE);
                    assertThat(a.cost()).isEqualTo(perAnswer);
                });
                expected = perAnswer.plus(perAnswer);
            } else {
                assertThat(advancedCalls).allSatisfy(a -> assertThat(a.cost()).isEqualTo(Money.ZERO));
            }
            assertThat(out.cost()).isEqualTo(expected);
            Budget.Spend spend = budget.spend(Scope.CHAIN, "spring-ai-fault-matrix", Window.DAY);
            assertThat(spend.spent()).isEqualTo(expected);
            assertThat(spend.reserved()).isEqualTo(Money.ZERO);
        } else {
            assertThat(provider.requestCount(CHEAP)).as("the cheap model must not be called after %s", c.kind())
                    .isZero();
            assertThat(cheap).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(Attempt.Status.SKIPPED);
                assertThat(a.failure()).isEqualTo(FailureKind.BARRED);
            });
            assertThat(out.status()).as("the input goes to human review").isEqualTo(Outcome.Status.PENDING_REVIEW);
            // A refused completion was still billed: its usage reaches the attempt and the budget. Other
            // barring failures (a 400) report no usage and cost nothing.
            Money billed = Money.ZERO;
            if (c.kind() == FailureKind.CONTENT_FILTERED) {
                billed = PRICE.cost(HEALTHY_USAGE);
                assertThat(advancedCalls).singleElement().satisfies(a -> {
                    assertThat(a.usage()).isEqualTo(HEALTHY_USAGE);
                    assertThat(a.cost()).isEqualTo(PRICE.cost(HEALTHY_USAGE));
                });
            }
            assertThat(out.cost()).isEqualTo(billed);
            assertThat(budget.spend(Scope.CHAIN, "spring-ai-fault-matrix", Window.DAY).spent()).isEqualTo(billed);
        }
        assertThat(budget.ledger().openReservations()).as("every reservation settled").isZero();

        // No error, refusal or empty completion is an answer.
        assertThat(out.answeredBy()).isNotEqualTo(java.util.Optional.of("advanced"));

        // A timed-out exchange was let go: OkHttp's call timeout closed it, so the provider holds none.
        if (c.kind() == FailureKind.TIMEOUT) {
            assertThat(eventually(() -> provider.heldExchanges() == 0, Duration.ofSeconds(5)))
                    .as("the client closed the timed-out exchanges (provider still holds %d)",
                            provider.heldExchanges()).isTrue();
        }

        boolean alert = c.kind().defaultPolicy().alert();
        assertThat(alerts.stream().anyMatch(a -> "advanced".equals(a.step()) && a.kind() == c.kind()))
                .as("an alert for %s", c.kind()).isEqualTo(alert);
    }

    private static List<Attempt> attempts(Outcome<String> out, String step) {
        return out.attempts().stream().filter(a -> a.step().equals(step)).toList();
    }

    private static boolean eventually(BooleanSupplier condition, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------ the table

    /** One executed cell, recorded before its assertions run so a failing cell shows up too. */
    static final class Row {
        final int order;
        final String fault;
        String kinds = "-";
        int requests;
        String retryAfter = "-";
        String fellBack = "-";
        String answeredBy = "-";
        long elapsedMs;
        String verdict = "not finished";

        Row(int order, String fault) {
            this.order = order;
            this.fault = fault;
        }
    }

    private static Row row(int order, String fault) {
        Row r = new Row(order, fault);
        ROWS.add(r);
        return r;
    }

    private static String markdown() {
        List<Row> sorted = new ArrayList<>(ROWS);
        sorted.sort(Comparator.comparingInt(r -> r.order));
        StringBuilder sb = new StringBuilder();
        sb.append("| fault | kind (advanced attempts) | HTTP requests | retry waited | fell back? | answered by"
                + " | elapsed ms | cell |\n|---|---|---|---|---|---|---|---|\n");
        for (Row r : sorted) {
            sb.append("| ").append(r.fault).append(" | ").append(r.kinds).append(" | ").append(r.requests)
                    .append(" | ").append(r.retryAfter).append(" | ").append(r.fellBack).append(" | ")
                    .append(r.answeredBy).append(" | ").append(r.elapsedMs).append(" | ").append(r.verdict)
                    .append(" |\n");
        }
        return sb.toString();
    }
}
