package dev.cascade.examples.spring;

import dev.cascade.testing.wire.RawHttp;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.cascade.review.ReviewStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example is safe to copy: an oversize body is refused before it is parsed (413 without reading it), review ids
 * cannot be guessed from one another, a retried request with the same {@code Idempotency-Key} gets the same review
 * item, and Spring MVC's own errors are problem details too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TriageSafetyTest {

    /** Both simulated models answer 429 and no rule matches: the ticket goes to a person. */
    static final String TO_REVIEW = "Do you offer a discount for non-profits? [sim:rate-limit]";

    @LocalServerPort
    int port;

    @Autowired
    ReviewStore store;

    RestTestClient http;

    @BeforeEach
    void client() {
        http = RestTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @Test
    void aDeclaredOversizeBodyIs413BeforeItIsRead() throws Exception {
        // 100 MB declared, 16 KB sent: only a server that does not wait for the body can answer.
        String answer = RawHttp.declaredLength(port, head(), 100L << 20, 16 << 10);
        assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                .contains("larger than 131072 bytes");
    }

    @Test
    void aChunkedOversizeBodyIs413AfterABoundedRead() throws Exception {
        // 160 KB in chunks against the 128 KB default, and the body never ends.
        String answer = RawHttp.chunked(port, head(), 20, 8 << 10);
        assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json");
    }

    @Test
    void aTicketJustUnderTheLimitIsStillParsedAndChecked() {
        // 20,001 characters fit in the byte limit: the controller's own check answers, naming the property.
        http.post().uri("/triage").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("ticket", "x".repeat(20_001))).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d)
                        .contains("triage.max-ticket-chars"));
    }

    @Test
    void reviewIdsAreRandomNotSequential() {
        String first = queued(null).reviewId();
        String second = queued(null).reviewId();
        assertThat(first).matches("rv-[0-9a-f]{32}");
        assertThat(second).matches("rv-[0-9a-f]{32}").isNotEqualTo(first);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheSameReviewItem() {
        long before = store.depth();
        TriageResponse first = queued("order-42-attempt");
        TriageResponse retry = queued("order-42-attempt");
        TriageResponse other = queued("order-43-attempt");

        assertThat(retry.reviewId()).isEqualTo(first.reviewId());
        assertThat(other.reviewId()).isNotEqualTo(first.reviewId());
        assertThat(store.depth()).isEqualTo(before + 2);
    }

    @Test
    void aMalformedIdempotencyKeyIs400() {
        http.post().uri("/triage").contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", "has spaces")
                .body(Map.of("ticket", TO_REVIEW)).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("Idempotency-Key"));
    }

    @Test
    void aBodyThatIsNotJsonIs415ProblemJson() {
        http.post().uri("/triage").contentType(MediaType.TEXT_PLAIN).body("I was charged twice").exchange()
                .expectStatus().isEqualTo(415)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(415);
    }

    private TriageResponse queued(String idempotencyKey) {
        RestTestClient.RequestBodySpec post = http.post().uri("/triage").contentType(MediaType.APPLICATION_JSON);
        if (idempotencyKey != null) {
            post = post.header("Idempotency-Key", idempotencyKey);
        }
        TriageResponse r = post.body(Map.of("ticket", TO_REVIEW)).exchange()
                .expectStatus().isAccepted()
                .expectBody(TriageResponse.class).returnResult().getResponseBody();
        assertThat(r).isNotNull();
        return r;
    }

    private String head() {
        return "POST /triage HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/json"
                + "\r\nAccept: application/json";
    }
}
