package dev.cascade;

import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.ModelCallException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void primaryDownCheapAnswers() {
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        Cascade<String, String> chain = Cascade.<String, String>builder("smoke")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", r -> { throw new ModelCallException(FailureKind.UNAVAILABLE, "503"); },
                        s -> s.timeout(Duration.ofSeconds(1)))
                .model("cheap", r -> ModelResponse.of("cheap:" + r.user(), Usage.of(10, 5)))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("pw", t -> t.contains("password"), t -> "reset").build())
                .humanReview("desk", queue)
                .build();
        Outcome<String> out = chain.execute("hello");
        assertThat(out.answer()).contains("cheap:hello");
        assertThat(out.answeredBy()).contains("cheap");
        assertThat(out.attempts()).extracting(Attempt::failure).containsExactly(FailureKind.UNAVAILABLE, null);
        System.out.println(chain.describe());
    }
}
