package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Route;
import dev.cascade.event.ExecutionStarted;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.spi.CascadeListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The router picks where an execution enters the chain; an unusable choice starts at the first step, and says why. */
class RouterTest {

    private final ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
    private final ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");
    private final List<String> startedAt = new CopyOnWriteArrayList<>();

    private Cascade<String, String> chain(Function<? super String, String> router) {
        CascadeBuilder<String, String> b = Cascade.<String, String>builder("routed")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .listener(new CascadeListener() {
                    @Override
                    public void onExecutionStarted(ExecutionStarted event) {
                        startedAt.add(event.firstStep());
                    }
                })
                .model("advanced", advanced)
                .model("cheap", cheap)
                .humanReview("desk", new InMemoryReviewQueue<>());
        if (router != null) {
            b.router(router);
        }
        return b.build();
    }

    private static String byLength(String input) {
        return input.length() < 20 ? "cheap" : "advanced";
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void shortInputsStartAtTheCheapModelAndNeverReachTheAdvancedOne(Scenarios.Entry entry) {
        Cascade<String, String> chain = chain(RouterTest::byLength);

        Outcome<String> out = entry.run(chain, "short");

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(advanced.calls()).isZero();
        assertThat(out.route()).isEqualTo(new Route("cheap", true, "router"));
        assertThat(out.attempts()).extracting(Attempt::step).containsExactly("cheap");
        assertThat(startedAt).containsExactly("cheap");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void longInputsAreRoutedToTheAdvancedModel(Scenarios.Entry entry) {
        Cascade<String, String> chain = chain(RouterTest::byLength);

        Outcome<String> out = entry.run(chain, "a much longer question that needs the big model");

        assertThat(out.answeredBy()).contains("advanced");
        assertThat(out.route().firstStep()).isEqualTo("advanced");
        assertThat(out.route().routed()).isTrue();
        assertThat(cheap.calls()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void anUnknownStepNameStartsAtTheFirstStepAndTheRouteSaysWhich(Scenarios.Entry entry) {
        Cascade<String, String> chain = chain(t -> "gpt-5-turbo");

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.route().firstStep()).isEqualTo("advanced");
        assertThat(out.route().routed()).isFalse();
        assertThat(out.route().reason()).contains("unknown step 'gpt-5-turbo'").contains("first step");
        assertThat(out.answeredBy()).contains("advanced");
        assertThat(startedAt).containsExactly("advanced");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRouterReturningNullStartsAtTheFirstStepAndTheRouteSaysSo(Scenarios.Entry entry) {
        Cascade<String, String> chain = chain(t -> null);

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.route().firstStep()).isEqualTo("advanced");
        assertThat(out.route().routed()).isFalse();
        assertThat(out.route().reason()).contains("null").contains("first step");
        assertThat(out.answeredBy()).contains("advanced");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRouterThatThrowsStartsAtTheFirstStepAndTheRouteNamesTheError(Scenarios.Entry entry) {
        Cascade<String, String> chain = chain(t -> {
            throw new IllegalStateException("routing table not loaded");
        });

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.route().firstStep()).isEqualTo("advanced");
        assertThat(out.route().routed()).isFalse();
        assertThat(out.route().reason())
                .contains("router threw")
                .contains("IllegalStateException")
                .contains("routing table not loaded");
        assertThat(out.isAnswered()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void withoutARouterTheExecutionStartsAtTheFirstStepUnrouted(Scenarios.Entry entry) {
        Cascade<String, String> chain = chain(null);

        Outcome<String> out = entry.run(chain, "short");

        assertThat(out.route()).isEqualTo(new Route("advanced", false, "no router"));
        assertThat(chain.describe().routed()).isFalse();
        assertThat(cheap.calls()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRouterMayStartStraightAtHumanReview(Scenarios.Entry entry) {
        Cascade<String, String> chain = chain(t -> t.startsWith("legal:") ? "desk" : "advanced");

        Outcome<String> out = entry.run(chain, "legal: may I quote you?");

        assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(out.route()).isEqualTo(new Route("desk", true, "router"));
        assertThat(advanced.calls() + cheap.calls()).isZero();
    }
}
