package dev.cascade.examples.langchain4j;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of the OpenAI chat completions API, on loopback, for the example to run offline through the real
 * LangChain4j OpenAI client: {@code POST /v1/chat/completions} answers {@code 503} for the model named
 * {@link #DOWN_MODEL} (an outage of the advanced model) and a short classification for any other model. It counts
 * the requests per model, so the example can show that retries were Cascade's alone.
 */
final class SimulatedOpenAi implements AutoCloseable {
    /** The model this provider pretends is down. */
    static final String DOWN_MODEL = "gpt-4o";

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private SimulatedOpenAi(HttpServer server) {
        this.server = server;
    }

    /** Starts the provider on a free loopback port. */
    static SimulatedOpenAi start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        SimulatedOpenAi provider = new SimulatedOpenAi(server);
        server.createContext("/v1/chat/completions", provider::handle);
        server.start();
        return provider;
    }

    /** The base URL to give the OpenAI client, e.g. {@code http://127.0.0.1:41234/v1}. */
    String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/v1";
    }

    /** How many chat requests this provider received for {@code model}. */
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
            if (DOWN_MODEL.equals(model)) {
                send(exchange, 503, """
                        {"error":{"message":"The engine is currently overloaded, please try again later",\
                        "type":"server_error","param":null,"code":null}}""");
            } else {
                send(exchange, 200, """
                        {"id":"chatcmpl-sim-1","object":"chat.completion","created":1764300000,\
                        "model":"%s-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",\
                        "content":"category: billing"},"finish_reason":"stop"}],\
                        "usage":{"prompt_tokens":42,"completion_tokens":4,"total_tokens":46,\
                        "prompt_tokens_details":{"cached_tokens":0}}}""".formatted(model));
            }
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
    }
}
