package dev.cascade.review;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.ReviewRequest;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelCallException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The review step is handed the text of every model answer the chain did not use, by attempt index. */
class UnusedAnswersTest {

    enum Entry {
        SYNC, ASYNC;

        Outcome<String> run(Cascade<String, String> chain, String input) {
            return this == SYNC ? chain.execute(input, CallContext.empty())
                    : chain.executeAsync(input, CallContext.empty()).join();
        }
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void rejectedAnswersReachTheReviewerByAttemptIndexAndFailuresHaveNone(Entry entry) {
        List<ReviewRequest<String>> seen = new ArrayList<>();
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        Cascade<String, String> chain = Cascade.<String, String>builder("support")
                .prompt(ModelRequest::of)
                .parse(r -> {
                    if (r.text().startsWith("{")) {
                        throw new IllegalArgumentException("not JSON after all: " + r.text());
                    }
                    return r.text();
                })
                .model("advanced", r -> ModelResponse.of("{broken json", new Usage(10, 3, 0)))
                .model("down", r -> {
                    throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
                })
                .model("empty", r -> ModelResponse.of("", new Usage(10, 0, 0)))
                .model("cheap", r -> ModelResponse.of("unsure, maybe?", new Usage(10, 4, 0)))
                .accept(answer -> !answer.contains("maybe"))
                .humanReview("desk", request -> {
                    seen.add(request);
                    return queue.submit(request);
                })
                .build();

        Outcome<String> out = entry.run(chain, "refund?");

        assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        ReviewRequest<String> request = seen.get(0);
        assertThat(request.attempts()).extracting(Attempt::step).containsExactly("advanced", "down", "empty", "cheap");
        assertThat(request.answers()).containsExactlyInAnyOrderEntriesOf(Map.of(0, "{broken json",
                3, "unsure, maybe?"));
        assertThat(request.answer(1)).isEmpty();
        // Attempts themselves carry no text: the reasons say why, never what.
        assertThat(request.attempts()).extracting(Attempt::reason).noneMatch(r -> r != null
                && (r.contains("broken") || r.contains("maybe")));
        assertThat(out.attempts().get(0).reason()).isEqualTo("parser threw java.lang.IllegalArgumentException");
    }
}
