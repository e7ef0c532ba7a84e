package dev.cascade.examples.spring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Enough of the OpenAI chat completions API ({@code POST /v1/chat/completions}), on loopback, for the triage app to
 * run through Spring AI's real OpenAI client without an API key. A healthy answer classifies the ticket by keywords
 * ({@code category: billing | account | technical | other}). Markers in a ticket make the provider fail the way real
 * ones do, so the chain's fallbacks can be seen:
 *
 * <table>
 * <caption>What the simulated provider does</caption>
 * <tr><th>the request</th><th>advanced model</th><th>any other model</th></tr>
 * <tr><td>contains {@code [sim:outage]}</td><td>503 {@code server_error}</td><td>answers</td></tr>
 * <tr><td>contains {@code [sim:slow]}</td><td>answers after {@code triage.simulator.slow-for} (10 s), past the
 *     step's timeout</td><td>answers</td></tr>
 * <tr><td>contains {@code [sim:rate-limit]}</td><td colspan="2">429 {@code rate_limit_exceeded} with
 *     {@code Retry-After: 30} (longer than the chain waits)</td></tr>
 * <tr><td>is longer than {@code triage.simulator.advanced-context-chars}</td><td>400
 *     {@code context_length_exceeded}</td><td>answers</td></tr>
 * </table>
 *
 * <p>It counts requests per model, so the demo can show that one Cascade attempt was one HTTP request. Thread-safe;
 * {@link #close()} stops it and ends any slow answer at once.
 */
public final class SimulatedOpenAiServer implements AutoCloseable {

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]+)\"");
    // Runs of plain characters are taken whole (possessive), so a long ticket does not recurse per character.
    private static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]++|\\\\.)*+)\"");

    private final HttpServer server;
    private final ExecutorService workers;
    private final String advancedModel;
    private final int advancedContextChars;
    private final Duration slowFor;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private SimulatedOpenAiServer(HttpServer server, ExecutorService workers, String advancedModel,
                                  int advancedContextChars, Duration slowFor) {
        this.server = server;
        this.workers = workers;
        this.advancedModel = advancedModel;
        this.advancedContextChars = advancedContextChars;
        this.slowFor = slowFor;
    }

    /**
     * Starts the provider on a free loopback port.
     *
     * @param advancedModel        the model name that gets the advanced model's faults
     * @param advancedContextChars request size above which the advanced model answers context_length_exceeded
     * @param slowFor              how long a {@code [sim:slow]} answer of the advanced model takes
     */
    public static SimulatedOpenAiServer start(String advancedModel, int advancedContextChars, Duration slowFor)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger threads = new AtomicInteger();
        // Daemon threads, interrupted by close(): a slow answer never keeps the JVM alive.
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "simulated-openai-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        SimulatedOpenAiServer provider = new SimulatedOpenAiServer(server, workers, advancedModel,
                advancedContextChars, slowFor);
        server.setExecutor(workers);
        server.createContext("/v1/chat/completions", provider::handle);
        server.start();
        return provider;
    }

    /** The base URL for the OpenAI client, e.g. {@code http://127.0.0.1:41234/v1}. */
    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/v1";
    }

    /** How many chat requests naming {@code model} reached the provider. */
    public int requests(String model) {
        AtomicInteger n = requests.get(model);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = MODEL.matcher(body);
            String model = m.find() ? m.group(1) : "unknown";
            requests.computeIfAbsent(model, k -> new AtomicInteger()).incrementAndGet();
            boolean advanced = model.equals(advancedModel);
            if (body.contains("[sim:rate-limit]")) {
                exchange.getResponseHeaders().set("Retry-After", "30");
                exchange.getResponseHeaders().set("retry-after-ms", "30000");
                send(exchange, 429, error("Rate limit reached for " + model + " on requests per min (RPM): Limit 500,"
                        + " Used 500, Requested 1. Please try again in 30s.", "requests", "rate_limit_exceeded"));
            } else if (advanced && body.contains("[sim:outage]")) {
                send(exchange, 503, error("The engine is currently overloaded, please try again later",
                        "server_error", null));
            } else if (advanced && body.length() > advancedContextChars) {
                send(exchange, 400, error("This model's maximum context length is " + advancedContextChars
                        + " characters. However, your messages resulted in " + body.length() + " characters. Please"
                        + " reduce the length of the messages.", "invalid_request_error", "context_length_exceeded"));
            } else {
                if (advanced && body.contains("[sim:slow]")) {
                    try {
                        Thread.sleep(slowFor.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("simulated provider closed during a slow answer", e);
                    }
                }
                send(exchange, 200, completion(model, category(lastContent(body)), body.length()));
            }
        }
    }

    /** The last message's text (the ticket: the system prompt comes first), still JSON-escaped; else the body. */
    static String lastContent(String body) {
        Matcher m = CONTENT.matcher(body);
        String last = body;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    /** A keyword classification of a ticket, in the format the models are asked for. */
    static String category(String ticket) {
        String t = ticket.toLowerCase(Locale.ROOT);
        if (containsAny(t, "charge", "invoice", "refund", "billing", "payment", "subscription")) {
            return "category: billing";
        }
        if (containsAny(t, "password", "log in", "login", "sign in", "account", "2fa")) {
            return "category: account";
        }
        if (containsAny(t, "crash", "error", "bug", "broken", "fails", "export")) {
            return "category: technical";
        }
        return "category: other";
    }

    private static boolean containsAny(String text, String... words) {
        for (String w : words) {
            if (text.contains(w)) {
                return true;
            }
        }
        return false;
    }

    private String completion(String model, String answer, int requestChars) {
        int promptTokens = Math.max(1, requestChars / 4);
        return """
                {"id":"chatcmpl-sim-%d","object":"chat.completion","created":1764300000,"model":"%s-sim",\
                "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],\
                "usage":{"prompt_tokens":%d,"completion_tokens":4,"total_tokens":%d,\
                "prompt_tokens_details":{"cached_tokens":0}}}""".formatted(ids.incrementAndGet(), model, answer,
                promptTokens, promptTokens + 4);
    }

    private static String error(String message, String type, String code) {
        return """
                {"error":{"message":"%s","type":"%s","param":null,"code":%s}}""".formatted(message, type,
                code == null ? "null" : "\"" + code + "\"");
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
