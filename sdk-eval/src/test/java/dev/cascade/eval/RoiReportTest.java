package dev.cascade.eval;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ROI report: built from an evaluation, JSON round trip, hostile text escaped in the HTML, the command line. */
class RoiReportTest {
    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime();

    private EvaluationResult result() {
        return Evaluation.<String, String>builder()
                .input(EvalCase::input).scorer(Scorers.exactLabel())
                .variant("always-advanced", Fixtures.advancedOnly(time))
                .variant("cascade", Fixtures.cascade(time))
                .timeSource(time)
                .counterfactual("gpt-4o", Fixtures.GPT_4O)
                .build().run(Fixtures.tickets(), "run-1");
    }

    @Test
    void aReportFromAnEvaluationComparesBaselineAndChosen() {
        RoiReport r = RoiReport.fromEvaluation(result(), RoiOptions.defaults().withChosen("cascade")
                .withMonthlyVolume(10_000));

        assertThat(r.source()).isEqualTo("evaluation");
        assertThat(r.before().label()).isEqualTo("always-advanced");
        assertThat(r.before().costPerTransaction()).isEqualTo(Money.usd("0.0035"));
        assertThat(r.before().monthlyCost()).isEqualTo(Money.usd("35.00"));
        assertThat(r.after().label()).isEqualTo("cascade");
        assertThat(r.after().costPerTransaction()).isEqualTo(Money.usd("0.000158"));
        assertThat(r.after().monthlyCost()).isEqualTo(Money.usd("1.58"));
        assertThat(r.monthlySavings()).isEqualTo(Money.usd("33.42"));
        assertThat(r.costShare()).isEqualTo(158 / 3500.0);
        assertThat(r.after().accuracy()).isEqualTo(0.5);
        assertThat(r.after().answeredShare()).isEqualTo(0.75);
        assertThat(r.after().manualShare()).isEqualTo(0.25);
        assertThat(r.after().latencyP50Ms()).isEqualTo(50.0);
        assertThat(r.before().latencyP50Ms()).isEqualTo(200.0);
        assertThat(r.headline()).isEqualTo("cascade costs 4.5% of always-advanced per transaction ($0.000158 vs"
                + " $0.0035) at 50.0% accuracy vs 100.0%, answering 75.0% without people: $33.42 a month saved at"
                + " 10,000 transactions a month.");
        // Over 4 cases, projected to 10,000: cheap-model $0.00658 -> $16.45; rules $0.0035 -> $8.75.
        assertThat(r.savingsByLever()).containsExactly(
                new RoiReport.LeverSaving("cheap-model", 2, Money.usd("0.00658"), Money.usd("16.45")),
                new RoiReport.LeverSaving("rules", 1, Money.usd("0.0035"), Money.usd("8.75")),
                new RoiReport.LeverSaving("review", 1, Money.usd("0.00329"), Money.usd("8.225")));
        assertThat(r.answeredBy()).containsEntry("cheap", 2L).containsEntry("faq", 1L).containsEntry("(review)", 1L);
    }

