package dev.cascade.langchain4j;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.event.Alert;
import dev.cascade.event.Anomaly;
import dev.cascade.fixtures.Fault;
import dev.cascade.fixtures.FaultyProvider;
import dev.cascade.fixtures.FaultyProvider.RecordedCall;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The fault matrix: the real {@code langchain4j-open-ai} and {@code langchain4j-anthropic} clients, wrapped by
 * {@link LangChain4jModelClient}, meet every fault of the {@link FaultyProvider} as the advanced step of a chain
 * <pre>
 * advanced (the faulty model: timeout 1 s, 2 attempts, no backoff, maxRetryAfter 2 s)
 *   ▸ cheap (a healthy model on the same provider: timeout 2 s)
 *   ▸ rules (no rule matches the input)
 *   ▸ human review
 * deadline 5 s
 * </pre>
 * with the clients' own retries off ({@code maxRetries(0)}) and a client timeout of 750 ms. Each cell asserts: the
 * failure kind recorded on every advanced attempt; that exactly as many HTTP requests reached the provider for the
 * advanced model as the step's retry policy allows for that kind (2 for retried kinds, 1 otherwise), one per recorded
 * attempt; whether the chain fell back (the cheap model answered, with its usage, model and finish reason) or, for
 * kinds that bar other models, that the cheap model was never called and the input went on to rules and review; that
 * a provider's Retry-After was waited for when it fits, and that no retry was made when it exceeds
 * {@code maxRetryAfter} or the deadline; that no error or empty completion counted as an answer; that
 * AUTH and QUOTA_EXHAUSTED raised an alert; and that the execution ended (timed-out cells end with TIMEOUT, freed by
 * Cascade's own attempt timeout). Elapsed time is recorded, not asserted.
 *
 * <p>The matrix is printed as a markdown table after the run and written to {@code <build dir>/fault-matrix.md}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultMatrixTest {

    static final Duration CLIENT_TIMEOUT = Duration.ofMillis(750);
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(1);
    static final Duration CHEAP_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEADLINE = Duration.ofSeconds(5);
    /** How long an execution may take before the cell counts as hung: the deadline plus a generous margin. */
    static final Duration HUNG = DEADLINE.plusSeconds(10);
    static final String INPUT = "My invoice shows the wrong amount";

    private static final MatrixTable TABLE = new MatrixTable();

    private FaultyProvider provider;

    /** Events the chain raised during the cell. */
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startProvider() {
        provider = new FaultyProvider().start();
    }

    @AfterEach
    void stopProvider() {
        provider.close();
    }

    static Stream<Arguments> cells() {
        List<Arguments> out = new ArrayList<>();
        List<MatrixCase> cases = MatrixCase.all();
        for (int i = 0; i < cases.size(); i++) {
            for (MatrixClient client : MatrixClient.values()) {
                out.add(arguments(i, cases.get(i), client));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "[{index}] {1} / {2}")
    @MethodSource("cells")
    void cell(int order, MatrixCase c, MatrixClient client) throws Exception {
        MatrixTable.Row row = TABLE.add(order, c.label(), client.label());
        provider.script(client.advancedModel, c.fault());
        Cascade<String, String> chain = chain(client, c.deadline() != null ? c.deadline() : DEADLINE);

        Outcome<String> out = assertTimeoutPreemptively(HUNG, () -> chain.execute(INPUT),
                "the execution did not end within " + HUNG);
        check(row, c, client, out);
    }

    /** One cell through {@code executeAsync}: the nastiest fault (a body that stalls after the headers). */
    @ParameterizedTest(name = "executeAsync: body stalls mid-way / {0}")
    @EnumSource(MatrixClient.class)
    void stalledBodyThroughExecuteAsync(MatrixClient client) throws Exception {
        MatrixCase c = MatrixCase.of("body stalls mid-way (30 s), executeAsync", Fault.STALLED_BODY,
                FailureKind.TIMEOUT);
        MatrixTable.Row row = TABLE.add(MatrixCase.all().size(), c.label(), client.label());
        provider.script(client.advancedModel, c.fault());
        Cascade<String, String> chain = chain(client);

        Outcome<String> out = chain.executeAsync(INPUT).get(HUNG.toMillis(), TimeUnit.MILLISECONDS);
        check(row, c, client, out);
    }

    /**
     * The deadline holds when the faulty model alone would outlast it: with a 1.5 s deadline, the second attempt of a
     * stalled body is cut to the time left, the cheap model is skipped ({@code NO_TIME}), and rules and review still
     * take the input.
     */
    @ParameterizedTest(name = "deadline 1.5 s, body stalls mid-way / {0}")
    @EnumSource(MatrixClient.class)
    void deadlineHoldsWhenTheFaultyModelOutlastsIt(MatrixClient client) throws Exception {
        Duration deadline = Duration.ofMillis(1500);
        MatrixTable.Row row = TABLE.add(MatrixCase.all().size() + 1, "body stalls mid-way (30 s), deadline 1.5 s",
                client.label());
        provider.script(client.advancedModel, Fault.STALLED_BODY);
        Cascade<String, String> chain = chain(client, deadline);

        Outcome<String> out = assertTimeoutPreemptively(HUNG, () -> chain.execute(INPUT));

        List<Attempt> advanced = attempts(out, "advanced");
        List<Attempt> cheap = attempts(out, "cheap");
        row.kinds = advanced.stream().map(a -> String.valueOf(a.failure())).distinct()
                .collect(Collectors.joining(", "));
        row.requests = provider.requestCount(client.advancedModel);
        row.retried = row.requests > 1;
        row.fellBack = cheap.stream().map(a -> "no (cheap " + a.failure() + ")").findFirst().orElse("-");
        row.answeredBy = out.answeredBy().orElse(out.status() == Outcome.Status.PENDING_REVIEW ? "review (pending)"
                : out.status().name());
        row.elapsedMs = out.elapsed().toMillis();
        try {
            // Normally two 1 s attempts fit before the 1.5 s deadline cuts the second; on a loaded machine the first
            // may end late enough that no retry fits. Either way: only timeouts, one request per attempt, no overrun.
            assertThat(advanced).as("advanced attempts").hasSizeBetween(1, 2)
                    .allSatisfy(a -> assertThat(a.failure()).isEqualTo(FailureKind.TIMEOUT));
            assertThat(provider.requestCount(client.advancedModel)).isEqualTo(advanced.size());
            assertThat(cheap).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(Attempt.Status.SKIPPED);
                assertThat(a.failure()).isEqualTo(FailureKind.NO_TIME);
            });
            assertThat(provider.requestCount(client.cheapModel)).isZero();
            assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
            assertThat(eventually(() -> provider.heldExchanges() == 0, Duration.ofSeconds(5))).isTrue();
            row.verdict = "ok";
        } catch (AssertionError e) {
            row.verdict = verdict(e);
            throw e;
        }
    }

    /**
     * What the matrix avoids, shown once: a client with LangChain4j's default retries (2) turns one Cascade attempt
     * into three HTTP requests, and the adapter warns about it: once on the listener given to {@code of(...)}
     * ({@code client-retries}), and through every chain the client is a step of when that chain is built
     * ({@code model-client}).
     */
    @ParameterizedTest(name = "client-side retries multiply requests and are warned about / {0}")
    @EnumSource(MatrixClient.class)
    void clientSideRetriesMultiplyRequestsAndAreWarnedAbout(MatrixClient client) {
        List<Anomaly> anomalies = new CopyOnWriteArrayList<>();
        CascadeListener listener = new CascadeListener() {
            @Override
            public void onAnomaly(Anomaly event) {
                anomalies.add(event);
            }
        };
        provider.script(client.advancedModel, Fault.SERVER_503);
        LangChain4jModelClient retrying = LangChain4jModelClient.of(
                client.chatModel(provider, client.advancedModel, null, CLIENT_TIMEOUT), client.provider,
                client.advancedModel, listener);
        Cascade<String, String> chain = Cascade.<String, String>builder("client-retries-" + client)
                .prompt(t -> ModelRequest.of(t))
                .parse(ModelResponse::text)
                .model("advanced", retrying, s -> s.timeout(Duration.ofSeconds(4)))
                .rules("fallback", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .deadline(DEADLINE)
                .listener(listener)
                .build();

        Outcome<String> out = assertTimeoutPreemptively(HUNG, () -> chain.execute(INPUT));

        assertThat(retrying.clientRetries()).hasValue(2);
        assertThat(anomalies).extracting(Anomaly::watcher)
                .containsExactlyInAnyOrder(LangChain4jModelClient.CLIENT_RETRIES, "model-client");
        assertThat(out.modelCalls()).as("Cascade made one attempt").isEqualTo(1);
        assertThat(out.answeredBy()).hasValue("fallback");
        assertThat(provider.requestCount(client.advancedModel)).as("but the client sent three requests")
                .isEqualTo(3);

        anomalies.clear();
        LangChain4jModelClient single = LangChain4jModelClient.of(
                client.chatModel(provider, client.advancedModel, 0, CLIENT_TIMEOUT), client.provider,
                client.advancedModel, listener);
        Cascade.<String, String>builder("no-client-retries-" + client)
                .prompt(t -> ModelRequest.of(t)).parse(ModelResponse::text)
                .model("advanced", single).listener(listener).build();
        assertThat(single.clientRetries()).hasValue(0);
        assertThat(anomalies).as("no warning for maxRetries(0)").isEmpty();
    }

    @AfterAll
    static void printMatrix() {
        String title = "Fault matrix: LangChain4j clients x faults, chain advanced -> cheap -> rules -> review"
                + " (step timeout " + STEP_TIMEOUT.toMillis() + " ms, " + MatrixCase.MAX_ATTEMPTS
                + " attempts, maxRetryAfter " + MatrixCase.MAX_RETRY_AFTER.toSeconds() + " s, client timeout "
                + CLIENT_TIMEOUT.toMillis() + " ms, maxRetries(0), deadline " + DEADLINE.toSeconds() + " s)";
        Path written = TABLE.write(title);
        System.out.println();
        System.out.println("## " + title);
        System.out.println();
        System.out.print(TABLE.markdown());
        if (written != null) {
            System.out.println();
            System.out.println("(written to " + written + ")");
        }
    }

    // ------------------------------------------------------------------------------------------------ the chain

    private Cascade<String, String> chain(MatrixClient client) {
        return chain(client, DEADLINE);
    }

    private Cascade<String, String> chain(MatrixClient client, Duration deadline) {
        InMemoryReviewQueue<String, String> review = new InMemoryReviewQueue<>();
        return Cascade.<String, String>builder("fault-matrix-" + client)
                .prompt(t -> ModelRequest.of("Classify the support ticket.", t))
                .parse(ModelResponse::text)
                .model("advanced", client.client(provider, client.advancedModel, CLIENT_TIMEOUT), s -> s
                        .timeout(STEP_TIMEOUT)
                        .retry(r -> r.maxAttempts(MatrixCase.MAX_ATTEMPTS)
                                .initialBackoff(Duration.ZERO)
                                .maxBackoff(Duration.ZERO)
                                .maxRetryAfter(MatrixCase.MAX_RETRY_AFTER)))
                .model("cheap", client.client(provider, client.cheapModel, CLIENT_TIMEOUT), s -> s
                        .timeout(CHEAP_TIMEOUT))
                .rules("faq", RuleSet.<String, String>firstMatch()
                        .rule("password-reset", t -> t.contains("password"), t -> "category: account")
                        .build())
                .humanReview("support-desk", review)
                .deadline(deadline)
                .listener(new CascadeListener() {
                    @Override
                    public void onAlert(Alert event) {
                        alerts.add(event);
                    }
                })
                .build();
    }

    // ------------------------------------------------------------------------------------------------ the checks

    private void check(MatrixTable.Row row, MatrixCase c, MatrixClient client, Outcome<String> out) {
        List<Attempt> advancedCalls = attempts(out, "advanced").stream().filter(Attempt::calledModel).toList();
        List<Attempt> cheap = attempts(out, "cheap");
        List<RecordedCall> requests = provider.requests(client.advancedModel);
        Set<String> kinds = new LinkedHashSet<>();
        for (Attempt a : advancedCalls) {
            kinds.add(a.failure() == null ? String.valueOf(a.status()) : a.failure().name());
        }
        row.kinds = kinds.isEmpty() ? "-" : String.join(", ", kinds);
        row.requests = requests.size();
        row.retried = requests.size() > 1;
        row.fellBack = cheap.stream().anyMatch(a -> a.status() == Attempt.Status.ANSWERED) ? "yes (cheap answered)"
                : cheap.stream().anyMatch(a -> a.failure() == FailureKind.BARRED) ? "no (cheap BARRED)"
                : "no";
        row.answeredBy = out.answeredBy().orElse(out.status() == Outcome.Status.PENDING_REVIEW ? "review (pending)"
                : out.status().name());
        row.elapsedMs = out.elapsed().toMillis();
        try {
            checkCell(c, client, out, advancedCalls, cheap, requests);
            row.verdict = "ok";
        } catch (AssertionError e) {
            row.verdict = verdict(e);
            throw e;
        }
    }

    /** A failed cell's verdict for the table: the assertion's description and, when known, expected vs. actual. */
    private static String verdict(AssertionError e) {
        String first = String.valueOf(e.getMessage()).strip().lines().findFirst().orElse("").strip();
        if (first.startsWith("[")) {
            first = first.substring(1);
        }
        if (first.endsWith("]")) {
            first = first.substring(0, first.length() - 1);
        }
        if (e instanceof org.opentest4j.AssertionFailedError f && f.isExpectedDefined() && f.isActualDefined()) {
            first += ": expected " + f.getExpected().getStringRepresentation() + ", was "
                    + f.getActual().getStringRepresentation();
        }
        return "**FAILED**: " + first.replace("|", "/");
    }

    private void checkCell(MatrixCase c, MatrixClient client, Outcome<String> out, List<Attempt> advancedCalls,
                           List<Attempt> cheap, List<RecordedCall> requests) {
        Supplier<String> trail = () -> "attempts:\n" + out.attempts().stream()
                .map(a -> "  " + a.step() + " #" + a.number() + " " + a.status() + " " + a.failure() + " - "
                        + a.reason())
                .collect(Collectors.joining("\n"));

        // The kind recorded on the faulty model's attempts.
        assertThat(advancedCalls).as("advanced attempts that called the model\n%s", trail.get()).isNotEmpty();
        for (Attempt a : advancedCalls) {
            assertThat(a.failure()).as("kind of advanced attempt #%d (%s)", a.number(), a.reason())
                    .isEqualTo(c.kind());
            assertThat(a.status()).as("status of advanced attempt #%d", a.number())
                    .isNotEqualTo(Attempt.Status.ANSWERED);
        }

        // Requests at the server: exactly what the step's retry policy allows, one per recorded attempt.
        assertThat(requests.size()).as("HTTP requests for the advanced model\n%s", trail.get())
                .isEqualTo(c.requests());
        assertThat(advancedCalls).as("advanced attempts recorded, one per HTTP request\n%s", trail.get())
                .hasSize(c.requests());

        // A Retry-After that fits is waited for (no backoff is configured, so the gap is the Retry-After's).
        if (c.retryAfter() != null && requests.size() > 1) {
            Duration gap = Duration.ofNanos(requests.get(1).receivedNanos() - requests.get(0).receivedNanos());
            assertThat(gap).as("the retry came %d ms after the 429, the provider said Retry-After %d ms",
                    gap.toMillis(), c.retryAfter().toMillis()).isGreaterThanOrEqualTo(c.retryAfter().minusMillis(50));
        }

        // Fell back, or barred.
        String cheapModel = client.cheapModel;
        if (c.fallsBack()) {
            assertThat(out.status()).as("status\n%s", trail.get()).isEqualTo(Outcome.Status.ANSWERED);
            assertThat(out.answeredBy()).hasValue("cheap");
            assertThat(out.answer()).hasValue("answer from " + cheapModel);
            assertThat(provider.requestCount(cheapModel)).as("requests for the cheap model").isEqualTo(1);
            Attempt answered = cheap.get(cheap.size() - 1);
            assertThat(answered.status()).isEqualTo(Attempt.Status.ANSWERED);
            assertThat(answered.usage()).as("usage of the cheap answer").isEqualTo(client.healthyUsage);
            assertThat(answered.model()).as("model that answered")
                    .isEqualTo(FaultyProvider.servedModel(cheapModel));
            assertThat(answered.finishReason()).isEqualTo("stop");
        } else {
            assertThat(provider.requestCount(cheapModel)).as("the cheap model must not be called after %s",
                    c.kind()).isZero();
            assertThat(cheap).as("the cheap step\n%s", trail.get()).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(Attempt.Status.SKIPPED);
                assertThat(a.failure()).isEqualTo(FailureKind.BARRED);
            });
            assertThat(attempts(out, "faq")).singleElement()
                    .satisfies(a -> assertThat(a.status()).isEqualTo(Attempt.Status.PASSED));
            assertThat(out.status()).as("the input goes to human review").isEqualTo(Outcome.Status.PENDING_REVIEW);
            assertThat(attempts(out, "support-desk")).singleElement()
                    .satisfies(a -> assertThat(a.status()).isEqualTo(Attempt.Status.QUEUED));
        }

        // No error, refusal or empty completion is an answer: only the cheap model (or nobody) answers.
        assertThat(out.answeredBy()).isNotEqualTo(java.util.Optional.of("advanced"));
        out.answer().ifPresent(a -> assertThat(a).as("the answer").isNotBlank());

        // A timed-out attempt was ended by Cascade (the caller is free: we are here) and the client let go of the
        // exchange: the provider holds no stalled exchange once the execution is over.
        if (c.kind() == FailureKind.TIMEOUT) {
            assertThat(eventually(() -> provider.heldExchanges() == 0, Duration.ofSeconds(5)))
                    .as("the client closed the timed-out exchanges (provider still holds %d)", provider.heldExchanges())
                    .isTrue();
        }

        // Alerts for the kinds someone must act on.
        boolean alert = c.policy().alert();
        assertThat(alerts.stream().anyMatch(a -> "advanced".equals(a.step()) && a.kind() == c.kind()))
                .as("an alert for %s", c.kind()).isEqualTo(alert);
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition, Duration within) {
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

    private static List<Attempt> attempts(Outcome<String> out, String step) {
        return out.attempts().stream().filter(a -> a.step().equals(step)).toList();
    }
}
