package dev.cascade.spring.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import dev.cascade.event.Anomaly;
import dev.cascade.eval.DriftCheck;
import dev.cascade.eval.EvalJson;
import dev.cascade.eval.ValidationRun;
import dev.cascade.spi.CascadeListener;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Continuous validation in a real Boot web application (Actuator, Micrometer, Security, Cascade's properties-defined
 * chains): the cascaderoi endpoint before and after a run, its JSON and HTML, and a degraded run raising anomalies to
 * the application's listeners, as Spring events and as a metric.
 */
@SpringBootTest(classes = CascadeValidationBootTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "cascade.chains.advanced-only.steps[0].model=advanced",
            "cascade.chains.advanced-only.steps[0].pricing.input=2.50",
            "cascade.chains.advanced-only.steps[0].pricing.output=10.00",
            "cascade.chains.advanced-only.budget.per-day=100",
            "cascade.chains.triage.steps[0].rules[0].keywords=password",
            "cascade.chains.triage.steps[0].rules[0].answer=account",
            "cascade.chains.triage.steps[1].model=cheap",
            "cascade.chains.triage.steps[1].pricing.input=0.15",
            "cascade.chains.triage.steps[1].pricing.output=0.60",
            "cascade.chains.triage.steps[2].model=advanced",
            "cascade.chains.triage.steps[2].pricing.input=2.50",
            "cascade.chains.triage.steps[2].pricing.output=10.00",
            "cascade.chains.triage.budget.per-day=100",
            "cascade.validation.enabled=true",
            "cascade.validation.dataset=classpath:validation/tickets.jsonl",
            "cascade.validation.variants=advanced-only,triage",
            "cascade.validation.scorer=exact",
            "cascade.validation.initial-delay=24h",
            "cascade.validation.counterfactual.model=gpt-advanced",
            "cascade.validation.counterfactual.input-per-million=2.50",
            "cascade.validation.counterfactual.output-per-million=10.00",
            "management.endpoints.web.exposure.include=cascaderoi,metrics"
        })
@AutoConfigureMetrics
class CascadeValidationBootTest {

    static final List<Anomaly> EVENTS = new CopyOnWriteArrayList<>();
    static final List<Anomaly> LISTENED = new CopyOnWriteArrayList<>();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(LabelModels.class)
    static class App {
        @Bean
        SecurityFilterChain open(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable()).build();
        }

        @Bean
        CascadeListener anomalies() {
            return new CascadeListener() {
                @Override
                public void onAnomaly(Anomaly event) {
                    LISTENED.add(event);
                }
            };
        }

        @EventListener
        void on(Anomaly anomaly) {
            EVENTS.add(anomaly);
        }
    }

    static {
        System.setProperty("spring.main.banner-mode", "off");
    }

    @LocalServerPort
    int port;

    @Autowired
    CascadeValidation validation;

    @Autowired
    MeterRegistry meters;

    @AfterEach
    void healthy() {
        LabelModels.degrade(false);
    }

    @Test
    void theEndpointServesTheLatestReportAndADegradedRunRaisesAnomalies() throws Exception {
        HttpResponse<String> before = get("/actuator/cascaderoi");
        assertThat(before.statusCode()).isEqualTo(200);
        JsonNode status = EvalJson.mapper().readTree(before.body());
        assertThat(status.path("status").asString()).isEqualTo("no validation run has completed yet");
        assertThat(status.path("validation").asString()).contains("[advanced-only, triage]");
        assertThat(status.path("nextRunAt").asString()).isNotEmpty();
        assertThat(get("/actuator/cascaderoi/html").statusCode()).isEqualTo(404);

        ValidationRun first = validation.runNow();
        assertThat(first.anomalies()).isEmpty();

        JsonNode roi = EvalJson.mapper().readTree(get("/actuator/cascaderoi").body());
        assertThat(roi.path("before").path("label").asString()).isEqualTo("advanced-only");
        assertThat(roi.path("after").path("label").asString()).isEqualTo("triage");
        assertThat(roi.path("after").path("accuracy").asDouble()).isEqualTo(1.0);
        assertThat(roi.path("after").path("transactions").asLong()).isEqualTo(12);
        // Rules (2 tickets) cost nothing, the cheap model answers 8, the advanced model 2 (after a failed cheap call).
        assertThat(roi.path("answeredBy").path("rules").asLong()).isEqualTo(2);
        assertThat(roi.path("answeredBy").path("advanced").asLong()).isEqualTo(2);
        assertThat(roi.path("costShare").asDouble()).isBetween(0.1, 0.3);
        assertThat(roi.path("savingsByLever")).isNotEmpty();
        assertThat(roi.path("headline").asString())
                .isEqualTo(validation.latestReport().orElseThrow().headline());

        HttpResponse<String> page = get("/actuator/cascaderoi/html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("id=\"headline\"", "<svg", "triage");
        assertThat(get("/actuator/cascaderoi/pdf").statusCode()).isEqualTo(404);

        LabelModels.degrade(true);
        ValidationRun degraded = validation.runNow();
        assertThat(degraded.anomalies()).extracting(Anomaly::watcher)
                .contains(DriftCheck.ERROR_RATE, DriftCheck.ACCURACY);
        assertThat(degraded.anomalies()).allSatisfy(a -> assertThat(a.subject()).endsWith("/triage"));
        assertThat(EVENTS).extracting(Anomaly::watcher).contains(DriftCheck.ERROR_RATE, DriftCheck.ACCURACY);
        assertThat(LISTENED).extracting(Anomaly::watcher).contains(DriftCheck.ERROR_RATE, DriftCheck.ACCURACY);
        assertThat(meters.find("cascade.evaluation.anomalies").counters())
                .extracting(c -> c.count()).contains(1.0);
        JsonNode after = EvalJson.mapper().readTree(get("/actuator/cascaderoi").body());
        assertThat(after.path("after").path("accuracy").asDouble()).isLessThan(0.5);
        // The last run's figures as gauges, per variant.
        assertThat(meters.get("cascade.evaluation.accuracy").tag("cascade.evaluation.variant", "triage").gauge()
                .value()).isEqualTo(after.path("after").path("accuracy").asDouble());
        assertThat(meters.get("cascade.evaluation.accuracy").tag("cascade.evaluation.variant", "advanced-only")
                .gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("cascade.evaluation.cost_per_transaction").tag("cascade.evaluation.variant", "triage")
                .gauge().value()).isEqualTo(after.path("after").path("costPerTransaction").asDouble());
        assertThat(after.path("trend")).hasSize(2);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
