package com.example.triage;

import java.time.Duration;
import java.util.List;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import dev.cascade.budget.Budget;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.testing.Fault;
import dev.cascade.testing.FaultyProvider;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application's chain against a provider that fails as scripted, through the real LangChain4j OpenAI client: the
 * way a user tests fallbacks with Cascade's test kit (cascade-test).
 */
class TriageFaultsTest {
    private static final String ADVANCED = "gpt-advanced";
    private static final String CHEAP = "gpt-cheap";
    /** What one healthy answer from the provider costs on the cheap model: 12 input and 5 output tokens. */
    private static final long CHEAP_ANSWER_MICROS =
            FaultyProvider.INPUT_TOKENS * 1 + FaultyProvider.OUTPUT_TOKENS * 4; // $1.00 / $4.00 per million

    private final VirtualTime time = new VirtualTime();
    private final InMemoryReviewQueue<String, String> review = new InMemoryReviewQueue<>();
    private FaultyProvider provider;

    @BeforeEach
    void start() {
        provider = new FaultyProvider().start();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    private Cascade<String, String> chain(Duration clientTimeout) {
        Budget budget = Budget.builder().limit(Scope.CHAIN, Window.DAY, "10.00").clock(time.asClock()).build();
        return Triage.chain(
                Triage.openAi(provider.openAiBaseUrl(), "sk-test", ADVANCED, clientTimeout),
                Triage.openAi(provider.openAiBaseUrl(), "sk-test", CHEAP, clientTimeout),
                review, budget, time);
    }

    @Test
    void rateLimitedThenServerErrorFallsBackToTheCheapModelAfterHonouringRetryAfter() {
        provider.script(ADVANCED, Fault.rateLimited(Duration.ofSeconds(3)), Fault.SERVER_500);
        provider.script(CHEAP, Fault.ok("category: billing"));

        Outcome<String> out = chain(Duration.ofSeconds(5)).execute("I was charged twice this month");

        assertEquals(Outcome.Status.ANSWERED, out.status());
        assertEquals("category: billing", out.answer().orElseThrow());
        assertEquals("cheap", out.answeredBy().orElseThrow());
        List<Attempt> attempts = out.attempts();
        assertEquals(3, attempts.size(), attempts::toString);
        assertAttempt(attempts.get(0), "advanced", 1, Attempt.Status.FAILED, FailureKind.RATE_LIMITED);
        assertAttempt(attempts.get(1), "advanced", 2, Attempt.Status.FAILED, FailureKind.UNAVAILABLE);
        assertAttempt(attempts.get(2), "cheap", 1, Attempt.Status.ANSWERED, null);
        assertEquals(2, provider.requestCount(ADVANCED));
        assertEquals(1, provider.requestCount(CHEAP));
        // The engine waited the provider's Retry-After before the second attempt, on virtual time: no real wait.
        assertTrue(time.sleeps().contains(Duration.ofSeconds(3)), () -> "sleeps: " + time.sleeps());
        // Failed calls cost nothing; the answer costs the cheap model's price for the provider's reported tokens.
        assertEquals(0, attempts.get(0).cost().micros());
        assertEquals(0, attempts.get(1).cost().micros());
        assertEquals(CHEAP_ANSWER_MICROS, out.cost().micros());
    }

    @Test
    void aModelThatDoesNotAnswerInTimeFallsBackToTheCheapModel() {
        provider.script(ADVANCED, Fault.slowHeaders(Duration.ofSeconds(20)));
        provider.script(CHEAP, Fault.ok("category: shipping"));

        // The client's own timeout (real time, short) is what ends a call the provider never answers.
        Outcome<String> out = chain(Duration.ofMillis(300)).execute("where is my parcel?");

        assertEquals("cheap", out.answeredBy().orElseThrow());
        assertEquals("category: shipping", out.answer().orElseThrow());
        assertAttempt(out.attempts().get(0), "advanced", 1, Attempt.Status.FAILED, FailureKind.TIMEOUT);
        assertAttempt(out.attempts().get(1), "advanced", 2, Attempt.Status.FAILED, FailureKind.TIMEOUT);
        assertEquals(2, provider.requestCount(ADVANCED));
        assertEquals(CHEAP_ANSWER_MICROS, out.cost().micros());
    }

    @Test
    void whenEveryModelIsDownTheRuleOrTheReviewQueueTakesTheTicket() {
        provider.defaultScript(Fault.SERVER_503);
        Cascade<String, String> chain = chain(Duration.ofSeconds(5));

        Outcome<String> rule = chain.execute("I forgot my password");
        assertEquals("faq", rule.answeredBy().orElseThrow());
        assertEquals("category: account", rule.answer().orElseThrow());

        Outcome<String> queued = chain.execute("something odd happened");
        assertEquals(Outcome.Status.PENDING_REVIEW, queued.status());
        assertTrue(queued.pendingReview().isPresent());
        assertEquals(0, queued.cost().micros());
        // Two executions, each: advanced twice (retry), cheap once (no retry configured).
        assertEquals(4, provider.requestCount(ADVANCED));
        assertEquals(2, provider.requestCount(CHEAP));
    }

    private static void assertAttempt(Attempt a, String step, int number, Attempt.Status status, FailureKind kind) {
        assertEquals(step, a.step(), a::toString);
        assertEquals(number, a.number(), a::toString);
        assertEquals(status, a.status(), a::toString);
        assertEquals(kind, a.failure(), a::toString);
    }
}
