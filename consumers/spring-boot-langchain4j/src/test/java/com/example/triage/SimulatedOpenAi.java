package com.example.triage;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Just enough of OpenAI's {@code POST /v1/chat/completions} on loopback for a test: a request containing
 * {@code [sim:outage]} gets a 503; any other gets {@code category: billing} when it mentions a charge, else
 * {@code category: other}. Counts requests per model. Thread-safe.
 */
final class SimulatedOpenAi implements AutoCloseable {

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpServer server;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private SimulatedOpenAi(HttpServer server) {
        this.server = server;
    }

    static SimulatedOpenAi start() throws IOException {
        SimulatedOpenAi sim = new SimulatedOpenAi(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        sim.server.setExecutor(sim.workers);
        sim.server.createContext("/v1/chat/completions", sim::handle);
        sim.server.start();
        return sim;
    }

    /** The OpenAI base URL, e.g. {@code http://127.0.0.1:41234/v1}. */
    String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/v1";
    }

    int requests(String model) {
        AtomicInteger n = requests.get(model);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = MODEL.matcher(body);
            String model = m.find() ? m.group(1) : "unknown";
            requests.computeIfAbsent(model, k -> new AtomicInteger()).incrementAndGet();
            if (body.contains("[sim:outage]")) {
                send(exchange, 503, """
                        {"error":{"message":"The engine is currently overloaded, please try again later",\
                        "type":"server_error","param":null,"code":null}}""");
                return;
            }
            String answer = body.contains("charged") ? "category: billing" : "category: other";
            send(exchange, 200, """
                    {"id":"chatcmpl-sim","object":"chat.completion","created":1764300000,"model":"%s",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],\
                    "usage":{"prompt_tokens":42,"completion_tokens":4,"total_tokens":46}}""".formatted(model, answer));
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
