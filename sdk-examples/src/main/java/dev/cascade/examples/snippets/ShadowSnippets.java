package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.budget.Budget;
import dev.cascade.eval.EvalCase;
import dev.cascade.eval.Scorer;
import dev.cascade.eval.Scorers;
import dev.cascade.shadow.ShadowComparator;
import dev.cascade.shadow.ShadowReport;
import dev.cascade.spi.ModelClient;

import java.time.Duration;
import java.util.Locale;

/**
 * Documentation snippets: shadow candidates, prompt templates and recorded scores (docs "evaluation" and "telemetry"). Compiled
 * with the examples and run by their test, so the docs never show code that does not build or work.
 */
public final class ShadowSnippets {
    private ShadowSnippets() {
    }

    /** A chain whose cheap step's answers are shadowed by a cheaper candidate on 5% of live traffic. */
    public static Cascade<String, String> shadow(ModelClient advanced, ModelClient nano) {
        // tag::shadow-candidate[]
        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
                .parse(r -> r.text().trim().toLowerCase(Locale.ROOT))
                .model("advanced", advanced, s -> s.modelName("gpt-4o"))
                .shadow("nano", nano, s -> s
                        .share(0.05)                                          // 5% of executions (the default)
                        .pricing(Pricing.perMillionTokens("0.10", "0.40"))   // its cost in the report
                        .budget(Budget.builder().perDay("2.00").build())    // its own money, not the chain's
                        .rateLimit(10, Duration.ofSeconds(1))                // at most 10 calls a second
                        .queueCapacity(100))                                 // a full queue drops, never waits
                .build();
        // end::shadow-candidate[]
        return triage;
    }

    /** An evaluation scorer adapted into a shadow comparator: the chain's answer plays the expected answer. */
    public static Cascade<String, String> shadowWithScorer(ModelClient advanced, ModelClient nano) {
        // tag::shadow-scorer[]
        Scorer<String> label = Scorers.normalisedText();
        ShadowComparator<String> sameLabel = (chainAnswer, candidateAnswer) ->   // the chain's answer as expected
                label.score(EvalCase.of("shadow", "", chainAnswer), candidateAnswer).value();
        // .shadow("nano", nano, s -> s.comparator(sameLabel)): "Billing." agrees with "billing"
        // end::shadow-scorer[]
        return Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s.modelName("gpt-4o"))
                .shadow("nano", nano, s -> s.comparator(sameLabel))
                .build();
    }

    /** What a shadow candidate has shown so far. */
    public static String report(Cascade<String, String> triage) {
        // tag::shadow-report[]
        for (ShadowReport r : triage.shadows()) {
            System.out.printf("%s: %d compared, %.1f%% agree, $%s spent, %d ms mean, %d dropped%n",
                    r.candidate(), r.compared(), 100 * r.agreementRate(), r.cost().toUsd(),
                    r.meanLatency().toMillis(), r.dropped());
        }
        // end::shadow-report[]
        ShadowReport r = triage.shadows().get(0);
        return r.candidate() + " " + r.compared() + " " + r.agreements();
    }

    /** Steps and requests naming their prompt template; a score recorded after the fact. */
    public static Outcome<String> templates(ModelClient cheap, ModelClient advanced) {
        // tag::prompt-template[]
        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
                .parse(ModelResponse::text)
                .model("cheap", cheap, s -> s.template("triage-mini-v2"))             // every request of the step
                .model("advanced", advanced, s -> s.prompt(ticket ->
                        ModelRequest.of("Classify the ticket; explain.", ticket)
                                .withTemplateId("triage-explain-v1")))                // or per request
                .build();
        Outcome<String> out = triage.execute("I was charged twice");
        out.templateId();                                     // Optional[triage-mini-v2]: the answering step's
        // end::prompt-template[]
        // tag::record-score[]
        boolean correct = out.answer().filter("billing"::equals).isPresent();   // e.g. a label checked later
        triage.recordScore(out, correct ? 1.0 : 0.0, "exact-label");            // cascade.quality.score
        // end::record-score[]
        return out;
    }

    /** A stand-in model answering {@code text}. */
    public static ModelClient answering(String text) {
        return request -> ModelResponse.of(text, Usage.of(120, 8));
    }
}
