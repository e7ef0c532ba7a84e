package dev.cascade.examples.spring;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app with its default settings (the simulated OpenAI server, no API key) and what its self-driving demo
 * ({@code mvn -Pspring}) shows: every fallback of the chain, the advanced breaker opening, one HTTP request per
 * attempt, the actuator's JSON, and the review item decided over the reviewer API and read back by its caller.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TriageDemoTest {

    @LocalServerPort
    int port;

    @Autowired
    TriageProperties properties;

    @Autowired
    SimulatedOpenAiServer simulator;

    @Autowired
    TriageSecurity.Reviewer reviewer;

    @Test
    void theDemoShowsEachFallbackAndTheOpenBreaker() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        List<TriageDemo.Sent> sent = TriageDemo.run("http://127.0.0.1:" + port, properties, simulator, reviewer,
                new PrintStream(buffer, true, StandardCharsets.UTF_8));

        assertThat(sent).extracting(s -> s.response().answeredBy() != null ? s.response().answeredBy() : "review")
                .containsExactly("advanced", "cheap", "cheap", "rules", "review", "cheap", "cheap");
        assertThat(sent).extracting(TriageDemo.Sent::httpStatus).containsExactly(200, 200, 200, 200, 202, 200, 200);
        assertThat(sent).extracting(s -> s.response().attempts().get(0).failure() + "")
                .containsExactly("null", "TIMEOUT", "CONTEXT_TOO_LONG", "RATE_LIMITED", "RATE_LIMITED", "UNAVAILABLE",
                        "CIRCUIT_OPEN");
        assertThat(sent.get(4).response().reviewId()).isNotBlank();
        // One request per attempt that called a model: 1 + 2 + 1 + 1 + 1 + 1 + 0 for the advanced model.
        assertThat(simulator.requests("gpt-4o")).isEqualTo(7);
        assertThat(simulator.requests("gpt-4o-mini")).isEqualTo(6);

        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("GET /actuator/cascade", "GET /actuator/health", "\"circuitState\" : \"OPEN\"",
                        "\"status\" : \"DEGRADED\"", "-> 400 \"ticket\" is blank")
                .contains("advanced#1 FAILED TIMEOUT, advanced#2 FAILED TIMEOUT, cheap#1 ANSWERED");
        // Last, the reviewer decides the ticket that went to review, and its caller sees that answer.
        String reviewId = sent.get(4).response().reviewId();
        assertThat(printed)
                .contains("POST /cascade/review/api/items/" + reviewId + "/claim -> CLAIMED by reviewer")
                .contains("/decision {\"verdict\": \"EDITED\"", "-> EDITED")
                .contains("GET /triage/reviews/" + reviewId + " (the caller, no login) -> 200 ")
                .contains("now sees the reviewer's answer \"" + TriageDemo.EDITED_ANSWER + "\" (EDITED by reviewer)");
    }
}
