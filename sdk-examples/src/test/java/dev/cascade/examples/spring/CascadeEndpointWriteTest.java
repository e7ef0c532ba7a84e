package dev.cascade.examples.spring;

import dev.cascade.testing.wire.RawHttp;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.cascade.Cascade;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code management.endpoint.cascade.access=unrestricted} (off in application.yml), the request that
 * {@link TriageFaultsTest#writingToTheCascadeEndpointIsRefusedByDefault} sees refused changes the breaker: open it
 * by hand, and reset it. Like every state change outside {@code /triage/**}, the request needs a signed-in user and
 * the CSRF token (see {@link TriageSecurity}); and that user must hold the operator role ({@code CASCADE_OPERATOR}):
 * the demo reviewer, signed in, is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoint.cascade.access=unrestricted", "triage.operator-password=" + 
                CascadeEndpointWriteTest.OPERATOR_PASSWORD})
class CascadeEndpointWriteTest {

    static final String OPERATOR_PASSWORD = "operator-test-pw";

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("triage")
    Cascade<String, String> triage;

    @Autowired
    TriageSecurity.Reviewer reviewer;

    RestTestClient http;

    ReviewerSession session;

    ReviewerSession operator;

    @BeforeEach
    void client() {
        http = RestTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
        session = ReviewerSession.open(http, reviewer);
        operator = ReviewerSession.openForm(http, new TriageSecurity.Reviewer(TriageSecurity.OPERATOR,
                OPERATOR_PASSWORD));
        triage.circuitBreaker("advanced").orElseThrow().reset();
    }

    @Test
    void anAnonymousWriteIsRefusedAndChangesNothing() {
        // No session, no CSRF token: Spring Security's CSRF filter refuses it (403) before asking who is calling.
        http.post().uri("/actuator/cascade/triage/advanced").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("action", "open")).exchange()
                .expectStatus().isForbidden();
        // The same with HTTP Basic credentials of a user who is not an operator, still without the token: 403.
        http.post().uri("/actuator/cascade/triage/advanced").contentType(MediaType.APPLICATION_JSON)
                .header(org.springframework.http.HttpHeaders.AUTHORIZATION, ReviewerSession.basic(reviewer))
                .body(Map.of("action", "open")).exchange()
                .expectStatus().isForbidden();
        assertThat(advanced().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aSignedInReviewerIsNotAnOperatorAndChangesNothing() {
        http.post().uri("/actuator/cascade/triage/advanced").headers(session::apply)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("action", "open")).exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("CASCADE_OPERATOR"));
        assertThat(advanced().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void anUnknownChainOrStepOrAStepWithoutABreakerIs404() {
        for (String path : new String[] {"/actuator/cascade/triage/no-such-step", "/actuator/cascade/nope/advanced",
                "/actuator/cascade/triage/human"}) {
            http.post().uri(path).headers(operator::apply).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("action", "open")).exchange()
                    .expectStatus().isNotFound();
        }
        assertThat(advanced().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void anOversizeBodyIs413BeforeItIsRead() throws Exception {
        String head = "POST /actuator/cascade/triage/advanced HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nAuthorization: " + operator.authorization() + "\r\nCookie: " + operator.cookie() + "\r\n"
                + operator.csrfHeader() + ": " + operator.csrfToken() + "\r\nContent-Type: application/json";
        assertThat(RawHttp.declaredLength(port, head, 100L << 20, 16 << 10)).startsWith("HTTP/1.1 413");
        assertThat(RawHttp.chunked(port, head, 4, 2048)).startsWith("HTTP/1.1 413");
        assertThat(advanced().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void anOperatorCanOpenAndResetABreakerOnceWritesAreAllowed() {
        breaker("open").jsonPath("$.steps[0].circuitState").isEqualTo("FORCED_OPEN")
                .jsonPath("$.status").isEqualTo("DEGRADED");
        assertThat(advanced().getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);

        breaker("reset").jsonPath("$.steps[0].circuitState").isEqualTo("CLOSED")
                .jsonPath("$.status").isEqualTo("UP");
        assertThat(advanced().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private RestTestClient.BodyContentSpec breaker(String action) {
        return http.post().uri("/actuator/cascade/triage/advanced").headers(operator::apply)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("action", action)).exchange()
                .expectStatus().isOk()
                .expectBody();
    }

    private CircuitBreaker advanced() {
        return triage.circuitBreaker("advanced").orElseThrow();
    }
}