    @Test
    void theDefaultChoiceIsTheCheapestVariantAtLeastAsAccurateAsTheBaseline() {
        EvaluationResult res = result();
        // cascade is less accurate than always-advanced, so nothing qualifies: the most accurate other variant.
        assertThat(RoiReport.fromEvaluation(res, RoiOptions.defaults()).after().label()).isEqualTo("cascade");
        RoiReport vsCounterfactual = RoiReport.fromEvaluation(res, RoiOptions.defaults()
                .withBaseline(RoiOptions.COUNTERFACTUAL));
        assertThat(vsCounterfactual.before().label()).isEqualTo("all on gpt-4o");
        assertThat(vsCounterfactual.before().accuracy()).isNull();
        // No accuracy floor against the counterfactual: the cheapest variant.
        assertThat(vsCounterfactual.after().label()).isEqualTo("cascade");
        assertThat(vsCounterfactual.notes()).anyMatch(n -> n.contains("100,000 transactions a month"));
        assertThatThrownBy(() -> RoiReport.fromEvaluation(res, RoiOptions.defaults().withChosen("nope")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no variant 'nope'").hasMessageContaining("[always-advanced, cascade]");
    }

    @Test
    void resultsAndReportsSurviveAJsonRoundTrip() {
        EvaluationResult res = result();
        String json = EvalJson.toJson(res);
        assertThat(EvalJson.fromJson(json, EvaluationResult.class)).isEqualTo(res);
        assertThat(json).contains("\"costPerTransaction\" : 0.000158").contains("\"startedAt\" : \"2026-01-01T00:00:00Z\"");

        RoiReport report = RoiReport.fromEvaluation(res, RoiOptions.defaults().withTrend(RunSummary.of(res)));
        assertThat(EvalJson.fromJson(EvalJson.toJson(report), RoiReport.class)).isEqualTo(report);
        assertThatThrownBy(() -> EvalJson.fromJson("{\"runId\": [", EvaluationResult.class))
                .hasMessageStartingWith("not a valid EvaluationResult JSON document");
    }

    @Test
    void theHtmlEscapesHostileTextAndShowsTheFigures() {
        String hostile = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
        Cascade<String, String> evil = Cascade.<String, String>builder("evil")
                .timeSource(time).prompt(ModelRequest::of).parse(ModelResponse::text)
                .model(hostile, Fixtures.model("gpt-4o-mini", time, Duration.ofMillis(40), Fixtures.RIGHT,
                        Fixtures.CALL), s -> s.pricing(Fixtures.GPT_4O_MINI))
                .budget(Fixtures.budget(time)).build();
        EvaluationResult res = Evaluation.<String, String>builder()
                .input(EvalCase::input).scorer(Scorers.exactLabel())
                .variant("always-advanced", Fixtures.advancedOnly(time))
                .variant(hostile, evil)
                .timeSource(time).counterfactual("gpt-4o", Fixtures.GPT_4O)
                .build().run(Fixtures.tickets(), "</title><script>1</script>");
        List<RunSummary> trend = List.of(
                new RunSummary("r1", Instant.parse("2026-01-01T00:00:00Z"), "tickets", hostile, 4, 0.9, 0.1,
                        Money.usd("0.0003"), 1, 0, 40),
                new RunSummary("<b>r2</b>", Instant.parse("2026-01-02T00:00:00Z"), "tickets", hostile, 4, 1.0, 0,
                        Money.usd("0.00021"), 1, 0, 40));
        RoiReport report = RoiReport.fromEvaluation(res, RoiOptions.defaults().withTitle("ROI <i>" + hostile)
                .withTrend(trend).withMonthlyVolume(50_000));

        String html = RoiHtml.render(report);

        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>")
                .doesNotContain("<i>").doesNotContain("onerror=alert(1)>");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x");
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("src=\"")
                .doesNotContain("href=").doesNotContain("@import").doesNotContain("url(");
        // The figures: before/after cost per transaction, monthly cost, accuracy, answered share, latency.
        assertThat(html).contains("$0.0035").contains("$0.00021").contains("$175.00").contains("$10.50")
                .contains("100.0%").contains("200 ms").contains("40 ms").contains("50,000 transactions");
        assertThat(html).contains(RoiHtml.escape(report.headline()));
        // Four charts: cost, levers, who answered, trend; each an inline SVG with a title.
        assertThat(count(html, "<svg ")).isEqualTo(4);
        assertThat(count(html, "<polyline ")).isEqualTo(2);
        // Every tag in the page is one the renderer writes itself.
        Matcher tags = Pattern.compile("<([a-zA-Z][a-zA-Z0-9]*)").matcher(html);
        while (tags.find()) {
            assertThat(tags.group(1)).isIn("html", "head", "meta", "title", "style", "body", "main", "header", "h1",
                    "h2", "p", "section", "div", "span", "figure", "figcaption", "svg", "text", "rect", "line",
                    "circle", "polyline", "table", "thead", "tbody", "tr", "th", "td", "ul", "li");
        }
    }

    @Test
    void theCommandLineWritesBothFiles() throws Exception {
        Path in = dir.resolve("eval.json");
        EvalJson.write(result(), in);
        Path hist = dir.resolve("history");
        ValidationHistory.directory(hist).append(RunSummary.of(result()));
        Path out = dir.resolve("report");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        int status = RoiCommand.run(new String[] {"--in", in.toString(), "--out", out.toString(), "--chosen",
                "cascade", "--monthly-volume", "10,000", "--history", hist.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true,
                        StandardCharsets.UTF_8));

        assertThat(status).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).startsWith("cascade costs 4.5% of always-advanced")
                .contains("wrote " + out.resolve("roi.json")).contains("wrote " + out.resolve("roi.html"));
        RoiReport report = EvalJson.read(out.resolve("roi.json"), RoiReport.class);
        assertThat(report.monthlySavings()).isEqualTo(Money.usd("33.42"));
        assertThat(report.trend()).hasSize(1);
        assertThat(Files.readString(out.resolve("roi.html"))).startsWith("<!DOCTYPE html>").contains("$33.42 saved");
    }

    @Test
    void theCommandLineExplainsItsErrors() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(RoiCommand.run(new String[] {"--out", "x"}, out, err)).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--in is required; usage: RoiCommand");
        assertThat(RoiCommand.run(new String[] {"--in", "a", "--out", "b", "--monthly-volume", "lots"}, out, err))
                .isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--monthly-volume must be a whole number >= 0,"
                + " was 'lots'");
        assertThat(RoiCommand.run(new String[] {"--in", dir.resolve("missing.json").toString(), "--out",
                dir.toString()}, out, err)).isEqualTo(1);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("cannot read " + dir.resolve("missing.json"));
        assertThat(RoiCommand.run(new String[] {"--frobnicate", "1"}, out, err)).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("unknown option --frobnicate");
    }

    @Test
    void aLiveCollectorFeedsAReportOfThePeriod() {
        VirtualTime clock = new VirtualTime();
        LiveRoiCollector live = new LiveRoiCollector("gpt-4o", Fixtures.GPT_4O, clock);
        Cascade<String, String> chain = Cascade.<String, String>builder("support-triage")
                .timeSource(clock).prompt(ModelRequest::of).parse(ModelResponse::text)
                .rules("faq", dev.cascade.rules.RuleSet.<String, String>firstMatch()
                        .rule("password", t -> t.contains("password"), t -> "account").build())
                .model("cheap", Fixtures.model("gpt-4o-mini", clock, Duration.ofMillis(50), Fixtures.CHEAP,
                        Fixtures.CALL), s -> s.pricing(Fixtures.GPT_4O_MINI))
                .humanReview("desk", new dev.cascade.review.InMemoryReviewQueue<>(clock.asClock()))
                .accept(l -> !l.equals("unsure"))
                .budget(Fixtures.budget(clock))
                .listener(live)
                .build();
        for (EvalCase c : Fixtures.tickets().cases()) {
            chain.execute(c.input());
        }
        clock.advance(Duration.ofDays(1).minus(clock.elapsed()));

        PeriodFigures f = live.snapshot();

        assertThat(f.executions()).isEqualTo(4);
        assertThat(f.cost()).isEqualTo(Money.usd("0.00063"));
        assertThat(f.answered()).isEqualTo(3);
        assertThat(f.review()).isEqualTo(1);
        assertThat(f.answeredBy()).containsEntry("cheap", 2L).containsEntry("faq", 1L);
        // Three executions priced from their own tokens ($0.0035 each), the rules one at the mean (the same).
        assertThat(f.counterfactualCost()).isEqualTo(Money.usd("0.014"));
        assertThat(f.savingsByLever()).containsEntry("rules", Money.usd("0.0035"))
                .containsEntry("cheap-model", Money.usd("0.00658"));
        assertThat(f.latencyP50Ms()).isEqualTo(50.0);

        RoiReport r = RoiReport.fromPeriod(f, RoiOptions.defaults());
        assertThat(r.source()).isEqualTo("live");
        assertThat(r.monthlyVolume()).isEqualTo(120);          // 4 a day over 30 days
        assertThat(r.before().costPerTransaction()).isEqualTo(Money.usd("0.0035"));
        assertThat(r.after().costPerTransaction()).isEqualTo(Money.usd("0.000158"));
        assertThat(r.after().accuracy()).isNull();
        assertThat(r.after().manualShare()).isEqualTo(0.25);

        live.reset();
        assertThat(live.snapshot().executions()).isZero();
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
