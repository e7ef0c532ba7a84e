package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.budget.Budget;
import dev.cascade.eval.Dataset;
import dev.cascade.eval.EvalCase;
import dev.cascade.eval.EvaluationResult;
import dev.cascade.eval.RoiReport;
import dev.cascade.eval.ValidationHistory;
import dev.cascade.testing.ScriptedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluation doc snippets load, score, run and write what the docs say. */
class EvaluationSnippetsTest {
    @TempDir
    Path dir;

    @Test
    void theDatasetSnippetReadsBothFormats() throws Exception {
        Files.writeString(dir.resolve("tickets.jsonl"),
                "{\"id\":\"t1\",\"input\":\"I was charged twice\",\"expected\":\"billing\",\"tags\":[\"edge\"]}\n");
        Files.writeString(dir.resolve("tickets.csv"), "id,input,expected,tags\nt1,\"Hi, refund\",billing,edge\n");
        assertThat(EvaluationSnippets.dataset(dir).cases()).extracting(EvalCase::input)
                .containsExactly("Hi, refund");
    }

    @Test
    void theScorersSnippetBuildsEveryKind() {
        assertThat(EvaluationSnippets.scorers(ScriptedModel.answering("judge", "0.9")).name())
                .isEqualTo("exact-label");
    }

    @Test
    void theRunAndReportSnippetsWriteTheFiles() throws Exception {
        Dataset tickets = Dataset.of("tickets", java.util.List.of(
                EvalCase.of("t1", "I was charged twice", "billing"), EvalCase.of("t2", "Where is my parcel", "shipping")));
        EvaluationResult result = EvaluationSnippets.run(chain("gpt-4o", "2.50", "10.00"),
                chain("gpt-4o-mini", "0.15", "0.60"), tickets, dir);
        assertThat(dir.resolve("eval.json")).exists();
        assertThat(result.variant("cascade").overall().accuracy()).isEqualTo(1.0);

        RoiReport report = EvaluationSnippets.report(result, ValidationHistory.inMemory(5), dir.resolve("report"));
        assertThat(report.costShare()).isEqualTo(60.0 / 1000);   // $0.00006 vs $0.001 per transaction
        assertThat(dir.resolve("report/roi.json")).exists();
        assertThat(dir.resolve("report/roi.html")).exists();
    }

    private static Cascade<String, String> chain(String model, String in, String out) {
        ScriptedModel client = new ScriptedModel(model).then(r -> new ModelResponse(
                "{\"category\":\"" + (r.user().contains("charged") ? "billing" : "shipping") + "\"}",
                Usage.of(200, 50), "stop", model));
        return Cascade.<String, String>builder(model)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model(model, client, s -> s.pricing(Pricing.perMillionTokens(in, out)))
                .budget(Budget.builder().perDay("10.00").build())
                .build();
    }
}
