package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import dev.cascade.eval.ContinuousValidation;
import dev.cascade.eval.Dataset;
import dev.cascade.eval.DatasetReader;
import dev.cascade.eval.DriftCheck;
import dev.cascade.eval.EvalCase;
import dev.cascade.eval.Evaluation;
import dev.cascade.eval.EvaluationResult;
import dev.cascade.eval.EvalJson;
import dev.cascade.eval.LiveRoiCollector;
import dev.cascade.eval.RoiOptions;
import dev.cascade.eval.RoiReport;
import dev.cascade.eval.RoiReportWriter;
import dev.cascade.eval.Scorer;
import dev.cascade.eval.Scorers;
import dev.cascade.eval.ValidationHistory;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelClient;
import io.opentelemetry.api.OpenTelemetry;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Documentation snippets: evaluation runs, scorers, drift checks and the ROI report (artifact cascade-eval). Compiled
 * with the examples so the docs never show code that does not build.
 */
public final class EvaluationSnippets {
    private EvaluationSnippets() {
    }

    /** Loading a labelled data set, with limits. */
    public static Dataset dataset(Path dir) {
        // tag::eval-dataset[]
        // tickets.jsonl: {"id":"t1","input":"I was charged twice","expected":"billing","tags":["edge"]}
        Dataset tickets = Dataset.load(dir.resolve("tickets.jsonl"));              // or tickets.csv
        Dataset bounded = DatasetReader.defaults().maxCases(5_000).maxFieldChars(8_000)
                .read(dir.resolve("tickets.csv"));
        Dataset adversarial = tickets.filter(c -> c.hasTag("adversarial"));
        // end::eval-dataset[]
        return bounded.size() > 0 ? bounded : adversarial;
    }

    /** Scorers: deterministic ones, and a judge only beside one of them. */
    public static Scorer<String> scorers(ModelClient judgeModel) {
        // tag::eval-scorers[]
        Scorer<String> label = Scorers.exactLabel();                         // "billing" == "billing"
        Scorer<String> text = Scorers.normalisedText();                      // "Billing." matches "billing"
        Scorer<String> field = Scorers.jsonField("reply.category");          // {"reply":{"category":"billing"}}
        Scorer<String> amount = Scorers.numeric("0.01");                     // 12.30 vs 12.31
        Scorer<String> custom = Scorers.custom("mentions-refund", (c, answer) -> answer.contains("refund"));
        Scorer<String> judged = Scorers.allOf(Scorers.jsonField("reply.category"),
                Scorers.llmJudge(judgeModel, 0.8));                          // never a judge alone
        // end::eval-scorers[]
        return label == null ? text : field == null ? amount : custom == null ? judged : label;
    }

    /** Running variants side by side. */
    public static EvaluationResult run(Cascade<String, String> alwaysAdvanced, Cascade<String, String> fullChain,
                                       Dataset tickets, Path dir) {
        // tag::eval-run[]
        Evaluation<String, String> evaluation = Evaluation.<String, String>builder()
                .input(EvalCase::input)                                      // case -> the chain's input
                .scorer(Scorers.jsonField("category"))
                .variant("always-advanced", alwaysAdvanced)
                .variant("cascade", fullChain)
                .concurrency(4)                                              // cases of a variant at once
                .moneyCap(Money.usd("5.00"))                                 // stop starting cases past $5
                .counterfactual("gpt-4o", Pricing.perMillionTokens("2.50", "10.00"))
                .build();
        EvaluationResult result = evaluation.run(tickets);
        double accuracy = result.variant("cascade").overall().accuracy();
        Money perTransaction = result.variant("cascade").overall().costPerTransaction();
        EvalJson.write(result, dir.resolve("eval.json"));                    // for RoiCommand, or your CI
        // end::eval-run[]
        return accuracy >= 0 && perTransaction != null ? result : null;
    }

    /** A daily validation with drift anomalies to listeners and metrics. */
    public static ContinuousValidation continuous(Evaluation<String, String> evaluation, CascadeListener alerts,
                                                  OpenTelemetry otel) {
        // tag::eval-continuous[]
        ValidationHistory history = ValidationHistory.directory(Path.of("validation-history"));
        ContinuousValidation validation = ContinuousValidation
                .builder(() -> evaluation.run(Dataset.load(Path.of("samples.jsonl"))))
                .history(history)
                .driftCheck(DriftCheck.builder()
                        .maxErrorRate(0.05)                   // error rate above 5%
                        .maxCostIncrease(0.15)                // cost per transaction up more than 15% ...
                        .referencePeriod(Duration.ofDays(30)) // ... against the last 30 days' runs
                        .build())
                .listener(alerts)                             // onAnomaly(Anomaly)
                .openTelemetry(otel)                          // cascade.evaluation.* metrics
                .interval(Duration.ofHours(24))
                .onRun(run -> RoiReportWriter.write(RoiReport.fromEvaluation(run.result(), RoiOptions.defaults()
                        .withTrend(history.all())), Path.of("roi")))   // a fresh report after every run
                .build();
        validation.start();                                   // close() at shutdown
        // end::eval-continuous[]
        return validation;
    }

    /** The ROI report from an evaluation, and from live traffic. */
    public static RoiReport report(EvaluationResult result, ValidationHistory history, Path dir) {
        // tag::eval-report[]
        RoiReport report = RoiReport.fromEvaluation(result, RoiOptions.defaults()
                .withBaseline("always-advanced")
                .withChosen("cascade")
                .withMonthlyVolume(250_000)
                .withTrend(history.all()));
        RoiReportWriter.write(report, dir);                 // dir/roi.json and dir/roi.html
        // end::eval-report[]
        return report;
    }

    /** The ROI report of live traffic. */
    public static RoiReport live(ModelClient cheapModel) {
        // tag::eval-live[]
        LiveRoiCollector live = new LiveRoiCollector("gpt-4o", Pricing.perMillionTokens("2.50", "10.00"));
        Cascade<String, String> triage = Cascade.<String, String>builder("support-triage")
                .prompt(ticket -> ModelRequest.of("Classify the support ticket.", ticket))
                .parse(ModelResponse::text)
                .model("cheap", cheapModel, s -> s.modelName("gpt-4o-mini"))
                .listener(live)                                    // observes every execution
                .build();
        // ... a period of traffic later:
        RoiReport report = RoiReport.fromPeriod(live.snapshot(), RoiOptions.defaults());
        live.reset();                                              // start the next period
        // end::eval-live[]
        return triage.name().isEmpty() ? null : report;
    }
}
