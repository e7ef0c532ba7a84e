package dev.cascade;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.event.Alert;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Regression: every skip honours its kind's alert policy, including skips the chain itself decides (BARRED). */
class SkipAlertTest {

    @Test
    void aBarredStepRaisesAnAlertWhenItsPolicyAsksForOne() {
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        Cascade<String, String> chain = Cascade.<String, String>builder("alerts")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", ScriptedModel.failing("gpt-big",
                        new ModelCallException(FailureKind.INVALID_REQUEST, "400 bad request")))
                .model("cheap", ScriptedModel.answering("gpt-small", "never asked"))
                .step("fallback", in -> java.util.Optional.of("canned"))
                .onFailure(FailureKind.BARRED, p -> p.withAlert(true))
                .listener(new CascadeListener() {
                    @Override
                    public void onAlert(Alert event) {
                        alerts.add(event);
                    }
                })
                .build();

        Outcome<String> out = chain.execute("hello");

        assertThat(out.answeredBy()).contains("fallback");
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(FailureKind.BARRED);
            assertThat(a.step()).isEqualTo("cheap");
        });
    }
}
