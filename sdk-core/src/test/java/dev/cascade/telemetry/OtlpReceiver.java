package dev.cascade.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/HTTP trace receiver on loopback, standing in for a collector or Jaeger's OTLP port: it accepts
 * {@code POST /v1/traces} with {@code application/x-protobuf}, answers 200 with an empty
 * {@code ExportTraceServiceResponse}, and keeps the raw request bodies. Anything else is refused and remembered in
 * {@link #protocolErrors()} so a test can assert the exporter spoke the protocol.
 */
final class OtlpReceiver implements AutoCloseable {
    static final String TRACES_PATH = "/v1/traces";
    private static final String PROTOBUF = "application/x-protobuf";

    private final HttpServer server;
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private final List<String> protocolErrors = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        OtlpReceiver receiver = new OtlpReceiver(server);
        server.createContext("/", receiver::handle);
        server.start();
        return receiver;
    }

    /** The endpoint to give {@code OtlpHttpSpanExporter.builder().setEndpoint(...)}. */
    String tracesEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + TRACES_PATH;
    }

    /** Raw bodies of accepted export requests (decompressed if the exporter gzipped them), in arrival order. */
    List<byte[]> bodies() {
        return List.copyOf(bodies);
    }

    /** Requests that did not follow OTLP/HTTP (wrong method, path or content type). */
    List<String> protocolErrors() {
        return List.copyOf(protocolErrors);
    }

    /** Every accepted body decoded as an {@link ExportTraceServiceRequest}. */
    List<ExportTraceServiceRequest> requests() {
        List<ExportTraceServiceRequest> out = new ArrayList<>();
        for (byte[] body : bodies) {
            try {
                out.add(ExportTraceServiceRequest.parseFrom(body));
            } catch (IOException e) {
                throw new UncheckedIOException("body is not an ExportTraceServiceRequest", e);
            }
        }
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readAllBytes();
            }
            if (!TRACES_PATH.equals(path)) {
                reject(exchange, 404, method + " " + path + ": unknown path");
                return;
            }
            if (!"POST".equals(method)) {
                reject(exchange, 405, method + " " + path + ": only POST is allowed");
                return;
            }
            if (contentType == null || !contentType.startsWith(PROTOBUF)) {
                reject(exchange, 415, "POST " + path + ": Content-Type was " + contentType);
                return;
            }
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
                try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    raw = gz.readAllBytes();
                }
            }
            bodies.add(raw);
            byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", PROTOBUF);
            exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
            if (response.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response);
                }
            }
        }
    }

    private void reject(HttpExchange exchange, int code, String why) throws IOException {
        protocolErrors.add(why);
        exchange.sendResponseHeaders(code, -1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
