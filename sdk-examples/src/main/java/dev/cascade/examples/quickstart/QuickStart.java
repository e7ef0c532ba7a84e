package dev.cascade.examples.quickstart;

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

import java.time.Duration;

/**
 * The README's quick start (the region between the {@code tag::quickstart} markers is the README's code block,
 * checked by {@code DocsSnippetsTest}). Two stand-in models: the advanced one is down, the cheap
 * one answers. Replace them with your own {@link ModelClient}s (or an adapter).
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) {
        // tag::quickstart[]
        ModelClient advanced = request -> {
            throw new ModelCallException(FailureKind.UNAVAILABLE, "503 Service Unavailable");
        };
        ModelClient cheap = request -> ModelResponse.of("category: billing", Usage.of(120, 8));
        InMemoryReviewQueue<String, String> reviewQueue = new InMemoryReviewQueue<>();

        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
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

        Outcome<String> out = triage.execute("I was charged twice this month");
        out.answer();       // Optional[category: billing]
        out.answeredBy();   // Optional[cheap]
        out.attempts();     // advanced FAILED UNAVAILABLE, advanced FAILED UNAVAILABLE (retries exhausted), cheap ANSWERED
        out.pendingReview();// present when the human step holds the input: id + future of the decision
        // end::quickstart[]

        System.out.println(out.answer().orElse("(pending review)") + " <- answered by "
                + out.answeredBy().orElse("nobody"));
        out.attempts().forEach(a -> System.out.println("  " + a.step() + " " + a.status()
                + (a.failure() == null ? "" : " " + a.failure() + ": " + a.reason())));
    }
}
