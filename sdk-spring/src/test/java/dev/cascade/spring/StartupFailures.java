package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What Boot's startup report would say: the context must fail, and Cascade's analyzer must recognise the failure. */
final class StartupFailures {
    private StartupFailures() {
    }

    static FailureAnalysis analysisOf(ApplicationContextRunner runner) {
        FailureAnalysis[] out = new FailureAnalysis[1];
        runner.run(ctx -> {
            assertThat(ctx).hasFailed();
            out[0] = new CascadeFailureAnalyzer().analyze(ctx.getStartupFailure());
        });
        assertThat(out[0]).as("the analyzer recognises the failure").isNotNull();
        return out[0];
    }
}
