package dev.cascade.eval;

import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -cp ... dev.cascade.eval.RoiCommand} in its own JVM: the entry point users run, exit status included. */
class RoiCommandProcessTest {
    @TempDir
    Path dir;

    private Process java(String... args) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"),
                RoiCommand.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void theEntryPointWritesRoiJsonAndRoiHtml() throws Exception {
        VirtualTime time = new VirtualTime();
        EvaluationResult result = Evaluation.<String, String>builder().input(EvalCase::input)
                .scorer(Scorers.exactLabel())
                .variant("always-advanced", Fixtures.advancedOnly(time))
                .variant("cascade", Fixtures.cascade(time))
                .timeSource(time).counterfactual("gpt-4o", Fixtures.GPT_4O)
                .build().run(Fixtures.tickets());
        Path in = dir.resolve("eval.json");
        EvalJson.write(result, in);
        Path out = dir.resolve("out");

        Process p = java("--in", in.toString(), "--out", out.toString(), "--monthly-volume", "10000");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the command finished").isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("$33.42 a month saved").contains("wrote " + out.resolve("roi.html"));
        assertThat(EvalJson.read(out.resolve("roi.json"), RoiReport.class).after().label()).isEqualTo("cascade");
        assertThat(Files.readString(out.resolve("roi.html"))).contains("<svg ");
    }

    @Test
    void aUsageErrorExitsWithTwo() throws Exception {
        Process p = java("--in");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output).contains("option --in needs a value; usage: RoiCommand");
    }
}
