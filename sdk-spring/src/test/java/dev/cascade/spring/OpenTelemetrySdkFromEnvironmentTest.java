package dev.cascade.spring;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import dev.cascade.Cascade;
import dev.cascade.spi.ModelClient;
import dev.cascade.telemetry.CascadeTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 item 12: with {@code opentelemetry-sdk-extension-autoconfigure} on the classpath and the standard
 * {@code OTEL_*}/{@code otel.*} settings, chains export their spans; before, Cascade read an unset global and exported
 * nothing. The receiver is a real OTLP/HTTP endpoint on loopback: the SDK's own exporter posts protobuf to it.
 */
class OpenTelemetrySdkFromEnvironmentTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeOpenTelemetrySdkAutoConfiguration.class,
                    CascadeAutoConfiguration.class))
            .withBean("cheapModel", ModelClient.class, () -> TestModel.answering("gpt-4o-mini", "billing"))
            .withPropertyValues("cascade.chains.triage.steps[0].name=cheap",
                    "cascade.chains.triage.steps[0].model=cheapModel");

    private HttpServer receiver;
    private final List<String> posts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                in.transferTo(body);
                posts.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                        + body.toString(StandardCharsets.ISO_8859_1));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String endpoint() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    @Test
    void otelEndpointMakesChainsExportTheirSpansOverOtlp() {
        runner.withPropertyValues("otel.exporter.otlp.endpoint=" + endpoint(), "spring.application.name=triage-app")
                .run(context -> {
                    assertThat(context).hasSingleBean(OpenTelemetrySdk.class);
                    Cascade<String, String> triage = context.getBean(CascadeChains.class).get("triage");
                    assertThat(triage.execute("refund please").answer()).contains("billing");
                    ((ConfigurableApplicationContext) context).close(); // closing the SDK flushes the batch
                });
        assertThat(posts).as("OTLP posts received").isNotEmpty();
        String post = String.join("\n", posts);
        assertThat(post).startsWith("POST /v1/traces application/x-protobuf");
        assertThat(post).contains("cascade triage", "chat gpt-4o-mini", "triage-app")
                .doesNotContain("refund please");
    }

    @Test
    void noExporterAskedForMeansNoSdk() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(OpenTelemetrySdk.class);
            assertThat(context).hasSingleBean(CascadeTelemetry.class);
        });
    }

    @Test
    void theApplicationsOwnOpenTelemetryWins() {
        runner.withBean(OpenTelemetry.class, OpenTelemetry::noop)
                .withPropertyValues("otel.exporter.otlp.endpoint=" + endpoint())
                .run(context -> assertThat(context).doesNotHaveBean(OpenTelemetrySdk.class));
    }

    @Test
    void canBeSwitchedOff() {
        runner.withPropertyValues("otel.exporter.otlp.endpoint=" + endpoint(),
                        "cascade.telemetry.autoconfigure-sdk=false")
                .run(context -> assertThat(context).doesNotHaveBean(OpenTelemetrySdk.class));
    }

    @Test
    void aTracesExporterOfNoneIsNoRequest() {
        runner.withPropertyValues("otel.traces.exporter=none")
                .run(context -> assertThat(context).doesNotHaveBean(OpenTelemetrySdk.class));
        runner.withPropertyValues("otel.traces.exporter=none", "otel.exporter.otlp.endpoint=" + endpoint())
                .run(context -> assertThat(context).doesNotHaveBean(OpenTelemetrySdk.class));
    }

    @Test
    void aDisabledSdkIsNotStarted() {
        runner.withPropertyValues("otel.exporter.otlp.endpoint=" + endpoint(), "otel.sdk.disabled=true")
                .run(context -> assertThat(context).doesNotHaveBean(OpenTelemetrySdk.class));
    }
}
