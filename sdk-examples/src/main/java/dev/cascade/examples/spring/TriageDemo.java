package dev.cascade.examples.spring;

import java.io.PrintStream;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The self-driving mode ({@code triage.demo=true}, used by {@code mvn -Pspring}): once the server is up, sends a few
 * tickets through the app's own {@code POST /triage} over HTTP (some carry the simulator's fault markers, so the
 * fallbacks show), then prints a table, one rejected request, and the {@code /actuator/cascade} and
 * {@code /actuator/health} JSON. Last, it acts as the reviewer over the reviewer REST API (HTTP Basic, the CSRF token
 * from {@code /cascade/review/api/session}): claims the ticket that went to review, decides it {@code EDITED} with its
 * own answer, and shows that {@code GET /triage/reviews/{id}} now gives the caller that answer.
 * {@link TriageApplication#main} runs it once the application is ready (so the readiness probe is up) and exits
 * afterwards.
 */
@Component
@ConditionalOnBooleanProperty("triage.demo")
class TriageDemo {

    /** The tickets, in order; the comments say what the simulated provider makes of them. */
    static final List<String> TICKETS = List.of(
            // advanced answers
            "I was charged twice for my subscription this month",
            // advanced: too slow twice (TIMEOUT), cheap answers
            "The mobile app crashes when I open the invoice page [sim:slow]",
            // advanced: 400 context_length_exceeded (not retried), cheap answers
            "My export keeps failing. Here is the full log: " + "ERROR export job 4711 failed at row 1822; ".repeat(60),
            // both models: 429 with Retry-After 30 s (too long to wait): the rules answer
            "I forgot my password and cannot log in [sim:rate-limit]",
            // both models: 429, no rule matches: a person gets it (202, review id)
            "Do you offer a discount for non-profits? [sim:rate-limit]",
            // advanced: 503, its breaker opens (window of 4, 3 failures), the retry is skipped; cheap answers
            "Saving a report fails with an error [sim:outage]",
            // advanced: skipped at once (CIRCUIT_OPEN), no request sent; cheap answers
            "Where can I download last month's invoice?");

    private final WebServerApplicationContext context;
    private final TriageProperties properties;
    private final ObjectProvider<SimulatedOpenAiServer> simulator;
    private final TriageSecurity.Reviewer reviewer;

    TriageDemo(WebServerApplicationContext context, TriageProperties properties,
               ObjectProvider<SimulatedOpenAiServer> simulator, TriageSecurity.Reviewer reviewer) {
        this.context = context;
        this.properties = properties;
        this.simulator = simulator;
        this.reviewer = reviewer;
    }

    /** Runs the demo against this application's own server and prints to standard output. */
    void run() {
        String base = "http://127.0.0.1:" + context.getWebServer().getPort();
        System.out.println("Cascade triage demo: POST " + base + "/triage, models " + properties.models().advanced()
                + " -> " + properties.models().cheap() + " at " + context.getBean(OpenAiEndpoint.class));
        run(base, properties, simulator.getIfAvailable(), reviewer, System.out);
    }

    /** One ticket sent, and what came back. */
    record Sent(String ticket, int httpStatus, TriageResponse response) {
    }

    /** The answer the demo's reviewer gives the ticket that went to review. */
    static final String EDITED_ANSWER = "category: billing";

    /**
     * Sends {@link #TICKETS} to the app at {@code base}, prints the report to {@code out}, decides the review item as
     * {@code reviewer}, returns what was sent.
     */
    static List<Sent> run(String base, TriageProperties properties, SimulatedOpenAiServer simulator,
                          TriageSecurity.Reviewer reviewer, PrintStream out) {
        RestClient http = RestClient.create(base);
        JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        List<Sent> sent = new ArrayList<>();
        for (String ticket : TICKETS) {
            Reply reply = post(http, Map.of("ticket", ticket));
            sent.add(new Sent(ticket, reply.status(), json.readValue(reply.body(), TriageResponse.class)));
        }
        out.println();
        out.printf("%-2s  %-44s  %-4s  %-14s  %-11s  %s%n", "#", "ticket", "HTTP", "status", "answered by",
                "attempts (step#n status kind)");
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            TriageResponse r = s.response();
            String by = r.answeredBy() != null ? r.answeredBy() : r.reviewId() != null ? "review " + r.reviewId() : "-";
            out.printf("%-2d  %-44s  %-4d  %-14s  %-11s  %s%n", i + 1, cut(s.ticket(), 44), s.httpStatus(),
                    r.status(), by, attempts(r));
        }
        if (simulator != null) {
            out.println();
            out.println("HTTP requests the simulated provider received: " + properties.models().advanced() + " "
                    + simulator.requests(properties.models().advanced()) + ", " + properties.models().cheap() + " "
                    + simulator.requests(properties.models().cheap())
                    + " (one per attempt: the OpenAI SDK's own retries are off)");
        }
        Reply invalid = post(http, Map.of("ticket", "   "));
        out.println();
        out.println("POST /triage {\"ticket\": \"   \"} -> " + invalid.status() + " "
                + json.readTree(invalid.body()).path("detail").asString());
        out.println();
        out.println("GET /actuator/cascade");
        out.println(json.writeValueAsString(json.readTree(get(http, "/actuator/cascade"))));
        out.println();
        out.println("GET /actuator/health");
        out.println(json.writeValueAsString(json.readTree(get(http, "/actuator/health"))));
        int reviewed = IntStream.range(0, sent.size()).filter(i -> sent.get(i).response().reviewId() != null)
                .findFirst().orElseThrow(() -> new IllegalStateException("no ticket went to review"));
        review(base, reviewed + 1, sent.get(reviewed).response().reviewId(), reviewer, http, json, out);
        return sent;
    }

    /**
     * Acts as the reviewer over the reviewer REST API, then as the caller over {@code GET /triage/reviews/{id}}.
     * Any refusal throws (the reviewer client's {@code retrieve()}), so the demo fails loudly.
     */
    private static void review(String base, int ticket, String id, TriageSecurity.Reviewer reviewer,
                               RestClient caller, JsonMapper json, PrintStream out) {
        String api = "/cascade/review/api";
        // The CSRF token lives in the reviewer's HTTP session: keep its cookie.
        RestClient http = RestClient.builder().baseUrl(base)
                .requestFactory(new JdkClientHttpRequestFactory(
                        HttpClient.newBuilder().cookieHandler(new CookieManager()).build()))
                .defaultHeaders(h -> {
                    h.setBasicAuth(reviewer.username(), reviewer.password());
                    h.setAccept(List.of(MediaType.APPLICATION_JSON));
                })
                .build();
        out.println();
        out.println("Reviewer console: " + base + "/cascade/review (user " + reviewer.username() + "); the same steps"
                + " over its REST API, with HTTP Basic and the CSRF token from GET " + api + "/session:");
        JsonNode session = json.readTree(http.get().uri(api + "/session").retrieve().body(String.class));
        String csrfHeader = session.path("csrfHeader").asString();
        String csrfToken = session.path("csrfToken").asString();

        JsonNode claimed = json.readTree(http.post().uri(api + "/items/{id}/claim", id).header(csrfHeader, csrfToken)
                .retrieve().body(String.class));
        out.println("POST " + api + "/items/" + id + "/claim -> " + claimed.path("state").asString() + " by "
                + claimed.path("claimedBy").asString() + ", version " + claimed.path("version").asLong()
                + ", input \"" + cut(claimed.path("input").asString(), 44) + "\"");

        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("verdict", "EDITED");
        decision.put("version", claimed.path("version").asLong());
        decision.put("payloadHash", claimed.path("payloadHash").asString());
        decision.put("answer", EDITED_ANSWER);
        decision.put("comment", "discounts are a billing question");
        JsonNode decided = json.readTree(http.post().uri(api + "/items/{id}/decision", id)
                .header(csrfHeader, csrfToken).contentType(MediaType.APPLICATION_JSON).body(decision)
                .retrieve().body(String.class));
        out.println("POST " + api + "/items/" + id + "/decision {\"verdict\": \"EDITED\", \"answer\": \""
                + EDITED_ANSWER + "\", version, payloadHash} -> " + decided.path("state").asString());

        Reply lookup = caller.get().uri("/triage/reviews/{id}", id).exchange((request, response) ->
                new Reply(response.getStatusCode().value(), response.bodyTo(String.class)));
        out.println("GET /triage/reviews/" + id + " (the caller, no login) -> " + lookup.status() + " "
                + lookup.body());
        TriageReview seen = json.readValue(lookup.body(), TriageReview.class);
        if (!"EDITED".equals(seen.state()) || !EDITED_ANSWER.equals(seen.answer())) {
            throw new IllegalStateException("the caller does not see the reviewer's answer: " + lookup.body());
        }
        out.println("Ticket " + ticket + "'s caller now sees the reviewer's answer \"" + seen.answer() + "\" ("
                + seen.verdict() + " by " + seen.decidedBy() + ").");
    }

    private record Reply(int status, String body) {
    }

    private static Reply post(RestClient http, Object body) {
        return http.post().uri("/triage").contentType(MediaType.APPLICATION_JSON).body(body)
                .exchange((request, response) -> new Reply(response.getStatusCode().value(),
                        response.bodyTo(String.class)));
    }

    private static String get(RestClient http, String path) {
        return http.get().uri(path).exchange((request, response) -> response.bodyTo(String.class));
    }

    private static String attempts(TriageResponse r) {
        return r.attempts().stream()
                .map(a -> a.step() + "#" + a.number() + " " + a.status() + (a.failure() == null ? "" : " "
                        + a.failure()))
                .collect(Collectors.joining(", "));
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
