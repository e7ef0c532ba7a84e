package dev.cascade.examples.spring;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The human-review story over real HTTP, with the app's own security: a ticket that no model or rule answers goes to
 * review ({@code 202}); the reviewer signs in, claims and edits it through the reviewer API (CSRF protected); the
 * caller, with no login and no CSRF token, reads the reviewer's answer from {@code GET /triage/reviews/{id}}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TriageReviewTest {

    static final String API = "/cascade/review/api";
    /** Both simulated models answer 429 (Retry-After 30 s) and no rule matches: a person gets it. */
    static final String TICKET = "Do you offer a discount for non-profits? [sim:rate-limit]";

    @LocalServerPort
    int port;

    @Autowired
    TriageSecurity.Reviewer reviewer;

    final JsonMapper json = JsonMapper.builder().build();

    RestTestClient http;

    @BeforeEach
    void client() {
        http = RestTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @Test
    void aReviewerEditsTheAnswerAndTheCallerReadsItById() {
        // The caller: no login, no CSRF token.
        TriageResponse queued = http.post().uri("/triage").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("ticket", TICKET)).exchange()
                .expectStatus().isAccepted()
                .expectBody(TriageResponse.class).returnResult().getResponseBody();
        assertThat(queued).isNotNull();
        assertThat(queued.status()).isEqualTo("PENDING_REVIEW");
        String id = queued.reviewId();
        assertThat(id).isNotBlank();
        http.get().uri("/triage/reviews/{id}", id).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.state").isEqualTo("PENDING")
                .jsonPath("$.answer").doesNotExist()
                .jsonPath("$.decidedBy").doesNotExist();

        // Nobody signed in: the reviewer API answers 401 to a read, and Spring Security's CSRF filter 403 to a
        // state change (no session, so no token), before anyone asks who is calling.
        http.get().uri(API + "/items").accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isUnauthorized();
        http.post().uri(API + "/items/{id}/claim", id).accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isForbidden();

        // Signed in, but without the CSRF token: the claim is refused and changes nothing.
        http.post().uri(API + "/items/{id}/claim", id)
                .header(HttpHeaders.AUTHORIZATION, ReviewerSession.basic(reviewer))
                .accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isForbidden();
        http.get().uri("/triage/reviews/{id}", id).exchange()
                .expectBody().jsonPath("$.state").isEqualTo("PENDING");

        // With the token from /api/session: claim, then decide EDITED on the version and payload hash shown.
        ReviewerSession session = ReviewerSession.open(http, reviewer);
        JsonNode claimed = json.readTree(http.post().uri(API + "/items/{id}/claim", id).headers(session::apply)
                .accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        assertThat(claimed.path("state").asString()).isEqualTo("CLAIMED");
        assertThat(claimed.path("claimedBy").asString()).isEqualTo("reviewer");
        assertThat(claimed.path("input").asString()).isEqualTo(TICKET);

        http.post().uri(API + "/items/{id}/decision", id).headers(session::apply)
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("verdict", "EDITED", "version", claimed.path("version").asLong(),
                        "payloadHash", claimed.path("payloadHash").asString(), "answer", "category: billing"))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.state").isEqualTo("EDITED")
                .jsonPath("$.answer").isEqualTo("category: billing");

        // The caller finds the decision by id.
        http.get().uri("/triage/reviews/{id}", id).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.state").isEqualTo("EDITED")
                .jsonPath("$.verdict").isEqualTo("EDITED")
                .jsonPath("$.answer").isEqualTo("category: billing")
                .jsonPath("$.decidedBy").isEqualTo("reviewer")
                .jsonPath("$.decidedAt").exists();
    }

    @Test
    void anUnknownReviewIdIsA404ProblemDetail() {
        http.get().uri("/triage/reviews/{id}", "rv-does-not-exist").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.title").isEqualTo("Unknown review");
    }

    @Test
    void theConsoleSendsAnonymousBrowsersToTheLoginPage() {
        http.get().uri("/cascade/review").accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().is3xxRedirection()
                .expectHeader().value(HttpHeaders.LOCATION, location -> assertThat(location).endsWith("/login"));
    }
}
