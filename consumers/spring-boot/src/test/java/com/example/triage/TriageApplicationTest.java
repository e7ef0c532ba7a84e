package com.example.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.jar.JarFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.cascade.spring.CascadeChains;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole application on a random port, called over real HTTP; its chain calls Spring AI's real OpenAI client,
 * pointed at {@link SimulatedOpenAi} on loopback.
 */
// No OTLP collector runs in the test: Boot's OpenTelemetry starter would try to push metrics to localhost:4318.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.otlp.metrics.export.enabled=false")
class TriageApplicationTest {

    static final SimulatedOpenAi OPENAI = startOpenAi();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void openAi(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.openai.base-url", OPENAI::baseUrl);
        registry.add("spring.ai.openai.api-key", () -> "sk-simulated");
    }

    @AfterAll
    static void stopOpenAi() {
        OPENAI.close();
    }

    @Test
    void theModelAnswersThroughTheChain() throws Exception {
        JsonNode body = triage("I was charged twice this month");

        assertThat(body.path("answer").asString()).as(body.toString()).isEqualTo("category: billing");
        assertThat(body.path("answeredBy").asString()).as(body.toString()).isEqualTo("openai");
    }

    @Test
    void whenTheProviderIsDownTheRulesFromApplicationYmlAnswer() throws Exception {
        int before = OPENAI.requests("gpt-4o-mini");

        JsonNode body = triage("[sim:outage] I want a refund");

        assertThat(body.path("answer").asString()).as(body.toString()).isEqualTo("category: billing");
        assertThat(body.path("answeredBy").asString()).as(body.toString()).isEqualTo("rules");
        // retry.max-attempts: 2 in application.yml, and one Cascade attempt is one HTTP request.
        assertThat(OPENAI.requests("gpt-4o-mini") - before).isEqualTo(2);
    }

    @Test
    void actuatorHealthIsUp() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/actuator/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).path("status").asString()).isEqualTo("UP");
    }

    @Test
    void theStarterJarNamesItsModule() throws Exception {
        File jar = new File(CascadeChains.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        try (JarFile f = new JarFile(jar)) {
            assertThat(f.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).as(jar.toString())
                    .isEqualTo("dev.cascade.spring");
        }
    }

    private JsonNode triage(String ticket) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/triage"))
                        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(ticket)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static SimulatedOpenAi startOpenAi() {
        try {
            return SimulatedOpenAi.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the simulated OpenAI server", e);
        }
    }
}
