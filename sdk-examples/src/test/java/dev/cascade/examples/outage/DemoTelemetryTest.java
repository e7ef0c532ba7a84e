package dev.cascade.examples.outage;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo exports its traces over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set: proved against a receiver on
 * loopback (Jaeger cannot run here), and stays offline with no exporter when it is not.
 */
class DemoTelemetryTest {

    @Test
    void withoutAnEndpointTheDemoUsesTheNoOpApi() {
        try (DemoTelemetry telemetry = DemoTelemetry.from(Map.of())) {
            assertThat(telemetry.openTelemetry()).isSameAs(OpenTelemetry.noop());
        }
    }

    @Test
    void withAnEndpointTheDemoSendsItsTracesOverOtlpHttp() throws Exception {
        List<String> paths = new CopyOnWriteArrayList<>();
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            bodies.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();
            DemoConfig small = DemoConfig.standard().withPhases(200, 300, 200, 200).withConcurrency(4);
            try (DemoTelemetry telemetry = DemoTelemetry.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint,
                    "OTEL_SERVICE_NAME", "cascade-demo-test"))) {
                OutageDemo.run(small, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        telemetry.openTelemetry());
            } // close() flushes the batch processor

            assertThat(paths).isNotEmpty().allMatch("/v1/traces"::equals);
            String wire = new String(bodies.stream().reduce(new byte[0], DemoTelemetryTest::concat),
                    StandardCharsets.ISO_8859_1);
            // Protobuf carries strings as raw UTF-8: the span names and the service name are on the wire.
            assertThat(wire).contains("cascade support-triage", "cascade-demo-test", "gen_ai.provider.name");
        } finally {
            receiver.stop(0);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
