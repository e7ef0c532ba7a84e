package dev.cascade.examples.spring;

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
 * the CSRF token (see {@link TriageSecurity}); it is sent as the app's one user, the demo reviewer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoint.cascade.access=unrestricted")
class CascadeEndpointWriteTest {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("triage")
    Cascade<String, String> triage;

    @Autowired
    TriageSecurity.Reviewer reviewer;

    RestTestClient http;

    ReviewerSession session;

    @BeforeEach
    void client() {
        http = RestTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
        session = ReviewerSession.open(http, reviewer);
    }

    @Test
    void anAnonymousWriteIsRefusedAndChangesNothing() {
        // No session, no CSRF token: Spring Security's CSRF filter refuses it (403) before asking who is calling.
        http.post().uri("/actuator/cascade/triage/advanced").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("action", "open")).exchange()
                .expectStatus().isForbidden();
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
        return http.post().uri("/actuator/cascade/triage/advanced").headers(session::apply)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("action", action)).exchange()
                .expectStatus().isOk()
                .expectBody();
    }

    private CircuitBreaker advanced() {
        return triage.circuitBreaker("advanced").orElseThrow();
    }
}
