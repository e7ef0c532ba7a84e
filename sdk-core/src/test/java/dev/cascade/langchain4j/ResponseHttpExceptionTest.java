package dev.cascade.langchain4j;

import dev.cascade.api.FailureKind;
import dev.langchain4j.exception.RateLimitException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The transport's error keeps Retry-After, and the classifier prefers it to a wait stated in the message. */
class ResponseHttpExceptionTest {

    @Test
    void retryAfterIsReadInSecondsAndMillisecondsPreferred() {
        assertThat(new ResponseHttpException(429, "{}", Map.of("Retry-After", List.of("2"))).retryAfter())
                .contains(Duration.ofSeconds(2));
        assertThat(new ResponseHttpException(429, "{}", Map.of("retry-after", List.of("1"),
                "retry-after-ms", List.of("250"))).retryAfter()).contains(Duration.ofMillis(250));
        assertThat(new ResponseHttpException(429, "{}", Map.of("retry-after", List.of("soon"))).retryAfter())
                .isEmpty();
        assertThat(new ResponseHttpException(503, "{}", Map.of()).retryAfter()).isEmpty();
    }

    @Test
    void theClassifierUsesTheHeaderThroughLangChain4jsWrapping() {
        ResponseHttpException http = new ResponseHttpException(429,
                "{\"error\":{\"message\":\"Rate limit reached. Please try again in 9s\"}}",
                Map.of("retry-after", List.of("3")));
        RateLimitException wrapped = new RateLimitException(http);

        var c = LangChain4jClassifier.instance().classify(wrapped);

        assertThat(c.kind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(3)); // the header, not the 9 s in the text
    }

    @Test
    void anthropicsOutputBlockedIsAContentFilterNotAnInvalidRequest() {
        ResponseHttpException http = new ResponseHttpException(400, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"invalid_request_error\",\"message\":\"Output blocked by content filtering policy\"}}", Map.of());

        assertThat(LangChain4jClassifier.instance().classify(http).kind()).isEqualTo(FailureKind.CONTENT_FILTERED);
    }
}
