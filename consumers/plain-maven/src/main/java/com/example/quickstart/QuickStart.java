package com.example.quickstart;

import java.time.Duration;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;

/**
 * Cascade's quick start as a user's application writes it: the advanced model is down, the cheap one answers.
 * Exits with status 1 when the outcome is not the expected one.
 */
public final class QuickStart {
    /** What the quick start must answer, and which step must answer it. */
    static final String EXPECTED_ANSWER = "category: billing";
    static final String EXPECTED_STEP = "cheap";

    private QuickStart() {
    }

    public static void main(String[] args) {
        Outcome<String> out = run("I was charged twice this month");
        System.out.println(out.answer().orElse("(pending review)") + " <- answered by "
                + out.answeredBy().orElse("nobody"));
        out.attempts().forEach(a -> System.out.println("  " + a.step() + " " + a.status()
                + (a.failure() == null ? "" : " " + a.failure() + ": " + a.reason())));
        if (!out.answer().orElse("").equals(EXPECTED_ANSWER) || !out.answeredBy().orElse("").equals(EXPECTED_STEP)) {
            System.err.println("quick start: expected '" + EXPECTED_ANSWER + "' from step '" + EXPECTED_STEP + "'");
            System.exit(1);
        }
    }

    /** Builds the quick start's chain and classifies one ticket. */
    static Outcome<String> run(String ticket) {
        ModelClient advanced = request -> {
            throw new ModelCallException(FailureKind.UNAVAILABLE, "503 Service Unavailable");
        };
        ModelClient cheap = request -> ModelResponse.of("category: billing", Usage.of(120, 8));
        InMemoryReviewQueue<String, String> reviewQueue = new InMemoryReviewQueue<>();

        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                .prompt(t -> ModelRequest.of("Classify the support ticket.", t))
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s
                        .timeout(Duration.ofSeconds(8))
                        .retry(r -> r.maxAttempts(2))
                        .circuitBreaker(cb -> cb.failureRateThreshold(50).openFor(Duration.ofSeconds(30))))
                .model("cheap", cheap, s -> s.timeout(Duration.ofSeconds(4)))
                .rules("faq", RuleSet.<String, String>firstMatch()
                        .rule("password-reset", t -> t.contains("password"), t -> "category: account")
                        .build())
                .humanReview("support-desk", reviewQueue)
                .accept(answer -> answer.startsWith("category:"))
                .deadline(Duration.ofSeconds(10))
                .build();
        return triage.execute(ticket);
    }
}
