package dev.cascade.examples.spring;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No one caller can fill the review queue: past {@code triage.caller-limit.requests} tickets per period, a caller gets
 * 429 with {@code Retry-After} and the chain does not run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"triage.caller-limit.requests=3", "triage.caller-limit.period=1h"})
class TriageRateLimitTest {

    @LocalServerPort
    int port;

    @Test
    void aCallerOverItsLimitGets429WithRetryAfter() {
        RestTestClient http = RestTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
        for (int i = 0; i < 3; i++) {
            http.post().uri("/triage").contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("ticket", "I forgot my password " + i)).exchange()
                    .expectStatus().isOk();
        }
        http.post().uri("/triage").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("ticket", "I forgot my password again")).exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, v -> assertThat(Long.parseLong(v))
                        .isBetween(1L, 3600L))
                .expectBody().jsonPath("$.status").isEqualTo(429);
    }
}
