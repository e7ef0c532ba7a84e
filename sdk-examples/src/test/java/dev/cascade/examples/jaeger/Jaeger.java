package dev.cascade.examples.jaeger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Jaeger v2 all-in-one (v1.75.0) for tests: started from its binary on loopback with free ports (OTLP/HTTP and
 * the query API), with in-memory storage and a config written for the run; read through Jaeger's own query API.
 *
 * <p>The binary comes from {@code -Dcascade.jaeger.bin}, else the environment variable {@code CASCADE_JAEGER_BIN},
 * else {@code <repo>/.tools/bin/jaeger} (where {@code scripts/jaeger.sh} builds it). When there is none, {@link #start}
 * fails the test if {@code CI=true}, and otherwise skips it with a message saying how to get one.
 * {@link #close()} stops the process (and waits for it), so no Jaeger outlives the test class.
 */
public final class Jaeger implements AutoCloseable {
    public static final String VERSION = "v1.75.0";
    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final Path log;
    private final int otlpHttpPort;
    private final int queryHttpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Jaeger(Process process, Path log, int otlpHttpPort, int queryHttpPort) {
        this.process = process;
        this.log = log;
        this.otlpHttpPort = otlpHttpPort;
        this.queryHttpPort = queryHttpPort;
    }

    /** Where the binary is, if anywhere. */
    static Optional<Path> binary() {
        String configured = System.getProperty("cascade.jaeger.bin");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("CASCADE_JAEGER_BIN");
        }
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        Path tools = Path.of("").toAbsolutePath().resolveSibling(".tools").resolve("bin").resolve("jaeger");
        if (!Path.of("").toAbsolutePath().getFileName().toString().equals("sdk-examples")) {
            tools = Path.of("").toAbsolutePath().resolve(".tools").resolve("bin").resolve("jaeger");
        }
        return Files.isExecutable(tools) ? Optional.of(tools) : Optional.empty();
    }

    /** The binary, or the test fails (CI=true) or is skipped (otherwise), saying how to provide one. */
    static Path requireBinary() {
        Optional<Path> bin = binary();
        String how = "a Jaeger " + VERSION + " all-in-one binary is needed: run scripts/jaeger.sh (builds"
                + " github.com/jaegertracing/jaeger/cmd/jaeger@" + VERSION + " into .tools/bin/jaeger) or set"
                + " CASCADE_JAEGER_BIN / -Dcascade.jaeger.bin to one";
        if (bin.isPresent() && !Files.isExecutable(bin.get())) {
            Assertions.fail("Jaeger binary " + bin.get() + " (from cascade.jaeger.bin / CASCADE_JAEGER_BIN) is missing"
                    + " or not executable; " + how);
        }
        if (bin.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("No Jaeger binary and CI=true, so this test fails instead of skipping: " + how);
            }
            // Also on standard error: Surefire shows a class aborted in @BeforeAll as "Tests run: 0", without reason.
            System.err.println("Jaeger tests skipped (CI is not set): " + how);
            Assumptions.abort("Skipped (CI is not set): " + how);
        }
        return bin.get();
    }

    /** Starts Jaeger on loopback in {@code workDir} and waits (bounded) until OTLP and the query API answer. */
    public static Jaeger start(Path workDir) throws IOException, InterruptedException {
        Path bin = requireBinary();
        Files.createDirectories(workDir);
        int otlp = freePort();
        int query = freePort();
        int queryGrpc = freePort();
        Path config = workDir.resolve("jaeger.yaml");
        Files.writeString(config, config(otlp, query, queryGrpc));
        Path log = workDir.resolve("jaeger.log");
        ProcessBuilder pb = new ProcessBuilder(bin.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // Jaeger traces itself with the OpenTelemetry Go SDK, which reads OTEL_*: keep it from exporting anywhere
        // (by default it dials 127.0.0.1:4317, maybe someone else's collector).
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_"));
        pb.environment().put("OTEL_TRACES_EXPORTER", "none");
        pb.environment().put("OTEL_METRICS_EXPORTER", "none");
        pb.environment().put("OTEL_LOGS_EXPORTER", "none");
        Process p = pb.start();
        Jaeger jaeger = new Jaeger(p, log, otlp, query);
        try {
            jaeger.awaitReady();
        } catch (RuntimeException | Error | InterruptedException e) {
            jaeger.close();
            throw e;
        }
        return jaeger;
    }

    /**
     * Jaeger v2 is an OpenTelemetry Collector: this is v1.75.0's embedded all-in-one.yaml cut down to what the tests
     * use (OTLP/HTTP in, memory storage, the query extension), with every endpoint on 127.0.0.1 and a free port
     * instead of 4318/16686/16685, and Jaeger's own metrics and traces off (they would listen on 8888 and dial 127.0.0.1:4317).
     */
    static String config(int otlp, int query, int queryGrpc) {
        return """
                service:
                  extensions: [jaeger_storage, jaeger_query]
                  pipelines:
                    traces:
                      receivers: [otlp]
                      processors: [batch]
                      exporters: [jaeger_storage_exporter]
                  telemetry:
                    resource:
                      service.name: jaeger
                    metrics:
                      level: none
                    traces:
                      level: none
                    logs:
                      level: info
                extensions:
                  jaeger_query:
                    enable_tracing: false
                    storage:
                      traces: memstore
                    http:
                      endpoint: 127.0.0.1:%d
                    grpc:
                      endpoint: 127.0.0.1:%d
                  jaeger_storage:
                    backends:
                      memstore:
                        memory:
                          max_traces: 100000
                receivers:
                  otlp:
                    protocols:
                      http:
                        endpoint: 127.0.0.1:%d
                processors:
                  batch:
                    timeout: 100ms
                exporters:
                  jaeger_storage_exporter:
                    trace_storage: memstore
                """.formatted(query, queryGrpc, otlp);
    }

    /** The OTLP/HTTP base endpoint, e.g. for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    public String otlpEndpoint() {
        return "http://127.0.0.1:" + otlpHttpPort;
    }

    /** The query API and UI base. */
    public String queryBase() {
        return "http://127.0.0.1:" + queryHttpPort;
    }

    /** GET {@code path} of the query API as JSON; fails on a status other than 200. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(queryBase() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** {@code /api/services}. */
    public List<String> services() throws IOException, InterruptedException {
        return texts(get("/api/services").path("data"));
    }

    /** {@code /api/services/{service}/operations}. */
    public List<String> operations(String service) throws IOException, InterruptedException {
        return texts(get("/api/services/" + enc(service) + "/operations").path("data"));
    }

    /** {@code /api/traces?service=...&limit=...}: the traces' JSON objects. */
    public List<JsonNode> traces(String service, int limit) throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        get("/api/traces?service=" + enc(service) + "&limit=" + limit + "&lookback=1h").path("data")
                .forEach(out::add);
        return out;
    }

    /** {@code /api/traces/{id}}: the one trace. */
    public JsonNode trace(String traceId) throws IOException, InterruptedException {
        JsonNode data = get("/api/traces/" + traceId).path("data");
        if (data.size() != 1) {
            throw new AssertionError("trace " + traceId + ": expected 1 trace, got " + data.size());
        }
        return data.get(0);
    }

    /** Polls (bounded) until {@code done} holds for what {@code read} returns; spans reach storage in batches. */
    public <T> T await(String what, Duration limit, IoSupplier<T> read, Predicate<T> done)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        T last = null;
        while (System.nanoTime() < end) {
            last = read.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200); // the poll interval of a bounded wait on another process
        }
        throw new AssertionError("Jaeger: " + what + " not seen within " + limit + "; last read: " + last);
    }

    /** A read that may fail with I/O. */
    @FunctionalInterface
    public interface IoSupplier<T> {
        T get() throws IOException, InterruptedException;
    }

    private void awaitReady() throws InterruptedException {
        long end = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new AssertionError("Jaeger exited with " + process.exitValue() + " before it was ready:\n"
                        + tail());
            }
            if (listening(otlpHttpPort) && listening(queryHttpPort)) {
                try {
                    get("/api/services");
                    return;
                } catch (IOException | AssertionError notYet) {
                    // the query API is up only once storage is; poll again
                }
            }
            Thread.sleep(200); // the poll interval of a bounded wait for another process to start
        }
        throw new AssertionError("Jaeger was not ready within " + STARTUP + ":\n" + tail());
    }

    /** The last lines of Jaeger's log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isObject() ? n.path("name").asString() : n.asString()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Stops Jaeger and waits for it to exit (forcibly after 15 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }

    /** Whether the process still runs (tests check it is gone after {@link #close()}). */
    public boolean isAlive() {
        return process.isAlive();
    }
}
